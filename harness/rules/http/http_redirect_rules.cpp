// Redirects: HTTP-REDIRECT-METHOD, HTTP-REDIRECT-HEADERS.

#include <algorithm>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "harness/rules/http/http_check.hpp"

namespace ph::harness::rules::http {

namespace {

constexpr std::size_t npos = std::string_view::npos;

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

}  // namespace

// RFC 9110 §15.4.8, §15.4.9: 307/308 keep method and content; §15.4.4: 303 becomes GET/HEAD.
void check_redirect_method(const session& s, const context&, findings& f) {
  for (const redirect& d : redirects(s)) {
    if (d.next < 0) continue;  // not followed on this connection: not decidable here
    f.applied();
    const request& r = s.requests[d.request];
    const request& n = s.requests[static_cast<std::size_t>(d.next)];
    if (d.code == 307 || d.code == 308) {
      if (n.method != r.method)
        f.fail(fmt::format("{} followed with {} instead of {}", d.code, n.method, r.method),
               n.first_event, n.line);
      else if (n.body != r.body)
        f.fail(fmt::format("{} followed without the original content", d.code), n.first_event,
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

}  // namespace ph::harness::rules::http
