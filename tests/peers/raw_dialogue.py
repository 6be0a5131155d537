#!/usr/bin/env python3
"""Plays a raw-bytes dialogue file against `protoharness serve` and checks every reply.

Usage: raw_dialogue.py PROTOHARNESS DIALOGUE

For what no client library can say (a cancelled SASL exchange, malformed base64, a command out
of state, a hang-up in the middle of a challenge). A dialogue is data, one directive a line:

  serve ARGS...    first directive: what to serve (`serve --model pop3`, or a scenario file
                   relative to the repository: `serve scenarios/pop3/model-auth-login.toml`)
  connect          open a connection (the one before is closed); the greeting is not read
  > TEXT           send TEXT and CRLF
  >raw TEXT        send TEXT with Python escapes (\\r \\n \\x00 \\u00e9), nothing appended
  < PREFIX         read one reply; its last line must start with PREFIX ("<": any line). A reply whose first
                   line is "ddd-" goes on to the line "ddd " (SMTP, FTP multi-line replies)
  <* PREFIX        a status line starting with PREFIX, then a dot-terminated block
  <http PREFIX     an HTTP/1.1 response whose status line starts with PREFIX, read whole
                   (Content-Length, chunked with trailers, or to the close)
  <http-head PREFIX  the same for a response to HEAD (no body)
  <eof             the server closes the connection (EOF or a reset) without more to read
  close            close the connection (FIN) without QUIT
  reset            close it with SO_LINGER 0 (RST)
  data             open an FTP data connection to the port of the last 227/229 reply
  data-send TEXT   send TEXT (Python escapes) on it, then close it
  data-recv        read the data connection to its end, then close it
  data-reset       close the data connection with RST
  # ...            a comment; blank lines are ignored

Every read waits at most 5 s. After the dialogue, serve must print one verdict line per
connection and exit by itself (status 0 or 1: a raw dialogue may break rules; not a signal).
"""
import os
import re
import shlex
import socket
import struct
import sys

sys.path.insert(0, os.path.dirname(__file__))
from served import Served  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
TIMEOUT = 5.0


class Conn:
    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
        self.buf = b""
        self.data_port = None  # from the last 227/229 reply
        self.data = None

    def line(self):
        while b"\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError(f"connection closed; unterminated bytes {self.buf[:80]!r}")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return line.rstrip(b"\r").decode("utf-8", "replace")

    def reply(self):
        first = self.line()
        lines = [first]
        m = re.match(r"^(\d{3})-", first)
        if m:
            while not (lines[-1].startswith(m.group(1) + " ") or lines[-1] == m.group(1)):
                lines.append(self.line())
        epsv = re.search(r"^229 .*\(\|\|\|(\d+)\|\)", lines[-1])
        pasv = re.search(r"^227 .*\(\d+,\d+,\d+,\d+,(\d+),(\d+)\)", lines[-1])
        if epsv:
            self.data_port = int(epsv.group(1))
        elif pasv:
            self.data_port = int(pasv.group(1)) * 256 + int(pasv.group(2))
        return lines

    def exact(self, n):
        while len(self.buf) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError(f"connection closed {n - len(self.buf)} bytes early")
            self.buf += chunk
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def http_response(self, head_only):
        """The status line of one whole response (1xx interim responses are skipped)."""
        while True:
            status = self.line()
            fields = {}
            while (line := self.line()) != "":
                name, _, value = line.partition(":")
                fields[name.strip().lower()] = value.strip()
            code = int(status.split()[1])
            if 100 <= code < 200:
                continue
            if head_only or code in (204, 304):
                return status
            if fields.get("transfer-encoding", "").lower().endswith("chunked"):
                while (size := int(self.line().split(";")[0], 16)) > 0:
                    self.exact(size + 2)
                while self.line() != "":
                    pass
            elif "content-length" in fields:
                self.exact(int(fields["content-length"]))
            else:
                while self.sock.recv(65536):
                    pass
            return status

    def eof(self):
        try:
            rest = self.buf + self.sock.recv(65536)
        except ConnectionResetError:
            return True, b""
        return rest == b"", rest

    def close(self, rst=False):
        if rst:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.sock.close()


def unescape(text):
    return text.encode("latin-1", "backslashreplace").decode("unicode_escape").encode("utf-8")


def load(path):
    directives = []
    with open(path, encoding="utf-8") as f:
        for number, raw in enumerate(f, 1):
            text = raw.rstrip("\n")
            if not text.strip() or text.lstrip().startswith("#"):
                continue
            directives.append((number, text))
    if not directives or not directives[0][1].startswith("serve "):
        sys.exit(f"{path}: the first directive must be 'serve ARGS'")
    return directives


def main():
    exe, path = sys.argv[1], sys.argv[2]
    directives = load(path)
    args = shlex.split(directives[0][1])[1:]
    args = [os.path.join(ROOT, a) if a.endswith(".toml") else a for a in args]
    connections = sum(1 for _, t in directives if t == "connect")
    srv = Served(exe, [*args, "--count", str(connections)])
    conn = None
    failures = []
    try:
        for number, text in directives[1:]:
            where = f"{os.path.basename(path)}:{number}"
            try:
                if text == "connect":
                    if conn:
                        conn.close()
                    conn = Conn(srv.port)
                elif text.startswith(">raw "):
                    conn.sock.sendall(unescape(text[5:]))
                elif text.startswith("> ") or text == ">":
                    conn.sock.sendall(text[2:].encode("utf-8") + b"\r\n")
                elif text.startswith("<* "):
                    status = conn.line()
                    if not status.startswith(text[3:]):
                        failures.append(f"{where}: expected '{text[3:]}...', got {status!r}")
                        continue
                    while conn.line() != ".":
                        pass
                elif text.startswith("< ") or text == "<":
                    lines = conn.reply()
                    if not lines[-1].startswith(text[2:]):
                        failures.append(f"{where}: expected '{text[2:]}...', got {lines!r}")
                elif text.startswith("<http ") or text.startswith("<http-head "):
                    prefix = text.split(" ", 1)[1]
                    status = conn.http_response(text.startswith("<http-head "))
                    if not status.startswith(prefix):
                        failures.append(f"{where}: expected '{prefix}...', got {status!r}")
                elif text == "<eof":
                    closed, rest = conn.eof()
                    if not closed:
                        failures.append(f"{where}: expected the server to close, got {rest!r}")
                elif text == "data":
                    conn.data = socket.create_connection(("127.0.0.1", conn.data_port),
                                                         timeout=TIMEOUT)
                elif text.startswith("data-send "):
                    conn.data.sendall(unescape(text[10:]))
                    conn.data.close()
                elif text == "data-recv":
                    while conn.data.recv(65536):
                        pass
                    conn.data.close()
                elif text == "data-reset":
                    conn.data.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                         struct.pack("ii", 1, 0))
                    conn.data.close()
                elif text in ("close", "reset"):
                    conn.close(rst=text == "reset")
                    conn = None
                else:
                    sys.exit(f"{where}: unknown directive {text!r}")
            except (OSError, EOFError) as e:
                failures.append(f"{where}: {text!r}: {type(e).__name__}: {e}")
                break
            print(f"ok {where}: {text[:70]}")
        if conn:
            conn.close()
        if not srv.wait_verdicts(connections, 30):
            failures.append(f"{len(srv.verdicts)} verdict line(s) for {connections} connection(s)")
    finally:
        status = srv.finish(timeout=30) if len(srv.verdicts) >= connections else srv.stop()
    print(srv.output())
    if status not in (0, 1):
        failures.append(f"serve exited with status {status}")
    for f in failures:
        print("FAILED:", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
