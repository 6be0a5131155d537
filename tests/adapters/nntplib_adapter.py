#!/usr/bin/env python3
"""protoharness external-client adapter for Python's nntplib (deprecated since 3.11, still
shipped; its DeprecationWarning is silenced here).

Usage: nntplib_adapter.py HOST PORT STEPS_JSON
Performs the scenario's NNTP client steps with nntplib and prints one JSON outcome per step
(the contract in scenarios/README.md). Not applicable: mode_reader (nntplib sends MODE READER
only from its constructor and keeps the reply), listgroup (no LISTGROUP), and LIST keywords
other than ACTIVE and NEWSGROUPS.
"""
import warnings

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    import nntplib

import adapter_common as common

# The overview fields under the names the vocabulary gives them.
OVERVIEW_NAMES = {"message-id": "message_id", ":bytes": "bytes", ":lines": "lines"}
LIST_KEYWORDS = ("", "ACTIVE", "NEWSGROUPS")


def response(resp):
    return {"code": int(resp[:3]), "text": resp[4:]}


def lines_of(raw):
    return [line.decode("utf-8", "surrogateescape") for line in raw]


def overview(items):
    articles = []
    for number, fields in items:
        item = {"number": number}
        for name, value in fields.items():
            value = "" if value is None else value
            if name in (":bytes", ":lines"):
                value = int(value) if value.isdigit() else value
            item[OVERVIEW_NAMES.get(name, name)] = value
        articles.append(item)
    return {"articles": articles}


def describe(exc):
    for cls, name in ((nntplib.NNTPTemporaryError, "temporary_error"),
                      (nntplib.NNTPPermanentError, "permanent_error")):
        if isinstance(exc, cls):
            text = str(exc)
            out = common.error_outcome(name, exc)
            if text[:3].isdigit():
                out["code"] = int(text[:3])
            return out
    if isinstance(exc, nntplib.NNTPError):  # protocol, data and reply errors
        return common.error_outcome("protocol_error", exc)
    return None


def applicable(step):
    op, a = step["op"], step.get("args", {})
    if op == "mode_reader":
        return "nntplib sends MODE READER only when it connects (readermode=True)"
    if op == "listgroup":
        return "nntplib has no LISTGROUP"
    if op == "list" and a.get("keyword", "").upper() not in LIST_KEYWORDS:
        return "nntplib's LIST covers ACTIVE and NEWSGROUPS only"
    return None


def ref(a):
    """An ARTICLE/HEAD/BODY/STAT argument: a message-id, a number, else the current article."""
    if "message_id" in a:
        return a["message_id"]
    return str(a["number"]) if "number" in a else None


def main():
    job = common.load()
    context = job.tls_context()
    client = None

    def connect(tls):
        nonlocal client
        if tls == "implicit":
            client = nntplib.NNTP_SSL(job.host, job.port, ssl_context=context, timeout=job.timeout)
        else:
            client = nntplib.NNTP(job.host, job.port, timeout=job.timeout)
        out = response(client.getwelcome())
        out["posting_allowed"] = out["code"] == 200
        return out

    def article(call, a):
        _, info = call(ref(a))
        return {"number": info.number, "message_id": info.message_id, "lines": lines_of(info.lines)}

    def listing(a):
        keyword = a.get("keyword", "").upper()
        if keyword == "NEWSGROUPS":
            _, descriptions = client.descriptions(a.get("wildmat", "*"))
            return {"lines": ["%s\t%s" % item for item in descriptions.items()]}
        _, groups = client.list(a.get("wildmat"))
        return {"lines": [" ".join(g) for g in groups],
                "groups": [{"name": g.group, "first": int(g.first), "last": int(g.last), "flag": g.flag}
                           for g in groups]}

    def xover(a):
        start, _, end = str(a["range"]).partition("-")
        return overview(client.xover(start, end if "-" in str(a["range"]) else start)[1])

    def perform(step):
        greeting = common.before_step(job, step, connect, lambda: client and client.sock)
        if greeting is not None:
            return greeting
        op, a = step["op"], step.get("args", {})
        if op == "capabilities":
            return {"capabilities": {k.upper(): " ".join(v) for k, v in client.getcapabilities().items()}}
        if op == "group":
            resp, count, first, last, name = client.group(a["name"])
            return {"code": int(resp[:3]), "count": count, "first": first, "last": last, "name": name}
        if op in ("article", "head", "body"):
            return article(getattr(client, op), a)
        if op in ("stat", "next", "last"):
            _, number, message_id = client.stat(ref(a)) if op == "stat" else getattr(client, op)()
            return {"number": number, "message_id": message_id}
        if op == "close":
            client.sock.close()
            return {}
        values = {
            "over": lambda: overview(client.over(a.get("message_id", a.get("range")) and
                                                 str(a.get("message_id", a.get("range"))))[1]),
            "xover": lambda: xover(a), "list": lambda: listing(a),
            "newgroups": lambda: {"groups": [g.group for g in client.newgroups(since(a))[1]]},
            "newnews": lambda: {"message_ids": client.newnews(a["wildmat"], since(a))[1]},
            "date": lambda: {"date": client.date()[1].strftime("%Y%m%d%H%M%S")},
            "help": lambda: {"lines": client.help()[1]},
        }
        if op in values:
            return values[op]()
        calls = {
            "post": lambda: client.post(a["article"].encode("utf-8")),
            "ihave": lambda: client.ihave(a["message_id"], a["article"].encode("utf-8")),
            "authinfo": lambda: client.login(a["user"], a["password"], usenetrc=False),
            "starttls": lambda: client.starttls(context), "quit": client.quit,
        }
        if op not in calls:
            raise common.NotApplicable("the nntplib adapter has no op " + op)
        resp = calls[op]()
        if op == "authinfo":  # login() returns nothing; the reply it accepted was a 281
            resp = "281 "
        if op == "starttls":
            resp = "382 "
        return response(resp)

    common.run(job, perform, describe, applicable, finish=lambda: client and client.sock.close())


def since(a):
    import datetime
    return datetime.datetime.strptime(a["since"].replace(" ", ""), "%Y%m%d%H%M%S")


if __name__ == "__main__":
    main()
