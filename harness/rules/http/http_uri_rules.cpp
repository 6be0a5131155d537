// URI encoding: HTTP-URI-ENCODING, and the target and Host helpers the redirect and cookie
// rules share.

#include <algorithm>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "harness/rules/http/http_check.hpp"

namespace ph::harness::rules::http {

namespace {

constexpr std::size_t npos = std::string_view::npos;

bool is_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

}  // namespace

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

std::string host_of(const request& r) {
  const field* h = r.get("host");
  return h == nullptr ? std::string() : lower(h->value);
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
      if (hex != lower(hex) || hex.find_first_of("abcdef") == npos) {
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
