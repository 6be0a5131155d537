#!/usr/bin/env python3
"""Peer: Python's poplib, RETR of each message in turn on one connection (see peerlib.py)."""

import poplib
import sys

import peerlib


def main():
    a = peerlib.parse_args("poplib loop", ["retr", "stat", "top"], "retr")
    w = a.where
    loop = peerlib.Loop(a)
    p = poplib.POP3(w.hostname, w.port, timeout=peerlib.TIMEOUT)
    p.user(w.username or "test")
    p.pass_(w.password or "test")
    count = p.stat()[0]
    if count == 0 and a.op != "stat":
        print("poplib_peer: the mailbox is empty", file=sys.stderr)
        return 1
    n = 0
    while loop.more():
        try:
            if a.op == "stat":
                p.stat()
                loop.done(0)
                continue
            n = n % count + 1
            _, lines, octets = p.retr(n) if a.op == "retr" else p.top(n, 0)
            loop.done(octets)
        except poplib.error_proto:
            loop.failed()
    p.quit()
    return loop.report("poplib")


if __name__ == "__main__":
    peerlib.run(main)
