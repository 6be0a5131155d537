// Exchanges and semantics: HTTP-EXPECT-100, HTTP-CONN-CLOSE, HTTP-PIPELINE, HTTP-RETRY,
// HTTP-NO-BODY-METHODS, HTTP-REFERER, HTTP-REDIRECT-METHOD, HTTP-REDIRECT-HEADERS,
// HTTP-BASIC, HTTP-COOKIE-HEADER, HTTP-COOKIE-SCOPE, HTTP-FORM-PARTS, HTTP-FORM-BOUNDARY,
// HTTP-URI-ENCODING.

#include <algorithm>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "harness/model/base64.hpp"
#include "harness/rules/http/http_check.hpp"

namespace ph::harness::rules::http {

namespace {

constexpr std::size_t npos = std::string_view::npos;

bool idempotent(std::string_view m) {
  return m == "GET" || m == "HEAD" || m == "PUT" || m == "DELETE" || m == "OPTIONS" || m == "TRACE";
}

bool is_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

std::string path_of(std::string_view target) {
  std::string_view p = target.substr(0, std::min(target.find_first_of("?#"), target.size()));
  if (const std::size_t sep = p.find("://"); sep != npos) {
    const std::size_t slash = p.find('/', sep + 3);
    p = slash == npos ? std::string_view("/") : p.substr(slash);
  }
  return std::string(p.empty() ? "/" : p);
}

// RFC 3986 §5.2.4.
std::string remove_dots(std::string_view in) {
  std::string out;
  while (!in.empty()) {
    if (in.starts_with("../")) {
      in.remove_prefix(3);
    } else if (in.starts_with("./")) {
      in.remove_prefix(2);
    } else if (in.starts_with("/./")) {
      in.remove_prefix(2);
    } else if (in == "/.") {
      in = "/";
    } else if (in.starts_with("/../") || in == "/..") {
      in = in.size() == 3 ? std::string_view("/") : in.substr(3);
      const std::size_t last = out.rfind('/');
      out.erase(last == std::string::npos ? 0 : last);
    } else if (in == "." || in == "..") {
      in = {};
    } else {
      const std::size_t next = in.find('/', in.front() == '/' ? 1 : 0);
      const std::size_t n = next == npos ? in.size() : next;
      out.append(in.substr(0, n));
      in.remove_prefix(n);
    }
  }
  return out;
}

struct resolved {
  bool same_origin = true;
  std::string authority;  // when an absolute or network-path reference names one
  std::string target;     // path ["?" query]
};

// RFC 3986 §5.2 for the parts this judge needs: where a Location sends the client.
resolved resolve(std::string_view base_target, std::string_view location, const std::string& host) {
  resolved r;
  std::string_view loc = location.substr(0, std::min(location.find('#'), location.size()));
  if (const std::size_t sep = loc.find("://"); sep != npos && sep > 0) {
    loc = loc.substr(sep + 1);  // keep "//authority..."
  }
  if (loc.starts_with("//")) {
    const std::string_view rest = loc.substr(2);
    const std::size_t end = std::min(rest.find_first_of("/?"), rest.size());
    r.authority = rest.substr(0, end);
    r.same_origin = iequals(r.authority, host);
    const std::string_view pq = rest.substr(end);
    const std::size_t q = pq.find('?');
    r.target = remove_dots(pq.substr(0, std::min(q, pq.size())));
    if (r.target.empty()) r.target = "/";
    if (q != npos) r.target += std::string(pq.substr(q));
    return r;
  }
  const std::string base_path = path_of(base_target);
  const std::size_t q = loc.find('?');
  std::string_view p = loc.substr(0, std::min(q, loc.size()));
  std::string merged;
  if (p.empty()) {
    merged = base_path;
    if (q == npos) {
      const std::size_t bq = base_target.find('?');
      if (bq != npos) {
        r.target = base_path + std::string(base_target.substr(bq));
        return r;
      }
    }
  } else if (p.front() == '/') {
    merged = remove_dots(p);
  } else {
    merged = remove_dots(base_path.substr(0, base_path.rfind('/') + 1) + std::string(p));
  }
  r.target = merged;
  if (q != npos) r.target += std::string(loc.substr(q));
  return r;
}

std::string host_of(const request& r) {
  const field* h = r.get("host");
  return h == nullptr ? std::string() : to_lower(h->value);
}

// The request that followed a redirect on this connection: the next request whose target
// is the resolved Location, or -1 (cross-origin, or not followed here).
int follow_up(const session& s, std::size_t i, const resolved& where) {
  for (std::size_t j = i + 1; j < s.requests.size(); ++j) {
    const request& n = s.requests[j];
    if (!is_message(n) || n.line_parts < 3) continue;
    std::string t = n.target;
    if (const std::size_t sep = t.find("://"); sep != npos) {
      const std::size_t slash = t.find('/', sep + 3);
      t = slash == npos ? "/" : t.substr(slash);
    }
    if (t == where.target) return static_cast<int>(j);
  }
  return -1;
}

struct redirect {
  std::size_t request = 0;
  int code = 0;
  resolved where;
  int next = -1;
};

std::vector<redirect> redirects(const session& s) {
  std::vector<redirect> out;
  for (std::size_t i = 0; i < s.requests.size(); ++i) {
    const request& r = s.requests[i];
    const response* resp = s.response_to(r);
    if (resp == nullptr || resp->code / 100 != 3 || resp->code == 304) continue;
    const field* loc = resp->get("location");
    if (loc == nullptr || loc->value.empty()) continue;
    redirect d;
    d.request = i;
    d.code = resp->code;
    d.where = resolve(r.target, loc->value, host_of(r));
    if (d.where.same_origin) d.next = follow_up(s, i, d.where);
    out.push_back(std::move(d));
  }
  return out;
}

// "a=1; b=2" → pairs; `ok` false when the serialisation breaks RFC 6265 §4.2.1.
std::vector<std::pair<std::string, std::string>> cookie_pairs(std::string_view v, bool& ok) {
  std::vector<std::pair<std::string, std::string>> out;
  ok = true;
  std::size_t pos = 0;
  while (pos <= v.size()) {
    std::size_t semi = v.find(';', pos);
    if (semi == npos) semi = v.size();
    const std::string_view pair = v.substr(pos, semi - pos);
    const std::size_t eq = pair.find('=');
    if (pair.empty() || eq == npos || eq == 0 || !is_token(pair.substr(0, eq)) ||
        pair.find_first_of(" \t") != npos)
      ok = false;
    else
      out.emplace_back(pair.substr(0, eq), pair.substr(eq + 1));
    if (semi == v.size()) break;
    if (v.compare(semi, 2, "; ") != 0) ok = false;
    pos = semi + (v.compare(semi, 2, "; ") == 0 ? 2 : 1);
  }
  return out;
}

struct stored_cookie {
  std::string name, value, path;
  bool secure = false;
  bool rejected = false;  // Domain did not cover the host (RFC 6265 §5.3 step 6)
  bool expired = false;   // Max-Age <= 0 or Expires in the past
  int event = -1;
};

bool domain_match(std::string host, std::string domain) {  // RFC 6265 §5.1.3
  host = to_lower(host);
  domain = to_lower(domain);
  if (!domain.empty() && domain.front() == '.') domain.erase(0, 1);
  if (host == domain) return true;
  return host.size() > domain.size() && host.ends_with(domain) &&
         host[host.size() - domain.size() - 1] == '.' &&
         host.find_first_not_of("0123456789.") != std::string::npos;
}

bool path_match(std::string_view req, std::string_view cookie) {  // RFC 6265 §5.1.4
  if (req == cookie) return true;
  if (!req.starts_with(cookie)) return false;
  return cookie.ends_with("/") || req[cookie.size()] == '/';
}

std::string bare_host(const std::string& host_field) {
  if (!host_field.empty() && host_field.front() == '[')
    return host_field.substr(1, host_field.find(']') - 1);
  return host_field.substr(
      0, host_field.rfind(':') == std::string::npos ? host_field.size() : host_field.rfind(':'));
}

stored_cookie parse_set_cookie(std::string_view v, const request& r) {
  stored_cookie c;
  const std::size_t semi = std::min(v.find(';'), v.size());
  const std::string_view nv = v.substr(0, semi);
  const std::size_t eq = nv.find('=');
  c.name = trim(nv.substr(0, std::min(eq, nv.size())));
  c.value = eq == npos ? std::string() : std::string(trim(nv.substr(eq + 1)));
  // RFC 6265 §5.1.4: the default path is the request path up to its last "/".
  const std::string p = path_of(r.target);
  c.path = p.rfind('/') == 0 ? "/" : p.substr(0, p.rfind('/'));
  bool has_max_age = false;
  std::size_t pos = semi;
  while (pos < v.size()) {
    const std::size_t next = std::min(v.find(';', pos + 1), v.size());
    const std::string_view av = trim(v.substr(pos + 1, next - pos - 1));
    const std::size_t e = av.find('=');
    const std::string key = to_lower(trim(av.substr(0, std::min(e, av.size()))));
    const std::string val = e == npos ? std::string() : std::string(trim(av.substr(e + 1)));
    if (key == "secure") c.secure = true;
    if (key == "path" && val.starts_with("/")) c.path = val;
    if (key == "domain" && !val.empty() && !domain_match(bare_host(host_of(r)), val))
      c.rejected = true;
    if (key == "max-age" && !val.empty()) {
      has_max_age = true;
      c.expired = val.front() == '-' || val.find_first_not_of('0') == std::string::npos;
    }
    if (key == "expires" && !has_max_age) {
      // Only dates before 2010 count as decidably past (no wall clock in the judge).
      for (std::size_t k = 0; k + 4 <= val.size(); ++k) {
        const std::string_view y = std::string_view(val).substr(k, 4);
        if (std::all_of(y.begin(), y.end(), [](char ch) { return ch >= '0' && ch <= '9'; }) &&
            (k + 4 == val.size() || val[k + 4] == ' ') && (k == 0 || val[k - 1] == ' ')) {
          c.expired = std::stoi(std::string(y)) < 2010;
          break;
        }
      }
    }
    pos = next;
  }
  return c;
}

// The boundary parameter of a multipart/form-data Content-Type; `quoted_ok` false when it
// needed quotes and had none.
std::optional<std::string> boundary_of(std::string_view ct, bool& quoted_ok) {
  quoted_ok = true;
  const std::string lower = to_lower(ct);
  if (!lower.starts_with("multipart/form-data")) return std::nullopt;
  const std::size_t at = lower.find("boundary=");
  if (at == npos) return std::string();
  std::string_view b = ct.substr(at + 9);
  if (!b.empty() && b.front() == '"') {
    const std::size_t close = b.find('"', 1);
    return std::string(b.substr(1, close == npos ? npos : close - 1));
  }
  b = b.substr(0, std::min(b.find(';'), b.size()));
  b = trim(b);
  if (!is_token(b)) quoted_ok = false;
  return std::string(b);
}

struct part {
  std::vector<std::string> headers;  // raw lines
  std::string content;
  std::size_t offset = 0;  // in the body
};

// RFC 2046 §5.1.1: parts between CRLF "--" boundary delimiters; `closed` when the final
// "--boundary--" came.
std::vector<part> split_parts(std::string_view body, const std::string& boundary, bool& closed,
                              bool& first_ok) {
  std::vector<part> out;
  closed = false;
  const std::string delim = "--" + boundary;
  first_ok = body.starts_with(delim) || body.find("\r\n" + delim) != npos;
  std::size_t pos = body.starts_with(delim) ? 0 : body.find("\r\n" + delim);
  if (pos == npos) return out;
  if (pos != 0) pos += 2;
  while (true) {
    pos += delim.size();
    if (body.compare(pos, 2, "--") == 0) {
      closed = true;
      return out;
    }
    const std::size_t eol = body.find("\r\n", pos);
    if (eol == npos) return out;
    const std::size_t next = body.find("\r\n" + delim, eol);
    const std::string_view whole =
        body.substr(eol + 2, (next == npos ? body.size() : next) - eol - 2);
    part p;
    p.offset = eol + 2;
    const std::size_t hend = whole.find("\r\n\r\n");
    const std::string_view head = whole.substr(0, hend == npos ? 0 : hend);
    p.content = hend == npos ? std::string(whole) : std::string(whole.substr(hend + 4));
    if (whole.starts_with("\r\n")) p.content = whole.substr(2);
    std::size_t hp = 0;
    while (hp < head.size()) {
      const std::size_t e = std::min(head.find("\r\n", hp), head.size());
      p.headers.emplace_back(head.substr(hp, e - hp));
      hp = e + 2;
    }
    out.push_back(std::move(p));
    if (next == npos) return out;
    pos = next + 2;
  }
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
    } else if (!s.tls && to_lower(v).starts_with("https:")) {
      f.fail_weak("https Referer sent on an unsecured http request", ev, ref->raw);
    }
  }
}

// RFC 9110 §15.4.8, §15.4.9: 307/308 keep method and content; §15.4.4: 303 becomes GET/HEAD.
void check_redirect_method(const session& s, const context&, findings& f) {
  for (const redirect& d : redirects(s)) {
    if (d.next < 0) continue;  // not followed on this connection: not decidable here
    f.applied();
    const request& r = s.requests[d.request];
    const request& n = s.requests[static_cast<std::size_t>(d.next)];
    if (d.code == 307 || d.code == 308) {
      if (n.method != r.method)
        f.fail(std::to_string(d.code) + " followed with " + n.method + " instead of " + r.method,
               n.first_event, n.line);
      else if (n.body != r.body)
        f.fail(std::to_string(d.code) + " followed without the original content", n.first_event,
               n.line);
    } else if (d.code == 303 && n.method != "GET" && n.method != "HEAD") {
      f.fail_weak("303 followed with " + n.method + " instead of GET", n.first_event, n.line);
    }
  }
}

// RFC 9110 §15.4: credentials and cookies of the old target do not reach another host; a
// method changed to GET drops the content fields. Redirects to another origin usually open
// a new connection, which check() does not see: those are judged when the client reused
// this connection.
void check_redirect_headers(const session& s, const context&, findings& f) {
  for (const redirect& d : redirects(s)) {
    const request& r = s.requests[d.request];
    if (d.next >= 0) {
      f.applied();
      const request& n = s.requests[static_cast<std::size_t>(d.next)];
      if (n.method == "GET" && r.method != "GET" && r.method != "HEAD") {
        if (const field* ct = n.get("content-type"); ct != nullptr)
          f.fail("redirect turned " + r.method + " into GET but kept " + ct->name,
                 event_in(s, n, ct->offset), ct->raw);
      }
      continue;
    }
    if (d.where.same_origin) continue;
    // Cross-origin: any later request on this connection for the new host.
    for (std::size_t j = d.request + 1; j < s.requests.size(); ++j) {
      const request& n = s.requests[j];
      if (!is_message(n) || host_of(n) == host_of(r)) continue;
      f.applied();
      for (const char* name : {"authorization", "cookie", "proxy-authorization"}) {
        const field* old = r.get(name);
        const field* now = n.get(name);
        if (old != nullptr && now != nullptr && old->value == now->value)
          f.fail(
              now->name + " of " + host_of(r) + " forwarded to " + host_of(n) + " after a redirect",
              event_in(s, n, now->offset), now->raw);
      }
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

// RFC 6265 §5.4: one Cookie field, pairs joined by "; ".
void check_cookie_header(const session& s, const context&, findings& f) {
  for (const auto& r : s.requests) {
    const auto cs = r.all("cookie");
    if (cs.empty()) continue;
    f.applied();
    if (cs.size() > 1) {
      f.fail("request carries " + std::to_string(cs.size()) + " Cookie fields",
             event_in(s, r, cs[1]->offset), cs[1]->raw);
      continue;
    }
    bool ok = true;
    (void)cookie_pairs(cs.front()->value, ok);
    if (!ok)
      f.fail("Cookie is not name=value pairs separated by \"; \"",
             event_in(s, r, cs.front()->offset), cs.front()->raw);
  }
}

// RFC 6265 §5.1.4, §5.2, §5.3, §5.4: cookies this connection saw set are sent only where
// path and Secure allow, never after expiry, never when their Domain was rejected.
void check_cookie_scope(const session& s, const context&, findings& f) {
  std::vector<stored_cookie> jar;
  for (const auto& r : s.requests) {
    if (!is_message(r)) continue;
    if (const field* c = r.get("cookie"); c != nullptr && !jar.empty()) {
      bool ok = true;
      const std::string path = path_of(r.target);
      for (const auto& [name, value] : cookie_pairs(c->value, ok)) {
        bool known = false;
        bool allowed = false;
        std::string why;
        for (const auto& k : jar) {
          if (k.name != name || k.value != value) continue;
          known = true;
          if (k.rejected)
            why = "its Domain did not cover the host that set it";
          else if (k.expired)
            why = "it has expired";
          else if (k.secure && !s.tls)
            why = "it is Secure and the request is not";
          else if (!path_match(path, k.path))
            why = "its Path " + k.path + " does not match " + path;
          else
            allowed = true;
        }
        if (known) f.applied();
        if (known && !allowed)
          f.fail("cookie " + name + " sent although " + why, event_in(s, r, c->offset), c->raw);
      }
    }
    if (const response* resp = s.response_to(r); resp != nullptr) {
      for (const field* sc : resp->all("set-cookie")) {
        stored_cookie k = parse_set_cookie(sc->value, r);
        // A later Set-Cookie for the same name and path replaces the earlier one.
        std::erase_if(jar, [&](const stored_cookie& o) {
          return o.name == k.name && o.path == k.path && !k.rejected;
        });
        jar.push_back(std::move(k));
      }
    }
  }
}

// RFC 7578 §4.2, §4.7, §4.8: every part has Content-Disposition: form-data; name="...";
// no filename*, no Content-Transfer-Encoding, no fields but Content-Type/-Disposition.
void check_form_parts(const session& s, const context&, findings& f) {
  for (const auto& r : s.requests) {
    const field* ct = r.get("content-type");
    if (ct == nullptr || !r.complete) continue;
    bool quoted_ok = true;
    const auto b = boundary_of(ct->value, quoted_ok);
    if (!b || b->empty()) continue;
    f.applied();
    bool closed = false;
    bool first_ok = false;
    for (const part& p : split_parts(r.body, *b, closed, first_ok)) {
      const int ev = event_in(s, r, r.body_start + p.offset);
      bool disposition = false;
      for (const std::string& h : p.headers) {
        const std::size_t colon = h.find(':');
        const std::string name =
            to_lower(trim(std::string_view(h).substr(0, std::min(colon, h.size()))));
        const std::string value = colon == npos
                                      ? std::string()
                                      : std::string(trim(std::string_view(h).substr(colon + 1)));
        if (name == "content-disposition") {
          const std::string lv = to_lower(value);
          if (lv.starts_with("form-data") && lv.find("name=") != npos) disposition = true;
          if (lv.find("filename*") != npos) f.fail("part uses filename* (RFC 7578 §4.2)", ev, h);
        } else if (name == "content-transfer-encoding") {
          f.fail("part carries Content-Transfer-Encoding (RFC 7578 §4.7)", ev, h);
        } else if (name != "content-type") {
          f.fail("part carries a header field other than Content-Type/Content-Disposition", ev, h);
        }
      }
      if (!disposition)
        f.fail("part has no Content-Disposition: form-data; name=\"...\"", ev,
               excerpt(r.body, p.offset, 60));
    }
  }
}

// RFC 7578 §4.1; RFC 2046 §5.1.1: boundary of 1-70 bchars (quoted if needed), absent from
// every part, delimiters after CRLF, closed by "--boundary--".
void check_form_boundary(const session& s, const context&, findings& f) {
  for (const auto& r : s.requests) {
    const field* ct = r.get("content-type");
    if (ct == nullptr || !r.head_complete) continue;
    bool quoted_ok = true;
    const auto b = boundary_of(ct->value, quoted_ok);
    if (!b) continue;
    f.applied();
    const int ev = event_in(s, r, ct->offset);
    if (b->empty() || b->size() > 70) {
      f.fail("multipart boundary is missing or longer than 70 characters", ev, ct->raw);
      continue;
    }
    if (!quoted_ok) {
      f.fail("multipart boundary needs quoting but is not quoted", ev, ct->raw);
      continue;
    }
    if (!r.complete) continue;
    bool closed = false;
    bool first_ok = false;
    const auto parts = split_parts(r.body, *b, closed, first_ok);
    if (!first_ok) {
      f.fail("body has no delimiter line \"--" + *b + "\"", event_in(s, r, r.body_start),
             excerpt(r.body, 0, 60));
      continue;
    }
    if (!closed) {
      f.fail("body does not end with \"--" + *b + "--\"", r.last_event,
             excerpt(r.body, r.body.size() > 60 ? r.body.size() - 60 : 0, 60));
      continue;
    }
    for (const part& p : parts)
      if (p.content.find("--" + *b) != std::string::npos) {
        f.fail("the boundary occurs inside a part", event_in(s, r, r.body_start + p.offset),
               excerpt(r.body, p.offset, 60));
        break;
      }
  }
}

// RFC 3986 §2.1, §2.3, §2.4, §5.2.4: no dot-segments in the target; percent-encoding done
// once (must*), with upper-case hex and unreserved characters left alone (should).
void check_uri_encoding(const session& s, const context&, findings& f) {
  for (const auto& r : s.requests) {
    if (!is_message(r) || r.line_parts != 3 || r.method == "CONNECT") continue;
    f.applied();
    const std::string path = path_of(r.target);
    if (remove_dots(path) != path) {
      f.fail("request-target keeps dot-segments", r.first_event, r.line);
      continue;
    }
    const std::string& t = r.target;
    for (std::size_t k = 0; k + 2 < t.size(); ++k) {
      if (t[k] != '%' || !is_hex(t[k + 1]) || !is_hex(t[k + 2])) continue;
      const std::string hex = t.substr(k + 1, 2);
      const int v = std::stoi(hex, nullptr, 16);
      if (v == 0x25 && k + 4 < t.size() && is_hex(t[k + 3]) && is_hex(t[k + 4])) {
        f.fail_weak("\"%25" + t.substr(k + 3, 2) + "\" looks percent-encoded twice", r.first_event,
                    r.line);
        break;
      }
      if (hex != to_lower(hex) || hex.find_first_of("abcdef") == npos) {
        const bool unreserved = (v >= 'A' && v <= 'Z') || (v >= 'a' && v <= 'z') ||
                                (v >= '0' && v <= '9') || v == '-' || v == '.' || v == '_' ||
                                v == '~';
        if (unreserved) {
          f.fail_weak(
              "unreserved character '" + std::string(1, static_cast<char>(v)) + "' percent-encoded",
              r.first_event, r.line);
          break;
        }
        continue;
      }
      f.fail_weak("percent-encoding uses lower-case hex (%" + hex + ")", r.first_event, r.line);
      break;
    }
  }
}

}  // namespace ph::harness::rules::http
