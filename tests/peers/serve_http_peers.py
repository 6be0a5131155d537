#!/usr/bin/env python3
"""Judges real HTTP peer clients through `protoharness serve --model http`: curl, Python's
http.client and urllib.request.

Usage: serve_http_peers.py PROTOHARNESS PEER
PEER: curl-http | http.client | urllib
Starts `serve --model http --port 0 --count 1` (the default routes: /small, /large, /redirect/N,
/cookies/set, /basic-auth, /upload echo, /chunked; fakeservers/http/http_dialect.cpp), runs the
peer on one keep-alive connection against the port from the first line, checks what it
received, and requires exit 0 (no FAIL), a verdict line and a written transcript.
"""
import base64
import hashlib
import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.request

SMALL = b"hello, world\n"
CHUNKED = b"first chunk\nsecond, longer chunk\nxend\n"
LARGE_SHA256 = "472b61b427207292cdebf2b6790eb43121b84535ab08b7de7ccbeaf533f2e16a"


def run_peer(peer, port):
    base = f"http://127.0.0.1:{port}"
    if peer == "curl-http":
        # One curl process, several URLs: curl reuses the connection (one judged session).
        out = subprocess.run(["curl", "-sS", "--max-time", "20", "-u", "user:passwd",
                              f"{base}/small", f"{base}/chunked", f"{base}/basic-auth"],
                             check=True, capture_output=True).stdout
        assert out == SMALL + CHUNKED + b"authenticated\n", out
    elif peer == "http.client":
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        c.request("GET", "/small")
        r = c.getresponse()
        assert (r.status, r.read()) == (200, SMALL)
        c.request("GET", "/chunked")
        r = c.getresponse()
        assert r.read() == CHUNKED
        c.request("GET", "/large")
        r = c.getresponse()
        assert hashlib.sha256(r.read()).hexdigest() == LARGE_SHA256
        body = b"\x00\x01upload\r\n" * 100
        c.request("PUT", "/upload", body=body, headers={"Content-Type": "application/octet-stream"})
        echo = json.loads(c.getresponse().read())
        assert echo["body_sha256"] == hashlib.sha256(body).hexdigest(), echo
        assert echo["body_length"] == len(body), echo
        c.request("GET", "/basic-auth",
                  headers={"Authorization": "Basic " + base64.b64encode(b"user:passwd").decode()})
        r = c.getresponse()
        assert (r.status, r.read()) == (200, b"authenticated\n")
        c.close()
    elif peer == "urllib":
        # urllib.request sends Connection: close: one request per connection, so --count 1
        # judges the first; the redirect chain is followed with new connections after it.
        with urllib.request.urlopen(f"{base}/cookies/set", timeout=10) as r:
            assert r.read() == b"cookies set\n"
            cookies = r.headers.get_all("Set-Cookie")
            assert cookies and cookies[0].startswith("session=abc123"), cookies
    else:
        sys.exit(f"unknown peer {peer}")


def main():
    exe, peer = sys.argv[1], sys.argv[2]
    if peer == "curl-http" and not shutil.which("curl"):
        sys.exit("curl is not installed (scripts/install-deps.sh installs it)")
    with tempfile.TemporaryDirectory() as out:
        serve = subprocess.Popen([exe, "serve", "--model", "http", "--port", "0", "--count", "1",
                                  "--timeout-ms", "10000", "--report-dir", out],
                                 stdout=subprocess.PIPE, text=True)
        first = serve.stdout.readline().strip()
        if not first.startswith("listening on 127.0.0.1:"):
            serve.kill()
            sys.exit(f"unexpected first line: {first!r}")
        port = int(first.rsplit(":", 1)[1])
        try:
            run_peer(peer, port)
        finally:
            try:
                rest, _ = serve.communicate(timeout=90)
            except subprocess.TimeoutExpired:
                serve.kill()
                rest, _ = serve.communicate()
        print(first)
        print(rest)
        if serve.returncode != 0:
            sys.exit(f"serve exited {serve.returncode}: the peer was judged FAIL")
        if not os.listdir(os.path.join(out, "transcripts")):
            sys.exit("no transcript written")
        if "PASS" not in rest and "WARN" not in rest:
            sys.exit("no verdict line")
    print(f"{peer}: judged, transcript written")


if __name__ == "__main__":
    main()
