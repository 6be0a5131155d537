#!/usr/bin/env python3
"""Judges real POP3 peer clients through `protoharness serve --model pop3`: Python's poplib and
curl.

Usage: serve_pop3_peers.py PROTOHARNESS PEER
PEER: poplib | poplib-stls | curl-pop3
Starts `serve --model pop3 --port 0 --count 1` (user test/test, four seeded messages, the second
with lines starting with '.'), runs the peer against the port from the first line, checks what
the peer received, and requires exit 0 (no FAIL), a verdict line and a written transcript.
"""
import os
import poplib
import shutil
import ssl
import subprocess
import sys
import tempfile

CA = os.path.join(os.path.dirname(__file__), "..", "..", "fakeservers", "certs", "ca.pem")
# The default model mailbox (fakeservers/pop3/pop3_dialect.cpp, scenarios/README.md).
SIZES = [103, 143, 254, 4096]
DOTS = [b".a line that starts with a dot", b"..two dots", b"."]


def run_peer(peer, port, workdir):
    if peer.startswith("poplib"):
        p = poplib.POP3("127.0.0.1", port, timeout=5)
        if peer == "poplib-stls":
            p.stls(context=ssl.create_default_context(cafile=CA))
        p.user("test")
        p.pass_("test")
        count, size = p.stat()
        assert (count, size) == (len(SIZES), sum(SIZES)), (count, size)
        _, listing, _ = p.list()
        assert [int(l.split()[1]) for l in listing] == SIZES, listing
        _, lines, octets = p.retr(2)
        assert lines[-4:-1] == DOTS, lines
        p.quit()
    elif peer == "curl-pop3":
        out = subprocess.run(["curl", "-sS", "--max-time", "10", f"pop3://127.0.0.1:{port}/2",
                              "-u", "test:test"], check=True, capture_output=True).stdout
        assert b"\r\n.a line that starts with a dot\r\n..two dots\r\n.\r\n" in out, out
    else:
        sys.exit(f"unknown peer {peer}")


def main():
    exe, peer = sys.argv[1], sys.argv[2]
    if peer == "curl-pop3" and not shutil.which("curl"):
        sys.exit("curl is not installed (scripts/install-deps.sh installs it)")
    with tempfile.TemporaryDirectory() as out:
        serve = subprocess.Popen([exe, "serve", "--model", "pop3", "--port", "0", "--count", "1",
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
