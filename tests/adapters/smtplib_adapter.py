#!/usr/bin/env python3
"""protoharness external-client adapter for Python's smtplib.

Usage: smtplib_adapter.py HOST PORT STEPS_JSON
Performs the scenario's client steps with smtplib and prints one JSON outcome per step
(the contract in scenarios/README.md). Error names follow the scenario vocabulary.
"""
import email.utils
import smtplib
from email.message import EmailMessage

import adapter_common as common
from adapter_common import listify


def reply(code_msg):
    code, msg = code_msg
    return {"code": code, "text": msg.decode("utf-8", "replace") if isinstance(msg, bytes) else str(msg)}


# smtplib's exceptions by the vocabulary's names, most specific first; a reply code travels along.
ERRORS = [(smtplib.SMTPSenderRefused, "sender_refused"), (smtplib.SMTPDataError, "data_error"),
          (smtplib.SMTPConnectError, "connect_error"), (smtplib.SMTPHeloError, "helo_error"),
          (smtplib.SMTPAuthenticationError, "auth_error"),
          (smtplib.SMTPResponseException, "response_error")]


def describe(exc):
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return common.error_outcome("recipients_refused", exc,
                                    refused={a: code for a, (code, _) in exc.recipients.items()})
    for cls, name in ERRORS:
        if isinstance(exc, cls):
            return common.error_outcome(name, exc, code=exc.smtp_code)
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return common.error_outcome("not_supported", exc)
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return common.error_outcome("disconnected", exc)
    return None


def compose(a):
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
    return m


def main():
    job = common.load()
    opts = job.options
    context = job.tls_context()
    client = None

    def connect():
        nonlocal client
        if opts.get("tls") == "implicit":
            client = smtplib.SMTP_SSL(job.host, job.port, local_hostname=opts.get("local_hostname"),
                                      timeout=job.timeout, context=context)
            return (220, b"")
        client = smtplib.SMTP(local_hostname=opts.get("local_hostname"), timeout=job.timeout)
        client._host = job.host  # starttls() verifies this name; SMTP() sets it only with a host
        return client.connect(job.host, job.port)

    def perform(step):
        op, a = step["op"], step.get("args", {})
        if client is not None and client.sock is not None:  # a step's own deadline, else the default
            client.sock.settimeout(job.step_timeout(step))
        if op == "connect":
            return reply(connect())
        if client is None:
            connect()
        if op == "ehlo":
            out = reply(client.ehlo(a.get("name")))
            out["extensions"] = {k.upper(): v for k, v in client.esmtp_features.items()}
            return out
        if op == "sendmail":
            msg = a["message"]
            refused = client.sendmail(a["from"], listify(a["to"]),
                                      msg.encode("utf-8") if not msg.isascii() else msg,
                                      listify(a.get("mail_options")), listify(a.get("rcpt_options")))
            return {"refused": {k: v[0] for k, v in refused.items()}}
        if op == "send_message":
            refused = client.send_message(compose(a), to_addrs=listify(a["to"]) + listify(a.get("cc")) +
                                          listify(a.get("bcc")))
            return {"refused": {k: v[0] for k, v in refused.items()}}
        if op == "close":
            client.close()
            return {}
        calls = {
            "helo": lambda: client.helo(a.get("name")),
            "starttls": lambda: client.starttls(context=context),
            "login": lambda: client.login(a["user"], a["password"]),
            "mail": lambda: client.mail(a["from"], listify(a.get("params"))),
            "rcpt": lambda: client.rcpt(a["to"], listify(a.get("params"))),
            "data": lambda: client.data(a["message"]),
            "noop": client.noop, "rset": client.rset, "quit": client.quit,
            "vrfy": lambda: client.verify(a["address"]),
            "docmd": lambda: client.docmd(a["command"], a.get("args", "")),
        }
        if op not in calls:
            raise common.NotApplicable("the smtplib adapter has no op " + op)
        return reply(calls[op]())

    common.run(job, perform, describe, finish=lambda: client and client.close())


if __name__ == "__main__":
    main()
