#!/usr/bin/env python3
"""Peer: Python's smtplib, one connection, many messages (peerlib.py has the contract)."""

import smtplib
import sys

import peerlib


def main():
    a = peerlib.parse_args("smtplib sendmail loop", ["sendmail"], "sendmail")
    w = a.where
    loop = peerlib.Loop(a)
    msg = peerlib.message(a.size).encode()
    with smtplib.SMTP(w.hostname, w.port, local_hostname="client.example.org",
                      timeout=peerlib.TIMEOUT) as s:
        s.ehlo()
        if a.tls:
            s.starttls(context=peerlib.insecure_tls())
            s.ehlo()
        if w.username:
            s.login(w.username, w.password or "")
        while loop.more():
            try:
                s.sendmail(a.from_addr, [a.to], msg)
                loop.done(len(msg))
            except smtplib.SMTPResponseException:
                loop.failed()
    return loop.report("smtplib")


if __name__ == "__main__":
    peerlib.run(main)
