#!/usr/bin/env python3
"""Judges real FTP peer clients through `protoharness serve --model ftp`: ftplib, curl, lftp.

Usage: serve_ftp_peers.py PROTOHARNESS PEER
PEER: ftplib | ftplib-abort | curl-ftp-download | curl-ftp-upload | lftp
Starts `serve --model ftp --port 0 --count 1` (users test/test and anonymous, a 10 MB generated
big.bin whose byte i is i mod 251, pub/ with small files, a writable upload/), runs the peer
against the port from the first line, checks what the peer received, and requires exit 0 (no
FAIL), a verdict line and a written transcript.
"""
import hashlib
import io
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import ftplib


def generated(n):
    pattern = bytes(range(251))
    return (pattern * (n // 251 + 1))[:n]


def run_peer(peer, port, workdir):
    if peer == "ftplib":
        f = ftplib.FTP()
        f.connect("127.0.0.1", port, timeout=5)
        # Stock ftplib sends PASV on IPv4, which the catalogue's FTP-EPSV-USE (RFC 2428 §4
        # MUST) judges FAIL; its IPv6 path sends EPSV, so take that path on IPv4 as well.
        f.af = socket.AF_INET6
        assert f.login("test", "test").startswith("230")
        assert f.pwd() == "/"
        big = hashlib.sha256()
        f.retrbinary("RETR big.bin", big.update)
        assert big.hexdigest() == hashlib.sha256(generated(10 * 1024 * 1024)).hexdigest()
        data = b"uploaded by ftplib\r\n" * 100
        assert f.storbinary("STOR upload/ftplib.bin", io.BytesIO(data)).startswith("226")
        f.voidcmd("TYPE I")
        assert f.size("upload/ftplib.bin") == len(data)
        lines = []
        f.retrlines("RETR pub/lines.txt", lines.append)
        assert lines == ["one", "two", "three"], lines
        f.quit()
    elif peer == "ftplib-abort":
        # ftplib sends ABOR with MSG_OOB (its LF becomes TCP urgent data): the transcript must
        # hold "ABOR\r\n" as sent, not a bare CR (FTP-CRLF), so the session is judged PASS.
        f = ftplib.FTP()
        f.connect("127.0.0.1", port, timeout=5)
        f.af = socket.AF_INET6
        assert f.login("test", "test").startswith("230")
        f.abort()
        f.quit()
    elif peer == "curl-ftp-download":
        out = subprocess.run(["curl", "-sS", "--max-time", "10", f"ftp://127.0.0.1:{port}/pub/small.bin",
                              "-u", "test:test"], check=True, capture_output=True).stdout
        assert out == generated(1000), len(out)
    elif peer == "curl-ftp-upload":
        path = os.path.join(workdir, "up.bin")
        with open(path, "wb") as fh:
            fh.write(generated(50000))
        subprocess.run(["curl", "-sS", "--max-time", "10", "-T", path,
                        f"ftp://127.0.0.1:{port}/upload/up.bin", "-u", "test:test"], check=True)
    elif peer == "lftp":
        # Stock lftp sends PASV on IPv4 (ftp:prefer-epsv is off), which FTP-EPSV-USE (RFC 2428
        # §4 MUST) judges FAIL; prefer EPSV here. It negotiates AUTH TLS by itself: trust the CA.
        up = os.path.join(workdir, "lftp-up.txt")
        with open(up, "wb") as fh:
            fh.write(b"uploaded by lftp\n" * 50)
        got = os.path.join(workdir, "lftp-small.bin")
        ca = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "fakeservers", "certs", "ca.pem")
        script = (f"set ssl:ca-file {ca}; set ftp:prefer-epsv yes; set net:max-retries 1; set net:timeout 5; "
                  f"get pub/small.bin -o {got}; put {up} -o upload/lftp.txt; bye")
        subprocess.run(["lftp", "-u", "test,test", "-p", str(port), "-e", script, "127.0.0.1"], check=True,
                       timeout=30)
        with open(got, "rb") as fh:
            assert fh.read() == generated(1000)
    else:
        sys.exit(f"unknown peer {peer}")


def main():
    exe, peer = sys.argv[1], sys.argv[2]
    for tool in ("curl", "lftp"):
        if peer.startswith(tool) and not shutil.which(tool):
            sys.exit(f"{tool} is not installed (scripts/install-deps.sh installs it)")
    with tempfile.TemporaryDirectory() as out:
        serve = subprocess.Popen([exe, "serve", "--model", "ftp", "--port", "0", "--count", "1",
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
                rest, _ = serve.communicate(timeout=90)
            except subprocess.TimeoutExpired:
                serve.kill()
                rest, _ = serve.communicate()
        print(first)
        print(rest[-4000:])
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
