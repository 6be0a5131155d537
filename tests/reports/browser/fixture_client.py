#!/usr/bin/env python3
"""External client for the HTML report's browser test (tests/reports/browser/).

Usage: fixture_client.py HOST PORT STEPS_JSON
Sends each sendmail step's message over SMTP, behaving as the scenario's id asks:
browser-fail writes "MAIL FROM: <...>" (a space) after STARTTLS; the others are correct.
Prints one outcome per step (scenarios/README.md, "External clients").
"""
import json
import socket
import ssl
import sys


class Wire:
    def __init__(self, host, port):
        self.sock = socket.create_connection((host, port), timeout=5)
        self.file = self.sock.makefile("rb")

    def reply(self):
        lines = []
        while True:
            line = self.file.readline()
            if not line:
                raise ConnectionError("server closed")
            lines.append(line.decode("utf-8", "replace").rstrip("\r\n"))
            if len(line) < 4 or line[3:4] != b"-":
                return int(lines[-1][:3]), lines

    def cmd(self, text):
        self.sock.sendall(text.encode() + b"\r\n")
        return self.reply()

    def starttls(self, ca_file):
        ctx = ssl.create_default_context(cafile=ca_file)
        self.sock = ctx.wrap_socket(self.sock, server_hostname="localhost")
        self.file = self.sock.makefile("rb")


def sendmail(w, doc, args, spaced):
    code, lines = w.cmd("EHLO client.example.org")
    if any("STARTTLS" in l for l in lines):
        w.cmd("STARTTLS")
        w.starttls(doc["ca_file"])
        w.cmd("EHLO client.example.org")
    sep = ": " if spaced else ":"
    code, lines = w.cmd("MAIL FROM%s<%s>" % (sep, args["from"]))
    if code != 250:
        return {"error": "sender_refused", "code": code, "message": lines[-1]}
    for to in args["to"]:
        w.cmd("RCPT TO:<%s>" % to)
    w.cmd("DATA")
    body = args["message"].replace("\r\n.", "\r\n..")
    w.sock.sendall(body.encode() + b".\r\n")
    w.reply()
    w.cmd("QUIT")
    return {"refused": {}}


def main():
    host, port, steps_file = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    with open(steps_file) as f:
        doc = json.load(f)
    spaced = doc["scenario"].endswith("browser-fail")
    w = Wire(host, port)
    w.reply()
    for step in doc["steps"]:
        print(json.dumps(sendmail(w, doc, step["args"], spaced)), flush=True)
    w.sock.close()


if __name__ == "__main__":
    main()
