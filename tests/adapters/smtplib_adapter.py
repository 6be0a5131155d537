#!/usr/bin/env python3
"""protoharness external-client adapter for Python's smtplib.

Usage: smtplib_adapter.py HOST PORT STEPS_JSON
Performs the scenario's client steps with smtplib and prints one JSON outcome per step
(the contract in scenarios/README.md). Error names follow the scenario vocabulary.
"""
import json
import socket
import smtplib
import ssl
import sys
import email.utils
from email.message import EmailMessage


def reply(code_msg):
    code, msg = code_msg
    return {"code": code, "text": msg.decode("utf-8", "replace") if isinstance(msg, bytes) else str(msg)}


def error(exc):
    name = "exception"
    out = {}
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        name = "recipients_refused"
        out["refused"] = {addr: code for addr, (code, _) in exc.recipients.items()}
    elif isinstance(exc, smtplib.SMTPSenderRefused):
        name, out["code"] = "sender_refused", exc.smtp_code
    elif isinstance(exc, smtplib.SMTPDataError):
        name, out["code"] = "data_error", exc.smtp_code
    elif isinstance(exc, smtplib.SMTPConnectError):
        name, out["code"] = "connect_error", exc.smtp_code
    elif isinstance(exc, smtplib.SMTPHeloError):
        name, out["code"] = "helo_error", exc.smtp_code
    elif isinstance(exc, smtplib.SMTPAuthenticationError):
        name, out["code"] = "auth_error", exc.smtp_code
    elif isinstance(exc, smtplib.SMTPResponseException):
        name, out["code"] = "response_error", exc.smtp_code
    elif isinstance(exc, smtplib.SMTPNotSupportedError):
        name = "not_supported"
    elif isinstance(exc, smtplib.SMTPServerDisconnected):
        name = "disconnected"
    elif isinstance(exc, (socket.timeout, TimeoutError)):
        name = "timeout"
    elif isinstance(exc, (ssl.SSLError, ssl.CertificateError)):
        name = "tls_error"
    elif isinstance(exc, ConnectionRefusedError):
        name = "connect_failed"
    elif isinstance(exc, ConnectionError):
        name = "disconnected"
    out["error"] = name
    out["message"] = str(exc)
    return out


def listify(v):
    if v is None:
        return []
    return [v] if isinstance(v, str) else list(v)


def main():
    host, port, steps_file = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    doc = json.load(open(steps_file))
    opts = doc.get("options", {})
    timeout = opts.get("timeout_ms", 2000) / 1000.0
    context = ssl.create_default_context(cafile=doc["ca_file"])
    if opts.get("tls_verify", True) is False:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    implicit = opts.get("tls") == "implicit"
    client = None

    def connect():
        nonlocal client
        if implicit:
            client = smtplib.SMTP_SSL(host, port, local_hostname=opts.get("local_hostname"),
                                      timeout=timeout, context=context)
            return (220, b"")
        client = smtplib.SMTP(local_hostname=opts.get("local_hostname"), timeout=timeout)
        client._host = host  # starttls() verifies this name; SMTP() sets it only with a host
        return client.connect(host, port)

    for step in doc["steps"]:
        op, a = step["op"], step.get("args", {})
        if client is not None and client.sock is not None:  # a step's own deadline, else the default
            client.sock.settimeout(step.get("timeout_ms", timeout * 1000) / 1000.0)
        try:
            if op == "connect":
                out = reply(connect())
            else:
                if client is None:
                    connect()
                if op == "ehlo":
                    out = reply(client.ehlo(a.get("name")))
                    out["extensions"] = {k.upper(): v for k, v in client.esmtp_features.items()}
                elif op == "helo":
                    out = reply(client.helo(a.get("name")))
                elif op == "starttls":
                    out = reply(client.starttls(context=context))
                elif op == "login":
                    out = reply(client.login(a["user"], a["password"]))
                elif op == "sendmail":
                    msg = a["message"]
                    refused = client.sendmail(a["from"], listify(a["to"]),
                                              msg.encode("utf-8") if not msg.isascii() else msg,
                                              listify(a.get("mail_options")), listify(a.get("rcpt_options")))
                    out = {"refused": {k: v[0] for k, v in refused.items()}}
                elif op == "send_message":
                    m = EmailMessage()
                    # smtplib leaves Date and Message-ID to the caller (RFC 5322 §3.6).
                    m["Date"] = email.utils.formatdate(localtime=True)
                    m["Message-ID"] = email.utils.make_msgid(domain="client.example.org")
                    m["From"] = a["from"]
                    m["To"] = ", ".join(listify(a["to"]))
                    if a.get("cc"):
                        m["Cc"] = ", ".join(listify(a["cc"]))
                    m["Subject"] = a.get("subject", "")
                    for k, v in a.get("headers", {}).items():
                        m[k] = v
                    m.set_content(a.get("body", ""))
                    refused = client.send_message(m, to_addrs=listify(a["to"]) + listify(a.get("cc")) +
                                                  listify(a.get("bcc")))
                    out = {"refused": {k: v[0] for k, v in refused.items()}}
                elif op == "mail":
                    out = reply(client.mail(a["from"], listify(a.get("params"))))
                elif op == "rcpt":
                    out = reply(client.rcpt(a["to"], listify(a.get("params"))))
                elif op == "data":
                    out = reply(client.data(a["message"]))
                elif op == "noop":
                    out = reply(client.noop())
                elif op == "rset":
                    out = reply(client.rset())
                elif op == "vrfy":
                    out = reply(client.verify(a["address"]))
                elif op == "docmd":
                    out = reply(client.docmd(a["command"], a.get("args", "")))
                elif op == "quit":
                    out = reply(client.quit())
                elif op == "close":
                    client.close()
                    out = {}
                else:
                    out = {"error": "not_supported", "message": "adapter does not know op " + op}
        except Exception as exc:  # every failure is an outcome, never a crash
            out = error(exc)
        print(json.dumps(out), flush=True)
    if client is not None:
        client.close()


if __name__ == "__main__":
    main()
