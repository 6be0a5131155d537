// Exchanges and semantics: HTTP-EXPECT-100, HTTP-CONN-CLOSE, HTTP-PIPELINE, HTTP-RETRY,
// HTTP-NO-BODY-METHODS, HTTP-REFERER, HTTP-BASIC.

#include <algorithm>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "harness/rules/http/http_check.hpp"
#include "vocabulary/base64.hpp"

namespace ph::harness::rules::http {

namespace {

constexpr std::size_t npos = std::string_view::npos;

bool idempotent(std::string_view m) {
  return m == "GET" || m == "HEAD" || m == "PUT" || m == "DELETE" || m == "OPTIONS" || m == "TRACE";
}

}  // namespace

// RFC 9110 §10.1.1: 100-continue only with content; no indefinite wait; after 417 repeat
// without the expectation.
void check_expect_100(const session& s, const context&, findings& f) {
  for (std::size_t i = 0; i < s.requests.size(); ++i) {
    const request& r = s.requests[i];
    if (!is_message(r) || !r.head_complete || !r.has_token("expect", "100-continue")) continue;
    f.applied();
    const field* ex = r.get("expect");
    if (!r.has_content()) {
      f.fail("Expect: 100-continue on a request without content", event_in(s, r, ex->offset),
             ex->raw);
      continue;
    }
    const response* resp = s.response_to(r);
    if (resp != nullptr && resp->code == 417) {
      for (std::size_t j = i + 1; j < s.requests.size(); ++j) {
        const request& n = s.requests[j];
        if (n.method == r.method && n.target == r.target && n.has_token("expect", "100-continue"))
          f.fail_weak("request answered 417 was repeated with Expect: 100-continue again",
                      n.first_event, n.line);
      }
      continue;
    }
    if (r.body_received == 0 && r.interim.empty() && resp == nullptr && s.end_event >= 0 &&
        !s.client_closed_first)
      f.fail_weak("client waited for 100 Continue until the server gave up; the body never came",
                  r.head_event, ex->raw);
  }
}

// RFC 9112 §9.3, §9.6: nothing more is sent after Connection: close (sent or received).
void check_conn_close(const session& s, const context&, findings& f) {
  for (std::size_t i = 0; i < s.requests.size(); ++i) {
    const request& r = s.requests[i];
    if (!is_message(r) || !r.head_complete) continue;
    const response* resp = s.response_to(r);
    const bool sent_close = r.has_token("connection", "close");
    const bool got_close = resp != nullptr && resp->closes();
    if (!sent_close && !got_close) continue;
    f.applied();
    for (std::size_t j = i + 1; j < s.requests.size(); ++j) {
      const request& n = s.requests[j];
      if (!is_message(n)) continue;
      if (sent_close) {
        f.fail("request sent after a request with Connection: close", n.first_event, n.line);
        break;
      }
      if (n.first_event > resp->first_event) {
        f.fail(
            "request sent after a response that closes the connection (" + resp->status_line + ")",
            n.first_event, n.line);
        break;
      }
    }
  }
}

// RFC 9112 §9.3.2: no pipelining behind a non-idempotent request.
void check_pipeline(const session& s, const context&, findings& f) {
  for (std::size_t i = 0; i + 1 < s.requests.size(); ++i) {
    const request& r = s.requests[i];
    if (!is_message(r) || !r.head_complete) continue;
    const request& n = s.requests[i + 1];
    if (!is_message(n) || n.line_parts < 3) continue;
    f.applied();
    if (idempotent(r.method)) continue;
    const response* resp = s.response_to(r);
    if (resp == nullptr || n.first_event < resp->first_event)
      f.fail(n.method + " pipelined behind " + r.method + " before its response (not idempotent)",
             n.first_event, n.line);
  }
}

// RFC 9110 §9.2.2; RFC 9112 §9.3.1: non-idempotent requests are not resent automatically.
// A retry happens on a new connection, which check() never sees together with the first;
// on one connection only an unanswered request resent on it is decidable.
void check_retry(const session& s, const context&, findings& f) {
  for (std::size_t i = 0; i < s.requests.size(); ++i) {
    const request& r = s.requests[i];
    if (!is_message(r) || !r.head_complete || idempotent(r.method)) continue;
    f.applied();
    const response* resp = s.response_to(r);
    for (std::size_t j = i + 1; j < s.requests.size(); ++j) {
      const request& n = s.requests[j];
      // Resent before any response to the first had begun: the client gave up on it.
      if (n.line == r.line && n.body == r.body &&
          (resp == nullptr || resp->first_event > n.first_event) && n.first_event > r.last_event) {
        f.fail(r.method + " resent without a response to the first", n.first_event, n.line);
        break;
      }
    }
  }
}

// RFC 9110 §9.3.1, §9.3.2, §9.3.5, §9.3.8: no content on GET/HEAD/DELETE (SHOULD NOT);
// TRACE carries neither content nor credentials (MUST NOT).
void check_no_body_methods(const session& s, const context&, findings& f) {
  for (const auto& r : s.requests) {
    if (!is_message(r) || !r.head_complete) continue;
    f.applied();
    if (r.method == "TRACE") {
      if (r.has_content()) f.fail("TRACE request carries content", r.first_event, r.line);
      for (const char* n : {"authorization", "cookie", "proxy-authorization"})
        if (const field* fl = r.get(n); fl != nullptr)
          f.fail("TRACE request carries " + fl->name, event_in(s, r, fl->offset), fl->raw);
    } else if ((r.method == "GET" || r.method == "HEAD" || r.method == "DELETE") &&
               r.has_content()) {
      f.fail_weak(r.method + " request carries content", r.first_event, r.line);
    }
  }
}

// RFC 9110 §10.1.3: no fragment or userinfo; no https Referer on an http request.
void check_referer(const session& s, const context&, findings& f) {
  for (const auto& r : s.requests) {
    const field* ref = r.get("referer");
    if (ref == nullptr) continue;
    f.applied();
    const int ev = event_in(s, r, ref->offset);
    const std::string& v = ref->value;
    const std::size_t sep = v.find("://");
    const std::string_view auth =
        sep == npos ? std::string_view()
                    : std::string_view(v).substr(
                          sep + 3, std::min(v.find_first_of("/?#", sep + 3), v.size()) - sep - 3);
    if (v.find('#') != npos) {
      f.fail("Referer carries a fragment", ev, ref->raw);
    } else if (auth.find('@') != npos) {
      f.fail("Referer carries userinfo", ev, ref->raw);
    } else if (v.empty() || (sep == npos && v != "about:blank" && !v.starts_with("/"))) {
      f.fail("Referer is not a URI (\"about:blank\" when there is no source)", ev, ref->raw);
    } else if (!s.tls && lower(v).starts_with("https:")) {
      f.fail_weak("https Referer sent on an unsecured http request", ev, ref->raw);
    }
  }
}

// RFC 7617 §2: "Basic" SP base64(user-id ":" password), no CTLs, no colon in the user-id.
void check_basic(const session& s, const context&, findings& f) {
  for (const auto& r : s.requests) {
    for (const field* a : r.all("authorization")) {
      if (!iequals(a->value.substr(0, std::min<std::size_t>(a->value.size(), 6)), "basic ") &&
          !iequals(a->value, "basic"))
        continue;
      f.applied();
      const int ev = event_in(s, r, a->offset);
      const std::string_view cred =
          std::string_view(a->value).substr(std::min<std::size_t>(6, a->value.size()));
      if (cred.empty() || cred.front() == ' ' || cred.find(' ') != npos) {
        f.fail("Basic credentials are not one SP then one base64 token", ev, a->raw);
        continue;
      }
      const auto plain = base64_decode(cred);
      if (!plain) {
        f.fail("Basic credentials are not standard padded base64", ev, a->raw);
        continue;
      }
      if (plain->find(':') == std::string::npos) {
        f.fail("decoded Basic credentials hold no ':' between user-id and password", ev, a->raw);
        continue;
      }
      if (std::any_of(plain->begin(), plain->end(), [](char c) {
            const auto u = static_cast<unsigned char>(c);
            return u < 0x20 || u == 0x7F;
          }))
        f.fail("decoded Basic credentials hold a control character", ev, a->raw);
    }
  }
}

}  // namespace ph::harness::rules::http
