#!/usr/bin/env python3
"""protoharness external-client adapter for the curl command-line tool (SMTP, POP3, FTP, HTTP).

Usage: curl_adapter.py HOST PORT STEPS_JSON
Runs curl through subprocess, each run under a deadline, and prints one JSON outcome per step
(the contract in scenarios/README.md). HTTP: one curl run per request step, cookies kept in a
jar between them (each run opens its own connection). SMTP, POP3, FTP: curl does a whole
session per run, so a scenario is applicable when its steps are one such session: SMTP
[connect] [ehlo] [starttls] [login] sendmail [quit]; POP3 [connect] user pass, then retr or
list, [quit]; FTP [connect] login, then retr, stor, list or nlst, [quit]. The reply to each
step's command is read back from curl's --verbose trace. Everything else is not applicable.
"""
import os
import re
import subprocess
import tempfile

import adapter_common as common

# curl's exit codes by the vocabulary's names (curl(1), "EXIT CODES").
EXIT_NAMES = {3: "invalid_url", 6: "connect_failed", 7: "connect_failed", 28: "timeout",
              35: "tls_error", 51: "tls_error", 58: "tls_error", 60: "tls_error", 77: "tls_error",
              47: "too_many_redirects", 52: "disconnected", 55: "disconnected", 56: "disconnected",
              18: "disconnected", 8: "protocol_error", 67: "auth_error", 64: "not_supported"}
HTTP_RENAMES = {"connect_failed": "connection_error", "disconnected": "connection_error"}

SESSIONS = {  # protocol: (ops before the transfer, transfer ops, ops after it)
    "smtp": ({"connect", "ehlo", "starttls", "login"}, {"sendmail"}, {"quit"}),
    "pop3": ({"connect", "user", "pass"}, {"retr", "list"}, {"quit"}),
    "ftp": ({"connect", "login"}, {"retr", "stor", "list", "nlst"}, {"quit"}),
}
# The command each op sends, as curl's trace shows it ("> EHLO x").
COMMANDS = {"ehlo": "EHLO", "starttls": "STARTTLS", "login": "AUTH", "quit": "QUIT", "user": "USER",
            "pass": "PASS", "retr": "RETR", "list": "LIST", "stor": "STOR", "nlst": "NLST"}


def curl(job, args, deadline):
    """Runs curl; (exit status, stdout bytes, stderr text)."""
    tls = ["--cacert", job.ca_file] + ([] if job.tls_verify else ["--insecure"])
    try:
        p = subprocess.run(["curl", "--silent", "--show-error", "--max-time", "%.3f" % deadline] + tls + args,
                           capture_output=True, timeout=deadline + 5, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired as e:
        return 28, e.stdout or b"", "curl did not finish within its deadline"
    return p.returncode, p.stdout, p.stderr.decode("utf-8", "replace")


def failure(code, stderr, renames=None):
    name = EXIT_NAMES.get(code, "response_error")
    name = (renames or {}).get(name, name)
    message = stderr.strip().splitlines()[-1] if stderr.strip() else "curl exit status %d" % code
    return common.error_outcome(name, message, curl_exit=code)


def dialogue(trace):
    """[(command, [reply lines])] from curl --verbose: '> CMD' then '< NNN text' lines."""
    pairs = [(None, [])]
    for line in trace.splitlines():
        if line.startswith("> "):
            pairs.append((line[2:], []))
        elif line.startswith("< "):
            pairs[-1][1].append(line[2:])
    return pairs


def reply_of(pairs, verb):
    """{code, text} of the last reply to a command starting with `verb` (None: the greeting)."""
    for command, lines in reversed(pairs):
        if (verb is None and command is None) or (command and verb and command.upper().startswith(verb)):
            finals = [l for l in lines if re.match(r"\d{3}( |$)", l) or l[:1] in "+-"]
            if not finals:
                return None
            last = finals[-1]
            if last[:1] in "+-":
                return {"ok": last.startswith("+OK"), "text": last.split(" ", 1)[1] if " " in last else ""}
            return {"code": int(last[:3]), "text": last[4:]}
    return None


def session_shape(job):
    """Why the steps are not one curl session of the protocol, or None."""
    shape = SESSIONS.get(job.doc.get("protocol"))
    if shape is None:
        return "the curl adapter does not speak %s" % job.doc.get("protocol")
    before, transfer, after = shape
    ops = [s["op"] for s in job.steps]
    n = sum(op in transfer for op in ops)
    if n != 1:
        return "curl does one transfer (%s) per session; the scenario has %d" % ("/".join(sorted(transfer)), n)
    at = next(i for i, op in enumerate(ops) if op in transfer)
    if any(op not in before for op in ops[:at]) or any(op not in after for op in ops[at + 1:]):
        return "steps %s are not one curl session" % ", ".join(ops)
    return None


def mail_session(job):
    proto, opts = job.doc["protocol"], job.options
    ops = {s["op"]: s.get("args", {}) for s in job.steps}
    scheme = {"smtp": "smtps" if opts.get("tls") == "implicit" else "smtp",
              "pop3": "pop3s" if opts.get("tls") == "implicit" else "pop3",
              "ftp": "ftps" if opts.get("tls") == "implicit" else "ftp"}[proto]
    base = "%s://%s:%d/" % (scheme, job.host, job.port)
    args, stdin_file, outcome_of = ["--verbose"], None, {}
    if proto == "smtp":
        a = ops["sendmail"]
        args += ["--url", base + (opts.get("local_hostname") or ""), "--mail-from", a["from"]]
        for rcpt in common.listify(a["to"]):
            args += ["--mail-rcpt", rcpt]
        stdin_file = a["message"].encode("utf-8")
        if "starttls" in ops:
            args.append("--ssl-reqd")
        if "login" in ops:
            args += ["--user", "%s:%s" % (ops["login"]["user"], ops["login"]["password"])]
    elif proto == "pop3":
        user, password = ops.get("user", {}).get("name", ""), ops.get("pass", {}).get("password", "")
        args += ["--user", "%s:%s" % (user, password),
                 "--url", base + (str(ops["retr"]["which"]) if "retr" in ops else "")]
    else:
        login = ops.get("login", {})
        args += ["--user", "%s:%s" % (login.get("user", "anonymous"), login.get("password", "anonymous@"))]
        if opts.get("tls") == "explicit":
            args.append("--ssl-reqd")
        if opts.get("passive") is False:
            args += ["--ftp-port", job.host]
        if opts.get("use_epsv") is False:
            args.append("--disable-epsv")
        if "retr" in ops:
            a = ops["retr"]
            args += ["--url", base + a["path"].lstrip("/")] + ([] if a.get("binary", True) else ["--use-ascii"])
            if a.get("rest"):
                args += ["--continue-at", str(a["rest"])]
        elif "stor" in ops:
            a = ops["stor"]
            args += ["--url", base + a["path"].lstrip("/"), "--upload-file", "-"]
            stdin_file = a["data"].encode("utf-8") if "data" in a else bytes(i % 251 for i in range(a.get("size", 0)))
        else:
            path = (ops.get("list") or ops.get("nlst") or {}).get("path", "")
            args += ["--url", base + (path.strip("/") + "/" if path.strip("/") else "")]
            if "nlst" in ops:
                args.append("--list-only")
    deadline = sum(job.step_timeout(s) for s in job.steps)
    if stdin_file is not None:
        with tempfile.NamedTemporaryFile(delete=False) as f:
            f.write(stdin_file)
        args = [x if x != "-" else f.name for x in args]
    try:
        code, out, trace = curl(job, args, deadline)
    finally:
        if stdin_file is not None:
            os.unlink(f.name)
    pairs = dialogue(trace)
    for step in job.steps:
        op, a = step["op"], step.get("args", {})
        if code != 0 and op not in ("connect",):
            reply = reply_of(pairs, COMMANDS.get(op, "\0"))
            if reply is None or op in ("sendmail", "retr", "stor", "list", "nlst", "login") or \
                    reply.get("code", 200) >= 400 or reply.get("ok") is False:
                common.emit(failure(code, trace))
                continue
        common.emit(step_outcome(op, a, pairs, out, code, trace))


def step_outcome(op, a, pairs, out, code, trace):
    if op == "connect":
        reply = reply_of(pairs, None)
        return reply if reply else failure(code, trace)
    if op == "sendmail":
        return {"refused": {}}
    if op == "retr":
        import hashlib
        o = {"size": len(out), "sha256": hashlib.sha256(out).hexdigest()}
        if "lines" not in a and len(out) <= 4096:
            o["text"] = out.decode("utf-8", "replace")
        if "which" in a:  # POP3
            lines = out.decode("utf-8", "replace").split("\r\n")[:-1]
            return {"octets": len(out), "lines": lines, "text": out.decode("utf-8", "replace")}
        return o
    if op == "list" and "path" not in a and not any(c and c.startswith("PASV") or c and c.startswith("EPSV")
                                                    for c, _ in pairs):  # POP3 LIST
        items = dict(line.split(" ", 1) for line in out.decode().split("\r\n") if line)
        return {"messages": {k: int(v) for k, v in items.items()}}
    if op == "list":
        return {"lines": [l for l in out.decode("utf-8", "replace").replace("\r\n", "\n").split("\n") if l]}
    if op == "nlst":
        return {"names": [l for l in out.decode("utf-8", "replace").replace("\r\n", "\n").split("\n") if l]}
    reply = reply_of(pairs, COMMANDS.get(op))
    return reply if reply is not None else {}


def http_step(job, op, a, timeout, jar):
    method = common.http_method(op, a)
    url = common.url_with_params(a["url"], a.get("params"))
    with tempfile.TemporaryDirectory() as tmp:
        heads, body_file = os.path.join(tmp, "head"), os.path.join(tmp, "body")
        args = ["--cookie", jar, "--cookie-jar", jar, "--dump-header", heads, "--output", body_file,
                "--write-out", "%{url_effective}", "--url", url]
        args += ["--head"] if method == "HEAD" else ["--request", method]
        if a.get("allow_redirects", op != "head"):
            args += ["--location", "--max-redirs", str(a.get("max_redirects", job.options.get("max_redirects", 30)))]
        for k, v in {**job.options.get("headers", {}), **a.get("headers", {})}.items():
            args += ["--header", "%s: %s" % (k, v)]
        body, content_type = common.request_body(a)
        if body is not None:
            data = os.path.join(tmp, "data")
            with open(data, "wb") as f:
                f.write(body)
            args += ["--data-binary", "@" + data]
            if content_type:
                args += ["--header", "Content-Type: " + content_type]
        for field, f in a.get("files", {}).items():
            path = os.path.join(tmp, "file-" + field)
            with open(path, "wb") as fh:
                fh.write(f.get("content", "").encode("utf-8"))
            spec = "%s=@%s;filename=%s" % (field, path, f.get("filename", field))
            args += ["--form", spec + (";type=" + f["content_type"] if f.get("content_type") else "")]
        if a.get("auth"):
            args += ["--user", "%s:%s" % tuple(a["auth"])]
        if a.get("expect_continue"):
            args += ["--header", "Expect: 100-continue"]
        code, url_effective, stderr = curl(job, args, timeout)
        if code != 0:
            return failure(code, stderr, HTTP_RENAMES)
        responses = parse_heads(open(heads, "rb").read().decode("latin-1"))
        content = b""
        if method != "HEAD" and os.path.exists(body_file):  # --head writes the head as the body
            with open(body_file, "rb") as f:
                content = f.read()
    status, reason, headers = responses[-1]
    history = [s for s, _, _ in responses[:-1]]
    return common.http_outcome(status, reason, headers, url_effective.decode(), content, history,
                               cookies_of(jar))


def parse_heads(text):
    """Every final response of a --dump-header file (1xx skipped): [(status, reason, headers)]."""
    out = []
    for block in text.replace("\r\n", "\n").split("\n\n"):
        lines = [l for l in block.split("\n") if l]
        if not lines or not lines[0].startswith("HTTP/"):
            continue
        parts = lines[0].split(" ", 2)
        status = int(parts[1])
        if 100 <= status < 200:
            continue
        out.append((status, parts[2] if len(parts) > 2 else "",
                    [tuple(x.strip() for x in l.split(":", 1)) for l in lines[1:] if ":" in l]))
    return out


def cookies_of(jar):
    cookies = {}
    if os.path.exists(jar):
        for line in open(jar, encoding="utf-8", errors="replace"):
            fields = line.rstrip("\n").split("\t")
            if len(fields) == 7 and not line.startswith("# "):
                cookies[fields[5]] = fields[6]
    return cookies


def main():
    job = common.load()
    if job.doc.get("protocol") != "http":
        reason = session_shape(job)
        if reason:
            common.emit({"not_applicable": reason})
            return
        mail_session(job)
        return
    with tempfile.TemporaryDirectory() as tmp:
        jar = os.path.join(tmp, "cookies")
        common.run(job, common.http_perform(job, lambda op, a, timeout: http_step(job, op, a, timeout, jar)))


if __name__ == "__main__":
    main()
