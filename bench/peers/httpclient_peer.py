#!/usr/bin/env python3
"""Peer: Python's http.client, one keep-alive connection, GET or POST (see peerlib.py)."""

import http.client
import sys

import peerlib


def main():
    a = peerlib.parse_args("http.client loop", ["get", "post"], "get")
    w = a.where
    target = w.path or "/"
    if w.query:
        target += "?" + w.query
    loop = peerlib.Loop(a)
    c = http.client.HTTPConnection(w.hostname, w.port, timeout=peerlib.TIMEOUT)
    body = b"x" * a.size if a.op == "post" else None
    while loop.more():
        if a.op == "post":
            c.request("POST", target, body=body,
                      headers={"Content-Type": "application/octet-stream"})
        else:
            c.request("GET", target)
        r = c.getresponse()
        got = 0
        while True:
            block = r.read(256 * 1024)
            if not block:
                break
            got += len(block)
        if 200 <= r.status < 300:
            loop.done(got if a.op == "get" else len(body))
        else:
            loop.failed()
        if r.will_close:
            c.close()  # the next request reconnects
    c.close()
    return loop.report("http.client")


if __name__ == "__main__":
    peerlib.run(main)
