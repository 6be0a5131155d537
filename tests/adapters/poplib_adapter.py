#!/usr/bin/env python3
"""protoharness external-client adapter for Python's poplib.

Usage: poplib_adapter.py HOST PORT STEPS_JSON
Performs the scenario's POP3 client steps with poplib and prints one JSON outcome per step
(the contract in scenarios/README.md). poplib has no AUTH (RFC 5034): a scenario with an `auth`
step is not applicable.
"""
import poplib
import re

import adapter_common as common

# Raised by poplib itself (str), not a server's -ERR (bytes): what the vocabulary calls them.
# capa() turns the server's -ERR into "-ERR CAPA not supported by server".
LIBRARY_ERRORS = [("CAPA not supported", "response_error"), ("not supported", "not_supported"), ("line too long", "protocol_error"),
                  ("-ERR EOF", "disconnected"), ("already established", "client_error")]


def text_of(resp):
    resp = resp.decode("utf-8", "replace") if isinstance(resp, bytes) else resp
    return resp.split(" ", 1)[1] if " " in resp else ""


def status(resp):
    return {"ok": True, "text": text_of(resp)}


def multiline(result):
    _, lines, octets = result
    lines = [line.decode("utf-8", "replace") for line in lines]
    return {"octets": octets, "lines": lines, "text": "".join(line + "\r\n" for line in lines)}


def describe(exc):
    if not isinstance(exc, poplib.error_proto):
        return None
    arg = exc.args[0] if exc.args else ""
    if isinstance(arg, bytes):  # the server's -ERR
        text = text_of(arg)
        out = common.error_outcome("response_error", exc, text=text)
        code = re.match(r"\[([^\]]*)\]", text)
        if code:
            out["code"] = code.group(1)
        return out
    for part, name in LIBRARY_ERRORS:
        if part in arg:
            return common.error_outcome(name, exc)
    return common.error_outcome("protocol_error", exc)


def listing(resp, key):
    """LIST n / UIDL n: "+OK n value"."""
    parts = text_of(resp).split()
    value = int(parts[1]) if key == "size" else parts[1]
    return {"number": int(parts[0]), key: value}


def applicable(step):
    if step["op"] == "auth":
        return "poplib has no AUTH command (RFC 5034)"
    return None


def main():
    job = common.load()
    context = job.tls_context()
    client = None

    def connect(tls):
        nonlocal client
        if tls == "implicit":
            client = poplib.POP3_SSL(job.host, job.port, timeout=job.timeout, context=context)
        else:
            client = poplib.POP3(job.host, job.port, timeout=job.timeout)
        return status(client.getwelcome())

    def perform(step):
        greeting = common.before_step(job, step, connect, lambda: client and client.sock)
        if greeting is not None:
            return greeting
        op, a = step["op"], step.get("args", {})
        if op == "capa":
            return {"capabilities": {k.upper(): " ".join(v) for k, v in client.capa().items()}}
        if op == "stat":
            count, size = client.stat()
            return {"count": count, "size": size}
        if op in ("list", "uidl"):
            key = "size" if op == "list" else "uid"
            if "which" in a:
                return listing(getattr(client, op)(a["which"]), key)
            items = {}
            for line in getattr(client, op)()[1]:
                n, value = line.decode("utf-8", "replace").split(" ", 1)
                items[n] = int(value) if key == "size" else value
            return {"messages" if op == "list" else "uids": items}
        if op == "retr":
            return multiline(client.retr(a["which"]))
        if op == "top":
            return multiline(client.top(a["which"], a["lines"]))
        if op == "close":
            client.close()
            return {}
        calls = {
            "user": lambda: client.user(a["name"]), "pass": lambda: client.pass_(a["password"]),
            "apop": lambda: client.apop(a["user"], a["password"]),
            "stls": lambda: client.stls(context), "dele": lambda: client.dele(a["which"]),
            "rset": client.rset, "noop": client.noop, "quit": client.quit,
        }
        if op not in calls:
            raise common.NotApplicable("the poplib adapter has no op " + op)
        return status(calls[op]())

    common.run(job, perform, describe, applicable, finish=lambda: client and client.close())


if __name__ == "__main__":
    main()
