#!/usr/bin/env python3
"""protoharness external-client adapter for Python's urllib.request.

Usage: urllib_adapter.py HOST PORT STEPS_JSON
Performs the scenario's HTTP client steps with one urllib opener (cookies in an
http.cookiejar, redirects and Basic authentication by its handlers) and prints one JSON outcome
per step (the contract in scenarios/README.md). An HTTPError is a response here (status is
data). Not applicable: multipart uploads and 100-continue (urllib has neither); a 307/308 to a
request other than GET/HEAD, which urllib declines to follow (RFC 9110 lets it).
"""
import http.cookiejar
import urllib.error
import urllib.request

import adapter_common as common


class Redirects(urllib.request.HTTPRedirectHandler):
    """urllib's own redirect handling; records each status it follows (the outcome's history)."""

    def __init__(self):
        self.history, self.follow = [], True
        self.max_redirections = urllib.request.HTTPRedirectHandler.max_redirections

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if not self.follow:
            return None
        new = super().redirect_request(req, fp, code, msg, headers, newurl)
        if new is not None:
            self.history.append(code)
        return new


def applicable(step):
    a = step.get("args", {})
    if a.get("files"):
        return "urllib has no multipart encoding"
    if a.get("expect_continue"):
        return "urllib has no 100-continue"
    return None


def describe(exc):
    if isinstance(exc, urllib.error.HTTPError) and "redirect" in str(exc.reason):
        return common.error_outcome("too_many_redirects", exc)
    if isinstance(exc, urllib.error.URLError) and not isinstance(exc, urllib.error.HTTPError):
        exc = exc.reason if isinstance(exc.reason, BaseException) else exc
    return common.http_client_error(exc)


def main():
    job = common.load()
    jar = http.cookiejar.CookieJar()
    passwords = urllib.request.HTTPPasswordMgrWithPriorAuth()
    redirects = Redirects()
    redirects.max_redirections = job.options.get("max_redirects", redirects.max_redirections)
    opener = urllib.request.build_opener(
        urllib.request.HTTPSHandler(context=job.tls_context()),
        urllib.request.HTTPCookieProcessor(jar), redirects,
        urllib.request.HTTPBasicAuthHandler(passwords))

    def request(op, a, timeout):
        method = common.http_method(op, a)
        url = common.url_with_params(a["url"], a.get("params"))
        body, content_type = common.request_body(a)
        req = urllib.request.Request(url, data=body, method=method)
        for k, v in {**job.options.get("headers", {}), **a.get("headers", {})}.items():
            req.add_header(k, v)
        if content_type and not req.has_header("Content-type"):
            req.add_header("Content-Type", content_type)
        if a.get("auth"):
            passwords.add_password(None, url, a["auth"][0], a["auth"][1], is_authenticated=True)
        redirects.history = []
        redirects.follow = a.get("allow_redirects", op != "head")
        redirects.max_redirections = a.get("max_redirects", redirects.max_redirections)
        try:
            resp = opener.open(req, timeout=timeout)
        except urllib.error.HTTPError as e:
            if e.code in (307, 308) and redirects.follow and method not in ("GET", "HEAD"):
                raise common.NotApplicable("urllib does not follow a %d for %s" % (e.code, method))
            if "redirect" in str(e.reason) and e.code in (301, 302, 303, 307, 308) and redirects.follow:
                raise
            resp = e
        with resp:
            data = resp.read()
        return common.http_outcome(resp.status, resp.reason, resp.headers.items(), resp.geturl(), data,
                                   redirects.history, {c.name: c.value for c in jar})

    common.run(job, common.http_perform(job, request), describe, applicable)


if __name__ == "__main__":
    main()
