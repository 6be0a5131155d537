// Cookies: HTTP-COOKIE-HEADER, HTTP-COOKIE-SCOPE.

#include <algorithm>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "harness/rules/http/http_check.hpp"

namespace ph::harness::rules::http {

namespace {

constexpr std::size_t npos = std::string_view::npos;

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
  host = lower(host);
  domain = lower(domain);
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
    const std::string key = lower(trim(av.substr(0, std::min(e, av.size()))));
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

}  // namespace

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

}  // namespace ph::harness::rules::http
