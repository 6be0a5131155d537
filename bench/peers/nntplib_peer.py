#!/usr/bin/env python3
"""Peer: Python's nntplib, ARTICLE of each article in turn, one command at a time (see peerlib.py)."""

import os
import sys
import time
import warnings

warnings.simplefilter("ignore", DeprecationWarning)  # nntplib: deprecated since 3.11, still there
import nntplib  # noqa: E402

import peerlib  # noqa: E402


def main():
    a = peerlib.parse_args("nntplib loop", ["article", "over", "post"], "article")
    w = a.where
    group = w.path.strip("/") or "local.test"
    loop = peerlib.Loop(a)
    s = nntplib.NNTP(w.hostname, w.port, readermode=True, timeout=peerlib.TIMEOUT)
    _, count, first, last, _ = s.group(group)
    if count == 0 and a.op != "post":
        print(f"nntplib_peer: group {group} is empty", file=sys.stderr)
        return 1
    n = first - 1
    seq = 0
    while loop.more():
        try:
            if a.op == "over":
                _, overviews = s.over((first, last))
                loop.done(sum(len(str(o)) for o in overviews))
            elif a.op == "post":
                seq += 1
                body = peerlib.message(a.size, seq).split("\r\n\r\n", 1)[1]
                article = (f"From: bench@client.example.org\r\nNewsgroups: {group}\r\n"
                           f"Subject: protoharness peer\r\n"
                           f"Message-ID: <peer.{os.getpid()}.{time.time_ns()}.{seq}@client.example.org>\r\n\r\n{body}")
                s.post(article.encode())
                loop.done(len(article))
            else:
                n = first if n >= last else n + 1
                _, info = s.article(n)
                loop.done(sum(len(line) + 2 for line in info.lines))
        except nntplib.NNTPTemporaryError:
            loop.failed()  # e.g. 423 for a cancelled article number
    s.quit()
    return loop.report("nntplib")


if __name__ == "__main__":
    peerlib.run(main)
