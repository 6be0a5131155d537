"""What every protoharness external-client adapter shares (the contract: scenarios/README.md,
"External clients").

An adapter is `python3 X_adapter.py HOST PORT STEPS_JSON`. It reads the steps file with
`load()`, then hands `run()` a function that performs one step with its library and returns
the step's outcome (a dict in the scenario vocabulary). `run()` prints one JSON outcome per
step; an exception a step raises becomes an error outcome through the adapter's own
`describe` (its library's exceptions) and then `transport_error()` (socket and ssl ones, the
names every protocol shares). A step the library cannot express raises `NotApplicable`: the
adapter prints {"not_applicable": reason} and performs no further step, and the harness gives
the scenario the verdict N/A.
"""
import json
import socket
import ssl
import sys


class NotApplicable(Exception):
    """The library cannot perform this step as the scenario states it (not a pass, not a fail)."""


class Job:
    """The steps file: where to connect, the scenario's client options and its steps."""

    def __init__(self, argv):
        if len(argv) != 4:
            sys.exit("usage: %s HOST PORT STEPS_JSON" % argv[0])
        self.host, self.port = argv[1], int(argv[2])
        with open(argv[3], encoding="utf-8") as f:
            self.doc = json.load(f)
        self.scenario = self.doc.get("scenario", "")
        self.options = self.doc.get("options", {})
        self.steps = self.doc.get("steps", [])
        self.ca_file = self.doc.get("ca_file")
        # The fake server's TLS from its first byte (HTTP: `{base}` is then https://).
        self.server_tls = self.doc.get("server_tls", "") == "implicit"

    @property
    def timeout(self):
        """The default deadline of a network wait, in seconds (client_options.timeout_ms)."""
        return self.options.get("timeout_ms", 2000) / 1000.0

    def step_timeout(self, step):
        """A step's own deadline in seconds, else the default."""
        return step.get("timeout_ms", self.options.get("timeout_ms", 2000)) / 1000.0

    @property
    def tls_verify(self):
        return self.options.get("tls_verify", True) is not False

    def tls_context(self):
        """Trusts the harness's test CA; tls_verify = false turns verification off."""
        context = ssl.create_default_context(cafile=self.ca_file)
        if not self.tls_verify:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        return context

    def url_vars(self):
        """The HTTP vocabulary's URL placeholders, as the in-tree driver expands them."""
        scheme = "https://" if self.server_tls else "http://"
        host = "[%s]" % self.host if ":" in self.host else self.host
        port = str(self.port)
        return {"{base}": scheme + host + ":" + port, "{alt_base}": scheme + "localhost:" + port,
                "{host}": self.host, "{port}": port}

    def expand(self, value):
        """`value` (any JSON) with the URL placeholders replaced in every string."""
        if isinstance(value, str):
            for k, v in self.url_vars().items():
                value = value.replace(k, v)
            return value
        if isinstance(value, dict):
            return {k: self.expand(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.expand(v) for v in value]
        return value


def load():
    return Job(sys.argv)


def transport_error(exc, disconnected="disconnected", connect_failed="connect_failed"):
    """The shared error names for socket and ssl exceptions (HTTP calls both failures of the
    connection "connection_error"); None when `exc` is none of them."""
    if isinstance(exc, (socket.timeout, TimeoutError)):
        return "timeout"
    if isinstance(exc, (ssl.SSLError, ssl.CertificateError)):
        return "tls_error"
    if isinstance(exc, ConnectionRefusedError):
        return connect_failed
    if isinstance(exc, (ConnectionError, EOFError)):
        return disconnected
    if isinstance(exc, (UnicodeError, ValueError)):
        return "protocol_error"
    return None


def before_step(job, step, connect, sock):
    """The vocabulary's connect, for line protocols: the op "connect" (TLS from args.tls, else
    client_options.tls) returns its outcome; any other step connects first when `sock()` (the
    library's socket) is None, gives the socket the step's deadline and returns None (perform
    the step)."""
    if step["op"] == "connect":
        return connect(step.get("args", {}).get("tls", job.options.get("tls")))
    if sock() is None:
        connect(job.options.get("tls"))
    sock().settimeout(job.step_timeout(step))
    return None


def error_outcome(name, exc, **extra):
    out = {"error": name or "exception", "message": str(exc) or type(exc).__name__}
    out.update(extra)
    return out


def listify(v):
    if v is None:
        return []
    return [v] if isinstance(v, str) else list(v)


def emit(outcome):
    print(json.dumps(outcome), flush=True)


def run(job, perform, describe=None, applicable=None, finish=None):
    """Performs job.steps in order: `perform(step)` returns a step's outcome; `describe(exc)`
    turns the adapter's library exceptions into an outcome (or None: the shared names apply).
    `applicable(step)` may return a reason why the library cannot express a step: the whole
    scenario is then not applicable and nothing is sent. `finish()` runs after the last step
    (closes what is still open)."""
    if applicable:
        for step in job.steps:
            reason = applicable(step)
            if reason:
                emit({"not_applicable": reason})
                return
    try:
        for step in job.steps:
            try:
                out = perform(step)
            except NotApplicable as na:
                emit({"not_applicable": str(na)})
                return
            except Exception as exc:  # every failure is an outcome, never a crash
                out = describe(exc) if describe else None
                if out is None:
                    out = error_outcome(transport_error(exc), exc)
            emit(out)
    finally:
        if finish:
            try:
                finish()
            except Exception:  # closing after a failure may fail again; nothing to report
                pass


# HTTP: what the http.client, urllib, requests and curl adapters share.

MAX_TEXT = 1 << 20  # as the in-tree driver: text and json only for bodies up to 1 MiB
REQUEST_OPS = ("request", "get", "head", "post", "put", "patch", "delete", "options")


def http_method(op, a):
    return (a["method"] if op == "request" else op).upper()


def form_pairs(table):
    """A table of form fields or query parameters as (name, value) pairs (arrays repeat)."""
    pairs = []
    for k, v in table.items():
        for item in (v if isinstance(v, list) else [v]):
            pairs.append((k, item if isinstance(item, str) else json.dumps(item)))
    return pairs


def url_with_params(url, params):
    import urllib.parse
    if not params:
        return url
    query = urllib.parse.urlencode(form_pairs(params))
    return url + ("&" if "?" in url else "?") + query


def request_body(a):
    """(body bytes or None, content type or None) of args.data / args.json."""
    import urllib.parse
    if "json" in a:
        return json.dumps(a["json"]).encode("utf-8"), "application/json"
    data = a.get("data")
    if isinstance(data, str):
        return data.encode("utf-8"), None
    if isinstance(data, dict):
        return urllib.parse.urlencode(form_pairs(data)).encode("ascii"), "application/x-www-form-urlencoded"
    return None, None


def http_outcome(status, reason, headers, url, body, history=(), cookies=None):
    """A response in the vocabulary: headers are (name, value) pairs, names lower-cased, a
    repeated field's values joined with ", "."""
    import hashlib
    fields = {}
    for name, value in headers:
        name = name.lower()
        fields[name] = fields[name] + ", " + value if name in fields else value
    out = {"status": status, "reason": reason, "headers": fields, "url": url, "history": list(history),
           "cookies": dict(cookies or {}), "bytes": len(body), "sha256": hashlib.sha256(body).hexdigest()}
    if len(body) <= MAX_TEXT:
        out["text"] = body.decode("utf-8", "replace")
        if body:
            try:
                out["json"] = json.loads(out["text"])
            except ValueError:
                pass
    return out


def http_client_error(exc):
    """The outcome of an exception from http.client (which urllib and requests read responses
    with) or the transport under it."""
    import http.client
    # IncompleteRead with no expected length: a chunk size that is not hex (bad framing); with
    # one, the connection ended before Content-Length octets came.
    if isinstance(exc, http.client.IncompleteRead) and exc.expected is None:
        return error_outcome("protocol_error", exc)
    if isinstance(exc, (http.client.RemoteDisconnected, http.client.IncompleteRead)):
        return error_outcome("connection_error", exc)
    if isinstance(exc, http.client.HTTPException):
        return error_outcome("protocol_error", exc)
    if isinstance(exc, ValueError) and "url" in str(exc).lower():
        return error_outcome("invalid_url", exc)
    return error_outcome(transport_error(exc, "connection_error", "connection_error"), exc)


def http_perform(job, request, close=None):
    """A perform() for run(): request ops call `request(op, args, timeout seconds)` (args with
    the URL placeholders expanded), which returns the response's outcome; raise_for_status
    looks at the last one; close calls `close()`."""
    last = {}

    def perform(step):
        nonlocal last
        op, a = step["op"], job.expand(step.get("args", {}))
        if op in REQUEST_OPS:
            last = {}
            last = request(op, a, a.get("timeout_ms", step.get("timeout_ms", job.options.get("timeout_ms", 2000))) / 1000.0)
            return last
        if op == "raise_for_status":
            if last.get("status", 0) >= 400:
                return error_outcome("http_error", "HTTP status %d" % last["status"], status=last["status"])
            return {}
        if op == "close":
            if close:
                close()
            return {}
        raise NotApplicable("the adapter has no HTTP op " + op)
    return perform
