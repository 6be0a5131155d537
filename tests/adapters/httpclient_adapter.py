#!/usr/bin/env python3
"""protoharness external-client adapter for Python's http.client.

Usage: httpclient_adapter.py HOST PORT STEPS_JSON
Performs the scenario's HTTP client steps with http.client (one HTTPConnection per origin,
kept open between requests as http.client does) and prints one JSON outcome per step (the
contract in scenarios/README.md). http.client is the layer below a user agent: it follows no
redirect, keeps no cookie, has no authentication, multipart encoding or 100-continue, so a
scenario that needs one of them is not applicable (a redirect or a Set-Cookie is only seen in
the response, so those steps say so when it arrives).
"""
import http.client
import urllib.parse

import adapter_common as common


def applicable(step):
    a = step.get("args", {})
    for key, what in (("files", "multipart encoding"), ("auth", "authentication"),
                      ("expect_continue", "100-continue")):
        if a.get(key):
            return "http.client has no " + what
    return None


def main():
    job = common.load()
    context = job.tls_context()
    connections = {}

    def connection(parts, timeout):
        key = (parts.scheme, parts.hostname, parts.port)
        conn = connections.get(key)
        if conn is None:
            if parts.scheme == "https":
                conn = http.client.HTTPSConnection(parts.hostname, parts.port, timeout=timeout, context=context)
            else:
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
            connections[key] = conn
        conn.timeout = timeout
        if conn.sock is not None:
            conn.sock.settimeout(timeout)
        return conn

    def request(op, a, timeout):
        method = common.http_method(op, a)
        url = common.url_with_params(a["url"], a.get("params"))
        parts = urllib.parse.urlsplit(url)
        headers = dict(job.options.get("headers", {}))
        headers.update(a.get("headers", {}))
        body, content_type = common.request_body(a)
        if content_type and "content-type" not in {k.lower() for k in headers}:
            headers["Content-Type"] = content_type
        conn = connection(parts, timeout)
        target = (parts.path or "/") + ("?" + parts.query if parts.query else "")
        try:
            conn.request(method, target, body=body, headers=headers)
            resp = conn.getresponse()
            data = resp.read()
        except Exception:
            conn.close()
            raise
        if resp.getheader("Set-Cookie"):
            raise common.NotApplicable("http.client keeps no cookies (a Set-Cookie arrived)")
        if resp.status in (301, 302, 303, 307, 308) and a.get("allow_redirects", op != "head"):
            raise common.NotApplicable("http.client follows no redirects (a %d arrived)" % resp.status)
        return common.http_outcome(resp.status, resp.reason, resp.getheaders(), url, data)

    def close():
        for conn in connections.values():
            conn.close()
        connections.clear()

    common.run(job, common.http_perform(job, request, close), common.http_client_error, applicable,
               finish=close)


if __name__ == "__main__":
    main()
