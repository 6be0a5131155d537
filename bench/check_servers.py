#!/usr/bin/env python3
"""Peer clients against each daemon of bench/servers.sh: one OK/FAIL line per daemon.

Usage: check_servers.py STATE_DIR   (normally through `bench/servers.sh check`)
Exit 0 when every daemon passed, 1 otherwise. Every network call has a timeout.
"""
import ftplib
import http.client
import io
import os
import poplib
import smtplib
import ssl
import subprocess
import sys
import time
import warnings

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    import nntplib  # deprecated since 3.11, still the peer the benchmarks compare against

HOST = "127.0.0.1"
TIMEOUT = 20


def load_env(state):
    env = {}
    with open(os.path.join(state, "servers.env")) as f:
        for line in f:
            key, _, value = line.strip().partition("=")
            if key:
                env[key] = value
    return env


def tls_context(state):
    return ssl.create_default_context(cafile=os.path.join(state, "tls", "ca.pem"))


def curl(*args):
    """Runs curl with a deadline; returns stdout, raises with curl's message on failure."""
    cmd = ["curl", "-sS", "--max-time", str(TIMEOUT), *args]
    done = subprocess.run(cmd, capture_output=True, timeout=TIMEOUT + 5)
    if done.returncode != 0:
        raise RuntimeError(f"curl exit {done.returncode}: {done.stderr.decode().strip()}")
    return done.stdout


MESSAGE = "From: check@bench.test\r\nTo: rcpt0@example.org\r\nSubject: check\r\n\r\nhello\r\n"


def check_smtp_sink(env, state):
    with smtplib.SMTP(HOST, int(env["SMTP_SINK_PORT"]), timeout=TIMEOUT) as s:
        refused = s.sendmail("check@bench.test", ["rcpt0@example.org"], MESSAGE)
        if refused:
            raise RuntimeError(f"refused {refused}")
    return "smtplib sendmail accepted"


def check_postfix(env, state):
    port = int(env["POSTFIX_PORT"])
    with smtplib.SMTP(HOST, port, timeout=TIMEOUT) as s:
        refused = s.sendmail("check@bench.test", ["rcpt0@example.org", "x@bench.test"], MESSAGE)
        if refused:
            raise RuntimeError(f"refused {refused}")
    with smtplib.SMTP(HOST, port, timeout=TIMEOUT) as s:
        s.starttls(context=tls_context(state))
        s.sendmail("check@bench.test", ["rcpt1@example.org"], MESSAGE)
    with smtplib.SMTP(HOST, port, timeout=TIMEOUT) as s:
        code, _ = s.docmd("MAIL FROM:<check@bench.test>")
        code, text = s.docmd("RCPT TO:<someone@elsewhere.invalid>")
        if code != 250:
            raise RuntimeError(f"RCPT to a non-test domain got {code}, expected 250 (discarded)")
    return "smtplib sendmail (plain and STARTTLS) accepted, discarded"


def check_dovecot(env, state):
    want = int(env["POP3_MESSAGES"])
    p = poplib.POP3(HOST, int(env["DOVECOT_POP3_PORT"]), timeout=TIMEOUT)
    try:
        p.user(env["BENCH_USER"])
        p.pass_(env["BENCH_PASS"])
        count, size = p.stat()
        if count != want:
            raise RuntimeError(f"STAT says {count} messages, expected {want}")
        _, lines, octets = p.retr(1)
        if octets < 10000:
            raise RuntimeError(f"RETR 1 gave {octets} octets, expected about 10 KB")
    finally:
        p.quit()
    p = poplib.POP3(HOST, int(env["DOVECOT_POP3_PORT"]), timeout=TIMEOUT)
    try:
        p.stls(context=tls_context(state))
        p.user(env["BENCH_USER"])
        p.pass_(env["BENCH_PASS"])
        p.stat()
    finally:
        p.quit()
    return f"poplib STAT {count} messages ({size} bytes), RETR 1 {octets} octets, STLS login"


def check_inn(env, state):
    group, want = env["NNTP_GROUP"], int(env["NNTP_ARTICLES"])
    with nntplib.NNTP(HOST, int(env["INN_PORT"]), timeout=TIMEOUT, readermode=True) as n:
        _, count, first, last, _ = n.group(group)
        if count < want:
            raise RuntimeError(f"GROUP {group} has {count} articles, expected >= {want}")
        _, art = n.article(str(first))
        _, over = n.over((first, first + 9))
        stamp = f"{time.time():.6f}"
        msg = (f"From: check@bench.test\r\nNewsgroups: {group}\r\nSubject: check {stamp}\r\n"
               f"\r\ncheck article\r\n").encode()
        reply = n.post(io.BytesIO(msg))
        if not reply.startswith("240"):
            raise RuntimeError(f"POST: {reply}")
    return (f"nntplib GROUP {count} articles, ARTICLE {first} {len(art.lines)} lines, "
            f"OVER {len(over)}, POST 240")


def check_ftp(env, state):
    base = f"ftp://{env['BENCH_USER']}:{env['BENCH_PASS']}@{HOST}:{env['FTP_PORT']}"
    size = int(curl("-o", "/dev/null", "-w", "%{size_download}", f"{base}/{env['FTP_BIG']}"))
    if size != 100 * 1024 * 1024:
        raise RuntimeError(f"RETR {env['FTP_BIG']} gave {size} bytes, expected 100 MiB")
    names = curl("--list-only", f"{base}/{env['FTP_SMALL_DIR']}/").decode().split()
    listing = [n for n in names if n not in (".", "..")]
    if len(listing) != 100:
        raise RuntimeError(f"NLST {env['FTP_SMALL_DIR']}/ listed {len(listing)} files, expected 100")
    payload = os.urandom(65536)
    name = f"check-{os.getpid()}.bin"
    up = os.path.join(state, "ftp", name)
    with open(up, "wb") as f:
        f.write(payload)
    try:
        curl("-T", up, f"{base}/upload/{name}")
        back = curl(f"{base}/upload/{name}", "-Q", f"-DELE {name}")  # after the transfer, in upload/
        if back != payload:
            raise RuntimeError("STOR then RETR did not give the same bytes back")
    finally:
        os.unlink(up)
    tls = curl("--ssl-reqd", "--cacert", os.path.join(state, "tls", "ca.pem"), "-o", "/dev/null",
               "-w", "%{size_download}", f"{base}/{env['FTP_SMALL_DIR']}/{listing[0]}")
    active = curl("-P", "-", "-o", "/dev/null", "-w", "%{size_download}",
                  f"{base}/{env['FTP_SMALL_DIR']}/{listing[0]}")
    with ftplib.FTP() as f:
        f.connect(HOST, int(env["FTP_PORT"]), timeout=TIMEOUT)
        f.login(env["BENCH_USER"], env["BENCH_PASS"])
        f.size(env["FTP_BIG"])
    return (f"curl RETR {size} bytes, NLST {len(listing)} files, STOR+RETR+DELE 64 KiB, "
            f"AUTH TLS RETR {int(tls)}, active RETR {int(active)}; ftplib login")


def check_nginx(env, state):
    port = int(env["NGINX_PORT"])
    base = f"http://{HOST}:{port}"
    small = curl("-o", "/dev/null", "-w", "%{http_code} %{size_download}", base + env["HTTP_SMALL"])
    if small.decode() != "200 1024":
        raise RuntimeError(f"GET {env['HTTP_SMALL']}: {small.decode()}")
    big = curl("-o", "/dev/null", "-w", "%{http_code} %{size_download}", base + env["HTTP_BIG"])
    if big.decode() != f"200 {100 * 1024 * 1024}":
        raise RuntimeError(f"GET {env['HTTP_BIG']}: {big.decode()}")
    # Keep-alive: several requests on one connection.
    c = http.client.HTTPConnection(HOST, port, timeout=TIMEOUT)
    try:
        for _ in range(3):
            c.request("GET", env["HTTP_SMALL"])
            r = c.getresponse()
            if r.status != 200 or len(r.read()) != 1024:
                raise RuntimeError(f"keep-alive GET: {r.status}")
        c.request("POST", "/post", body=os.urandom(4096))
        r = c.getresponse()
        r.read()
        if r.status != 200:
            raise RuntimeError(f"POST: {r.status}")
    finally:
        c.close()
    return "curl GET 1 KiB and 100 MiB, http.client keep-alive GET x3 and POST"


CHECKS = [
    ("smtp-sink", "SMTP_SINK_PORT", check_smtp_sink),
    ("postfix", "POSTFIX_PORT", check_postfix),
    ("dovecot", "DOVECOT_POP3_PORT", check_dovecot),
    ("inn", "INN_PORT", check_inn),
    ("ftp", "FTP_PORT", check_ftp),
    ("nginx", "NGINX_PORT", check_nginx),
]


def main():
    if len(sys.argv) != 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    state = sys.argv[1]
    env = load_env(state)
    failed = 0
    for name, port_key, check in CHECKS:
        started = time.monotonic()
        try:
            what = check(env, state)
            status = "OK  "
        except Exception as e:  # any failure of a peer is a FAIL line, never a traceback
            what = f"{type(e).__name__}: {e}"
            status = "FAIL"
            failed += 1
        took = time.monotonic() - started
        print(f"{status} {name:<10} 127.0.0.1:{env[port_key]:<6} {what} ({took:.2f} s)", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
