#!/usr/bin/env python3
"""Judges real peer clients through `protoharness serve`: Python's smtplib and curl.

Usage: serve_peers.py PROTOHARNESS PEER
PEER: smtplib | smtplib-starttls | smtplib-auth-login | curl
Starts `serve --model smtp --port 0 --count 1`, runs the peer against the port from the first
line, and requires exit 0 (no FAIL), a PASS line and a written transcript.
"""
import os
import shutil
import smtplib
import ssl
import subprocess
import sys
import tempfile

CA = os.path.join(os.path.dirname(__file__), "..", "..", "fakeservers", "certs", "ca.pem")
MESSAGE = ("From: a@client.example.org\r\nTo: b@example.org\r\nSubject: peer check\r\n"
           "Date: Sun, 22 Nov 2026 03:08:21 +0000\r\nMessage-ID: <peer.1@client.example.org>\r\n\r\n"
           ".a line with a leading dot\r\nbye\r\n")


def run_peer(peer, port, workdir):
    if peer.startswith("smtplib"):
        with smtplib.SMTP("127.0.0.1", port, local_hostname="client.example.org", timeout=5) as s:
            if peer == "smtplib-starttls":
                s.starttls(context=ssl.create_default_context(cafile=CA))
            if peer == "smtplib-auth-login":
                # AUTH LOGIN, as many mail clients use by default: two base64 challenges.
                s.ehlo()
                s.user, s.password = "test", "test"
                code, _ = s.auth("LOGIN", s.auth_login)
                assert code == 235, code
            else:
                s.login("test", "test")
            s.sendmail("a@client.example.org", ["b@example.org"], MESSAGE)
    elif peer == "curl":
        path = os.path.join(workdir, "mail.txt")
        with open(path, "w", newline="") as f:
            f.write(MESSAGE)
        subprocess.run(["curl", "-sS", "--max-time", "10", f"smtp://127.0.0.1:{port}/client.example.org",
                        "--mail-from", "a@client.example.org", "--mail-rcpt", "b@example.org",
                        "--user", "test:test", "-T", path], check=True)
    else:
        sys.exit(f"unknown peer {peer}")


def main():
    exe, peer = sys.argv[1], sys.argv[2]
    if peer == "curl" and not shutil.which("curl"):
        sys.exit("curl is not installed (scripts/install-deps.sh installs it)")
    with tempfile.TemporaryDirectory() as out:
        serve = subprocess.Popen([exe, "serve", "--model", "smtp", "--port", "0", "--count", "1",
                                  "--timeout-ms", "10000", "--report-dir", out],
                                 stdout=subprocess.PIPE, text=True)
        first = serve.stdout.readline().strip()
        if not first.startswith("listening on 127.0.0.1:"):
            serve.kill()
            sys.exit(f"unexpected first line: {first!r}")
        port = int(first.rsplit(":", 1)[1])
        try:
            run_peer(peer, port, out)
        finally:
            try:
                rest, _ = serve.communicate(timeout=20)
            except subprocess.TimeoutExpired:
                serve.kill()
                rest, _ = serve.communicate()
        print(first)
        print(rest)
        if serve.returncode != 0:
            sys.exit(f"serve exited {serve.returncode}: the peer was judged FAIL")
        transcripts = os.listdir(os.path.join(out, "transcripts"))
        if not transcripts:
            sys.exit("no transcript written")
        if "PASS" not in rest and "WARN" not in rest:
            sys.exit("no verdict line")
    print(f"{peer}: judged, transcript written")


if __name__ == "__main__":
    main()
