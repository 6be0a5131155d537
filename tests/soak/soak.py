#!/usr/bin/env python3
"""Soak: a model server takes a burst of hostile connections, then still serves a real client.

Usage: soak.py PROTOHARNESS PROTOCOL [--connections N] [--workers W] [--rss-growth-mib M]

Starts `serve --model PROTOCOL --port 0 --count N+1 --summary` and opens N connections
(default 1000), 16 at a time, each one of these kinds in a fixed shuffled mix:
  garbage    random bytes (CR and LF among them), read what comes back briefly, close
  long_line  one 64 KiB line (half of them without its CRLF), close
  half_open  connect, send nothing, close after 20-100 ms
  close      connect and close at once (FIN)
  rst        connect and close with SO_LINGER 0 (RST)
Then it requires: one verdict line per connection made, the server still running, VmRSS after
the burst within --rss-growth-mib (default 32) of VmRSS before it, and a well-behaved client
(Python's library for the protocol) served correctly and judged PASS or WARN, after which
serve exits by itself (0 or 1: hostile connections may be judged FAIL) and not by a signal.
Every socket wait has a timeout. Prints the figures on one line.
"""
import argparse
import concurrent.futures
import ftplib
import http.client
import os
import poplib
import random
import smtplib
import socket
import struct
import sys
import time
import warnings

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "peers"))
from served import Served  # noqa: E402

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    import nntplib  # deprecated in 3.11, present through 3.12

KINDS = ("garbage", "long_line", "half_open", "close", "rst")
TIMEOUT = 5.0  # every socket wait


def hostile(port, kind, rnd):
    """One hostile connection; True when it was made (connected)."""
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
    except OSError:
        return False
    try:
        if kind == "garbage":
            s.sendall(rnd.randbytes(rnd.randint(1, 2048)) + b"\r\n")
            s.settimeout(0.05)
            try:
                while s.recv(65536):
                    pass
            except OSError:
                pass
        elif kind == "long_line":
            line = b"A" * 65536
            s.sendall(line + (b"\r\n" if rnd.random() < 0.5 else b""))
        elif kind == "half_open":
            time.sleep(rnd.uniform(0.02, 0.1))
        elif kind == "rst":
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass  # the server may close or reset first; the connection was made all the same
    finally:
        s.close()
    return True


def well_behaved(protocol, port):
    """Python's client library for the protocol against the default model; raises on a wrong
    answer."""
    host = "127.0.0.1"
    if protocol == "smtp":
        with smtplib.SMTP(host, port, local_hostname="client.example.org", timeout=TIMEOUT) as s:
            s.login("test", "test")
            refused = s.sendmail("a@client.example.org", ["b@example.org"],
                                 "From: a@client.example.org\r\nTo: b@example.org\r\n"
                                 "Subject: soak\r\nDate: Tue, 22 Dec 2026 10:00:00 +0000\r\n"
                                 "Message-ID: <soak.1@client.example.org>\r\n\r\n"
                                 "still serving\r\n")
            assert refused == {}, refused
    elif protocol == "pop3":
        p = poplib.POP3(host, port, timeout=TIMEOUT)
        p.user("test")
        p.pass_("test")
        assert p.stat() == (4, 103 + 143 + 254 + 4096), p.stat()
        _, lines, _ = p.retr(1)
        assert lines[-1] == b"Hello, world.", lines
        p.quit()
    elif protocol == "nntp":
        with nntplib.NNTP(host, port, timeout=TIMEOUT) as n:
            _, count, first, last, name = n.group("local.test")
            assert (count, first, last, name) == (6, 1, 6, "local.test")
            _, overviews = n.over((1, 6))
            assert len(overviews) == 6, overviews
            _, info = n.article(3)
            assert b"..two dots" in info.lines, info.lines
    elif protocol == "ftp":
        with ftplib.FTP() as f:
            f.connect(host, port, timeout=TIMEOUT)
            f.af = socket.AF_INET6  # EPSV, as tests/peers/serve_ftp_peers.py (FTP-EPSV-USE)
            f.login("test", "test")
            names = f.nlst("pub")
            assert "pub/hello.txt" in names or "hello.txt" in names, names
            got = bytearray()
            f.retrbinary("RETR pub/small.bin", got.extend)
            assert bytes(got) == bytes(i % 251 for i in range(1000)), len(got)
            f.quit()
    elif protocol == "http":
        c = http.client.HTTPConnection(host, port, timeout=TIMEOUT)
        for _ in range(2):  # keep-alive: the same connection twice
            c.request("GET", "/small")
            r = c.getresponse()
            assert (r.status, r.read()) == (200, b"hello, world\n")
        c.close()
    else:
        raise SystemExit(f"unknown protocol {protocol}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("exe")
    ap.add_argument("protocol")
    ap.add_argument("--connections", type=int, default=1000)
    ap.add_argument("--workers", type=int, default=16)
    ap.add_argument("--rss-growth-mib", type=int, default=32)
    args = ap.parse_args()
    n = args.connections
    rnd = random.Random(20261222)
    kinds = [KINDS[i % len(KINDS)] for i in range(n)]
    rnd.shuffle(kinds)
    seeds = [rnd.getrandbits(32) for _ in range(n)]

    srv = Served(args.exe, ["--model", args.protocol, "--count", str(n + 1), "--summary"])
    problems = []
    made = judged = 0
    rss_burst = rss_end = None
    try:
        rss_start = srv.rss_kib()
        started = time.monotonic()
        with concurrent.futures.ThreadPoolExecutor(args.workers) as pool:
            made = sum(pool.map(lambda i: hostile(srv.port, kinds[i], random.Random(seeds[i])),
                                range(n)))
        burst_s = time.monotonic() - started
        if not srv.wait_verdicts(made, 60):
            problems.append(f"{len(srv.verdicts)} verdict line(s) for {made} connection(s) made")
        judged = len(srv.verdicts)
        rss_burst = srv.rss_kib()
        if srv.proc.poll() is not None:
            problems.append(f"serve exited during the burst with status {srv.proc.returncode}")
        else:
            try:
                well_behaved(args.protocol, srv.port)
            except Exception as e:  # noqa: BLE001 - any failure of the peer is the finding
                problems.append(f"well-behaved client failed: {type(e).__name__}: {e}")
            # serve exits once this last connection is judged: measure before that.
            rss_end = srv.rss_kib()
            if not srv.wait_verdicts(made + 1, 30):
                problems.append("the well-behaved client's connection was not judged")
    finally:
        # serve exits by itself once N+1 connections were judged; otherwise it is stopped.
        if len(srv.verdicts) >= n + 1:
            status = srv.finish(timeout=30)
        else:
            status = srv.stop(timeout=30)
    total_s = time.monotonic() - started

    tally = {}
    for v, _ in srv.verdicts[:judged]:
        tally[v] = tally.get(v, 0) + 1
    last = srv.verdicts[judged][0] if len(srv.verdicts) > judged else "none"
    if last not in ("PASS", "WARN"):
        problems.append(f"the well-behaved client was judged {last}")
    if status not in (0, 1):
        problems.append(f"serve exited with status {status} (a crash or a kill)")
    if rss_start is None or rss_burst is None:
        problems.append("serve's VmRSS could not be read before and after the burst")
    growth_kib = (rss_burst or 0) - (rss_start or 0)
    if growth_kib > args.rss_growth_mib * 1024:
        problems.append(f"VmRSS grew by {growth_kib} KiB over the burst "
                        f"(bound {args.rss_growth_mib} MiB)")
    mix = {k: kinds.count(k) for k in KINDS}
    print(f"soak {args.protocol}: {made} connections made {mix}, {judged} judged "
          f"{dict(sorted(tally.items()))}, well-behaved client {last}; VmRSS start {rss_start} KiB, "
          f"after burst {rss_burst} KiB ({growth_kib:+} KiB), after client {rss_end or 'n/a'} KiB; "
          f"burst {burst_s:.1f} s, total {total_s:.1f} s; serve exit {status}")
    if problems:
        for p in problems:
            print("problem:", p)
        print(srv.output()[-4000:])
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
