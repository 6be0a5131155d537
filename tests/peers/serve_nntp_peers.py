#!/usr/bin/env python3
"""Judges Python's nntplib through `protoharness serve --model nntp --count 1`.

Usage: serve_nntp_peers.py PROTOHARNESS
nntplib (deprecated since 3.11, removed in 3.13; its DeprecationWarning is silenced) reads the
default model: GROUP local.test, OVER on the whole range, ARTICLE of the dot-stuffed article,
POST, QUIT. Requires exit 0 (no FAIL), a verdict line and a written transcript.
"""
import os
import subprocess
import sys
import tempfile
import warnings

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    try:
        import nntplib
    except ImportError:  # Python 3.13+: nothing to judge
        print("nntplib is not available in this Python; skipped")
        sys.exit(0)

ARTICLE = (b"From: a@client.example.org\r\nNewsgroups: local.test\r\nSubject: peer check\r\n"
           b"Message-ID: <peer.1@client.example.org>\r\n\r\n.a line with a leading dot\r\nbye\r\n")


def run_peer(port):
    with nntplib.NNTP("127.0.0.1", port, timeout=5) as s:
        _, count, first, last, name = s.group("local.test")
        assert (count, first, last, name) == (6, 1, 6, "local.test"), (count, first, last, name)
        _, overviews = s.over((first, last))
        assert [n for n, _ in overviews] == list(range(1, 7)), overviews
        _, info = s.article(3)
        assert b".hidden dot line" in info.lines, info.lines
        s.post(ARTICLE)


def main():
    exe = sys.argv[1]
    with tempfile.TemporaryDirectory() as out:
        serve = subprocess.Popen([exe, "serve", "--model", "nntp", "--port", "0", "--count", "1",
                                  "--timeout-ms", "10000", "--report-dir", out],
                                 stdout=subprocess.PIPE, text=True)
        first = serve.stdout.readline().strip()
        if not first.startswith("listening on 127.0.0.1:"):
            serve.kill()
            sys.exit(f"unexpected first line: {first!r}")
        port = int(first.rsplit(":", 1)[1])
        try:
            run_peer(port)
        finally:
            try:
                rest, _ = serve.communicate(timeout=20)
            except subprocess.TimeoutExpired:
                serve.kill()
                rest, _ = serve.communicate()
        print(first)
        print(rest)
        if serve.returncode != 0:
            sys.exit(f"serve exited {serve.returncode}: nntplib was judged FAIL")
        if not os.listdir(os.path.join(out, "transcripts")):
            sys.exit("no transcript written")
        if "PASS" not in rest and "WARN" not in rest:
            sys.exit("no verdict line")
    print("nntplib: judged, transcript written")


if __name__ == "__main__":
    main()
