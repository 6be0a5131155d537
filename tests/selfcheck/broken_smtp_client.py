#!/usr/bin/env python3
"""A deliberately broken SMTP client for the harness's self-check.

Usage: broken_smtp_client.py MODE HOST PORT STEPS_JSON
MODE: no-dot-stuff | bare-lf | no-ehlo-after-starttls
The harness must FAIL each mode with the matching rule ids (see selfcheck.cmake).
"""
import json
import socket
import ssl
import sys


class Wire:
    def __init__(self, host, port, eol):
        self.sock = socket.create_connection((host, port), timeout=5)
        self.file = self.sock.makefile("rb")
        self.eol = eol

    def reply(self):
        lines = []
        while True:
            line = self.file.readline()
            if not line:
                raise ConnectionError("server closed")
            lines.append(line)
            if len(line) < 4 or line[3:4] != b"-":
                return lines

    def cmd(self, text):
        self.sock.sendall(text.encode() + self.eol)
        return self.reply()


def main():
    mode, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    w = Wire(host, port, b"\n" if mode == "bare-lf" else b"\r\n")
    w.reply()
    w.cmd("EHLO client.example.org")
    if mode == "no-ehlo-after-starttls":
        w.cmd("STARTTLS")
        ctx = ssl.create_default_context(cafile=json.load(open(sys.argv[4]))["ca_file"])
        w.sock = ctx.wrap_socket(w.sock, server_hostname="localhost")
        w.file = w.sock.makefile("rb")
        # Broken: no EHLO after the handshake (RFC 3207 §4.2).
    w.cmd("MAIL FROM:<a@client.example.org>")
    w.cmd("RCPT TO:<b@fake.test>")
    w.cmd("DATA")
    body = ("From: a@client.example.org\r\nTo: b@fake.test\r\nSubject: self-check\r\n"
            "Date: Sun, 22 Nov 2026 03:08:21 +0000\r\nMessage-ID: <1@client.example.org>\r\n\r\n"
            ".hidden line that must be dot-stuffed\r\nlast line\r\n")
    if mode == "no-dot-stuff":
        w.sock.sendall(body.encode() + b".\r\n")  # broken: the leading dot is not doubled
    else:
        w.sock.sendall(body.replace("\r\n.", "\r\n..").encode() + b".\r\n")
    w.reply()
    w.cmd("QUIT")
    w.sock.close()
    print(json.dumps({"outcomes": []}))


if __name__ == "__main__":
    main()
