"""The contract every peer client in bench/peers keeps, in one place.

    python3 bench/peers/NAME.py URL --op OP (--count N | --duration S) [--size BYTES] ...

runs a bounded loop against URL and prints one JSON line:
    {"ops": N, "bytes": B, "seconds": S, "errors": E, "tool": "..."}
`seconds` covers the measured loop only (connect and login excluded, as in
`protoharness bench`). Exit 0 when at least one op succeeded, 1 otherwise, 2 on bad usage.
"""

import argparse
import json
import ssl
import sys
import time
import urllib.parse

TIMEOUT = 30.0  # every socket wait; a peer never hangs


def parse_args(description, ops, default_op):
    p = argparse.ArgumentParser(description=description)
    p.add_argument("url")
    p.add_argument("--op", default=default_op, choices=ops)
    p.add_argument("-n", "--count", type=int, default=0, help="operations in all")
    p.add_argument("-d", "--duration", type=float, default=0, help="seconds instead of a count")
    p.add_argument("--size", type=int, default=1024, help="message or body size in bytes")
    p.add_argument("--from-addr", default="bench@client.example.org")
    p.add_argument("--to", default="rcpt0@example.org", help="SMTP recipient")
    p.add_argument("--file", help="FTP stor: upload this local file")
    p.add_argument("--tls", action="store_true",
                   help="SMTP STARTTLS, FTP AUTH TLS + PROT P (certificate not verified)")
    a = p.parse_args()
    if a.count <= 0 and a.duration <= 0:
        a.count = 1000  # always bounded
    if a.count < 0 or a.duration < 0 or a.size < 0:
        p.error("count, duration and size must not be negative")
    a.where = urllib.parse.urlsplit(a.url)
    if not a.where.hostname or not a.where.port:
        p.error(f"'{a.url}' needs a host and a port")
    return a


def insecure_tls():
    """A TLS context that does not verify: the kit's servers use self-signed certificates,
    and `protoharness bench --tls --insecure` does the same."""
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


class Loop:
    """Bounded measuring loop: `while loop.more(): ...; loop.done(bytes)`."""

    def __init__(self, args):
        self.count = args.count
        self.deadline = None
        self.duration = args.duration
        self.ops = 0
        self.bytes = 0
        self.errors = 0
        self.start = None

    def begin(self):
        self.start = time.perf_counter()
        if self.duration > 0:
            self.deadline = self.start + self.duration

    def more(self):
        if self.start is None:
            self.begin()
        if self.count > 0 and self.ops + self.errors >= self.count:
            return False
        if self.deadline is not None and time.perf_counter() >= self.deadline:
            return False
        return True

    def done(self, nbytes=0, ops=1):
        self.ops += ops
        self.bytes += nbytes

    def failed(self):
        self.errors += 1

    def report(self, tool):
        seconds = time.perf_counter() - (self.start or time.perf_counter())
        print(json.dumps({"tool": tool, "ops": self.ops, "bytes": self.bytes,
                          "seconds": round(seconds, 6), "errors": self.errors}))
        sys.stdout.flush()
        return 0 if self.ops > 0 else 1


def message(size, seq=0):
    """An RFC 5322 message of about `size` bytes, 76-character lines."""
    head = (f"From: bench@client.example.org\r\nTo: rcpt0@example.org\r\n"
            f"Subject: protoharness peer {seq}\r\n\r\n")
    line = ("x" * 74) + "\r\n"
    body_len = max(0, size - len(head))
    if body_len < 2:
        return head + "\r\n"
    return head + (line * (body_len // len(line) + 1))[:body_len - 2] + "\r\n"


def run(main):
    """Runs a peer's main: a failure is one line on stderr and exit 1, never a traceback."""
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as e:  # noqa: BLE001 - any library's error ends the peer the same way
        print(f"{sys.argv[0].rsplit('/', 1)[-1]}: {type(e).__name__}: {e}", file=sys.stderr)
        sys.exit(1)
