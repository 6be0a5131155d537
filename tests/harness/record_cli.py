#!/usr/bin/env python3
"""protoharness record: a relay to an upstream server (here a protoharness model server) that
judges each client and writes a scenario replaying the upstream; the replay must accept a new
run of the same client. Usage: record_cli.py PROTOHARNESS CASE"""
import base64
import json
import os
import poplib
import smtplib
import subprocess
import sys
import tempfile

PH = sys.argv[1]
TIMEOUT = 60


def expect(cond, what, out=""):
    if not cond:
        sys.exit(f"FAILED: {what}\n{out}")


def start(*args):
    """A protoharness process and the port its first line names."""
    p = subprocess.Popen([PH, *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    first = p.stdout.readline()
    expect(first.startswith("listening on 127.0.0.1:"), f"{args[0]}: first line {first!r}")
    return p, int(first.rsplit(":", 1)[1])


def finish(p):
    out, _ = p.communicate(timeout=TIMEOUT)
    return p.returncode, out


def smtp_session(port, date, password="test"):
    s = smtplib.SMTP("127.0.0.1", port, timeout=10)
    s.ehlo()
    s.login("test", password)
    s.sendmail("a@example.org", ["b@example.org"],
               f"From: a@example.org\r\nTo: b@example.org\r\nDate: {date}\r\n"
               f"Message-ID: <{date.replace(' ', '.')}@example.org>\r\nSubject: hi\r\n\r\nhello\r\n")
    s.quit()


def pop3_session(port, password="test"):
    p = poplib.POP3("127.0.0.1", port, timeout=10)
    p.user("test")
    p.pass_(password)
    p.stat()
    p.retr(1)
    p.quit()


def record_then_replay(d, protocol, session, secret, raw=False):
    upstream, up_port = start("serve", "--model", protocol, "--port", "0", "--count", "1", "--summary")
    out_file = os.path.join(d, f"{protocol}.toml")
    rec, rec_port = start("record", protocol, "--upstream", f"127.0.0.1:{up_port}", "--port", "0",
                          "--count", "1", "--out", out_file, *(["--raw"] if raw else []))
    session(rec_port, first=True)
    rc, out = finish(rec)
    finish(upstream)
    expect(rc in (0, 1) and f"recorded {out_file}" in out, f"record exit {rc}", out)
    expect("served 1 connection(s)" in out, "record's tally", out)
    with open(out_file) as f:
        text = f.read()
    expect(("Raw:" in text) == raw and ("Normalisers: credentials" in text) == (not raw),
           "the header names the normalisers", text)
    expect((secret in text) == raw, f"credentials in clear: {secret in text}", text)
    p = subprocess.run([PH, "check", out_file], capture_output=True, text=True, timeout=TIMEOUT)
    expect(p.returncode == 0, "the recording is a valid scenario", p.stdout + p.stderr)
    # The replay stands in for the upstream: a new run of the same client matches every step.
    report = os.path.join(d, f"{protocol}-replay")
    replay, port = start("serve", out_file, "--port", "0", "--count", "1", "--report-dir", report)
    session(port, first=False)
    rc, out = finish(replay)
    with open(os.path.join(report, "report.json")) as f:
        result = json.load(f)["scenarios"][0]
    expect(not result["problems"] and result["script"] and
           all(s["matched"] and s["reached"] for s in result["script"]),
           "the replay matched the new run", out)
    return text


def case_smtp_round_trip():
    with tempfile.TemporaryDirectory() as d:
        def session(port, first):
            # A new run differs in Date and Message-ID, which the normalisers loosen.
            # The new Date is longer, so the SIZE= parameter differs too.
            smtp_session(port, "Mon, 7 Dec 2026 10:00:00 +0000" if first else
                         "Tue, 8 Dec 2026 11:30:00 +0000 (UTC)")
        secret = base64.b64encode(b"\0test\0test").decode()
        text = record_then_replay(d, "smtp", session, secret)
        expect('expect   = "Date: *"' in text and 'expect   = "Message-ID: *"' in text,
               "date and message-id normalised", text)
        expect("size=* " in text.lower() or text.lower().count("size=*") == 1, "SIZE= normalised", text)


def case_pop3_round_trip():
    with tempfile.TemporaryDirectory() as d:
        text = record_then_replay(d, "pop3", lambda port, first: pop3_session(port), "PASS test")
        expect('expect   = "PASS ***"' in text, "PASS masked", text)


def case_raw_keeps_every_byte():
    with tempfile.TemporaryDirectory() as d:
        record_then_replay(d, "pop3", lambda port, first: pop3_session(port), "PASS test", raw=True)


def case_unreachable_upstream_is_an_error():
    # A port nobody listens on: the client is closed, the connection judged ERROR, no hang.
    with tempfile.TemporaryDirectory() as d:
        probe, free_port = start("serve", "--model", "smtp", "--port", "0", "--count", "1")
        probe.kill()
        probe.wait()
        rec, port = start("record", "smtp", "--upstream", f"127.0.0.1:{free_port}", "--port", "0",
                          "--count", "1", "--out", os.path.join(d, "x.toml"))
        try:
            smtplib.SMTP("127.0.0.1", port, timeout=10)
        except (smtplib.SMTPServerDisconnected, ConnectionError):
            pass
        rc, out = finish(rec)
        expect(rc == 1 and f"upstream 127.0.0.1:{free_port}:" in out and "ERROR" in out,
               f"record exit {rc}", out)


def case_bad_upstream_is_a_usage_error():
    for bad in ["nope", "127.0.0.1:", "127.0.0.1:0", "127.0.0.1:70000", ":25"]:
        p = subprocess.run([PH, "record", "smtp", "--upstream", bad], capture_output=True,
                           text=True, timeout=TIMEOUT)
        expect(p.returncode == 2 and "--upstream" in p.stderr, f"--upstream {bad}: exit {p.returncode}",
               p.stdout + p.stderr)
    p = subprocess.run([PH, "record", "gopher", "--upstream", "127.0.0.1:70"], capture_output=True,
                       text=True, timeout=TIMEOUT)
    expect(p.returncode == 2 and "unknown protocol 'gopher'" in p.stderr, "unknown protocol",
           p.stdout + p.stderr)


if __name__ == "__main__":
    name = "case_" + sys.argv[2].replace("-", "_")
    if name not in globals():
        sys.exit(f"unknown case {sys.argv[2]}")
    globals()[name]()
    print(f"{sys.argv[2]}: ok")
