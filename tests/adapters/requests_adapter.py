#!/usr/bin/env python3
"""protoharness external-client adapter for python3-requests.

Usage: requests_adapter.py HOST PORT STEPS_JSON
Performs the scenario's HTTP client steps with one requests.Session (the vocabulary's ops
are requests' own) and prints one JSON outcome per step (the contract in scenarios/README.md).
Not applicable: expect_continue (requests has no 100-continue).
"""
import requests
import urllib3

import adapter_common as common

ERRORS = [(requests.exceptions.SSLError, "tls_error"), (requests.exceptions.Timeout, "timeout"),
          (requests.exceptions.TooManyRedirects, "too_many_redirects"),
          (requests.exceptions.InvalidURL, "invalid_url"), (requests.exceptions.MissingSchema, "invalid_url"),
          (requests.exceptions.HTTPError, "http_error"),
          (requests.exceptions.ChunkedEncodingError, "protocol_error"),
          (requests.exceptions.ConnectionError, "connection_error")]


def describe(exc):
    if isinstance(exc, requests.exceptions.HTTPError) and exc.response is not None:
        return common.error_outcome("http_error", exc, status=exc.response.status_code)
    # A deadline passed while the body was read: requests says ConnectionError around urllib3's
    # ReadTimeoutError.
    if isinstance(exc, requests.exceptions.ConnectionError) and exc.args and \
            isinstance(exc.args[0], urllib3.exceptions.ReadTimeoutError):
        return common.error_outcome("timeout", exc)
    if isinstance(exc, requests.exceptions.ChunkedEncodingError) and "IncompleteRead" in str(exc) \
            and "bytes read" in str(exc) and "more expected" in str(exc):
        return common.error_outcome("connection_error", exc)  # ended before Content-Length octets
    for cls, name in ERRORS:
        if isinstance(exc, cls):
            return common.error_outcome(name, exc)
    return None


def applicable(step):
    if step.get("args", {}).get("expect_continue"):
        return "requests has no 100-continue"
    return None


def main():
    job = common.load()
    session = requests.Session()
    session.verify = job.ca_file if job.tls_verify else False
    session.max_redirects = job.options.get("max_redirects", session.max_redirects)
    session.headers.update(job.options.get("headers", {}))

    def request(op, a, timeout):
        method = common.http_method(op, a)
        files = {field: (f.get("filename", field), f.get("content", "").encode("utf-8"),
                         *([f["content_type"]] if f.get("content_type") else []))
                 for field, f in a.get("files", {}).items()} or None
        data = a.get("data")
        default_max = session.max_redirects
        if "max_redirects" in a:
            session.max_redirects = a["max_redirects"]
        try:
            r = session.request(method, a["url"], params=common.form_pairs(a.get("params", {})) or None,
                                headers=a.get("headers"), files=files, json=a.get("json"),
                                data=common.form_pairs(data) if isinstance(data, dict) else data,
                                auth=tuple(a["auth"]) if a.get("auth") else None, timeout=timeout,
                                allow_redirects=a.get("allow_redirects", op != "head"),
                                stream=a.get("stream", False))
        finally:
            session.max_redirects = default_max
        if a.get("stream"):
            chunks = list(r.iter_content(chunk_size=65536))
            body = b"".join(chunks)
        else:
            body = r.content
        out = common.http_outcome(r.status_code, r.reason, r.raw.headers.items(), r.url, body,
                                  [h.status_code for h in r.history], session.cookies.get_dict())
        if a.get("stream"):
            out["chunks"] = len(chunks)
        return out

    common.run(job, common.http_perform(job, request, session.close), describe, applicable,
               finish=session.close)


if __name__ == "__main__":
    main()
