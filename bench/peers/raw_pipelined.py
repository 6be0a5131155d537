#!/usr/bin/env python3
"""Peer: a raw socket client that pipelines a whole pass over a mailbox or group.

    pop3://user:pass@host:port --op retr-all   RETR 1..N sent in one write, replies read after
    nntp://host:port/group     --op article-all ARTICLE first..last, likewise (RFC 3977 §3.5)

TCP_NODELAY is set, so neither Nagle nor delayed ACKs meet a lock-step exchange. One op is one
message or article; --count is rounded up to whole passes (see peerlib.py for the contract).
"""

import socket
import sys

import peerlib

END = b"\r\n.\r\n"


class Conn:
    def __init__(self, host, port):
        self.s = socket.create_connection((host, port), timeout=peerlib.TIMEOUT)
        self.s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = bytearray()
        self.pos = 0

    def _fill(self):
        chunk = self.s.recv(1 << 18)
        if not chunk:
            raise ConnectionError("server closed the connection")
        self.buf += chunk

    def line(self):
        if self.pos > 1 << 20:  # only here: block() holds offsets into the buffer
            del self.buf[:self.pos]
            self.pos = 0
        while True:
            i = self.buf.find(b"\r\n", self.pos)
            if i >= 0:
                out = bytes(self.buf[self.pos:i])
                self.pos = i + 2
                return out
            self._fill()

    def block(self):
        """The multi-line data after a status line, up to and without the terminating dot."""
        start = self.pos - 2  # the status line's CRLF may be the terminator's first one
        scan = start
        while True:
            i = self.buf.find(END, scan)
            if i >= 0:
                size = i - start
                self.pos = i + len(END)
                return size
            scan = max(start, len(self.buf) - len(END) + 1)
            self._fill()

    def send(self, data):
        self.s.sendall(data)

    def command(self, text):
        self.send(text.encode() + b"\r\n")
        return self.line()


def main():
    a = peerlib.parse_args("raw pipelined client", ["retr-all", "article-all"], "retr-all")
    w = a.where
    c = Conn(w.hostname, w.port)
    greeting = c.line()
    if a.op == "retr-all":
        ok = b"+OK"
        if not greeting.startswith(ok):
            raise ConnectionError(f"greeting {greeting!r}")
        for cmd in (f"USER {w.username or 'test'}", f"PASS {w.password or 'test'}"):
            reply = c.command(cmd)
            if not reply.startswith(ok):
                raise ConnectionError(f"{cmd.split()[0]} refused: {reply!r}")
        count = int(c.command("STAT").split()[1])
        numbers = list(range(1, count + 1))
        verb = "RETR"
    else:
        ok = b"220"
        c.command("MODE READER")
        group = w.path.strip("/") or "local.test"
        reply = c.command(f"GROUP {group}").split()
        if reply[0] != b"211":
            raise ConnectionError(f"GROUP refused: {reply!r}")
        first, last = int(reply[2]), int(reply[3])
        numbers = list(range(first, last + 1))
        verb = "ARTICLE"
    if not numbers:
        raise SystemExit("raw_pipelined: nothing to fetch")
    batch = "".join(f"{verb} {n}\r\n" for n in numbers).encode()
    loop = peerlib.Loop(a)
    while loop.more():
        c.send(batch)
        for _ in numbers:
            status = c.line()
            if status.startswith(ok):
                loop.done(c.block())
            else:
                loop.failed()
    c.command("QUIT")
    return loop.report("raw-pipelined")


if __name__ == "__main__":
    peerlib.run(main)
