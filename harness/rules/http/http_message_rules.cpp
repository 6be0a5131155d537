// Message syntax and framing: HTTP-CRLF, HTTP-NO-EXTRA-CRLF, HTTP-REQUEST-LINE,
// HTTP-TARGET-CHARS, HTTP-ORIGIN-FORM, HTTP-HOST, HTTP-NO-USERINFO, HTTP-BODY-FRAMED,
// HTTP-CL-EXACT. Header fields and transfer coding are in http_field_rules.cpp.

#include <algorithm>
#include <array>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "harness/rules/http/http_check.hpp"

namespace ph::harness::rules::http {

namespace {

constexpr std::size_t npos = std::string_view::npos;

constexpr std::array<std::string_view, 9> known_methods = {
    "GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"};

bool known_method(std::string_view m) {
  return std::find(known_methods.begin(), known_methods.end(), m) != known_methods.end();
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

bool is_hex(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// HTTP-version = "HTTP" "/" DIGIT "." DIGIT (RFC 9112 §2.3), case-sensitive.
bool valid_version(std::string_view v) {
  return v.size() == 8 && v.substr(0, 5) == "HTTP/" && is_digit(v[5]) && v[6] == '.' &&
         is_digit(v[7]);
}

// A line that looks like a request line at all (even a badly spelled one).
bool request_shaped(const request& r) {
  if (r.line_parts < 3) return false;
  const std::string up = [&] {
    std::string u(r.version);
    for (char& c : u)
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    return u;
  }();
  if (!valid_version(up)) return false;
  const std::string m = [&] {
    std::string u(r.method);
    for (char& c : u)
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    return u;
  }();
  if (known_method(m)) return true;
  // "loGET": the tail of a previous body glued to a real request line.
  for (std::string_view k : known_methods)
    if (m.size() > k.size() && m.compare(m.size() - k.size(), k.size(), k) == 0) return false;
  return is_token(r.method);
}

// Client bytes that follow a complete head without starting a request: body bytes the
// previous request's framing did not cover. Which framing failed decides the rule.
const request* leftover_after(const session& s, std::size_t i) {
  if (i == 0 || i >= s.requests.size()) return nullptr;
  const request& r = s.requests[i];
  const request& prev = s.requests[i - 1];
  if (!is_message(r) || !is_message(prev) || r.extra_crlf > 0 || !prev.head_complete ||
      !prev.complete)
    return nullptr;
  if (prev.frame != framing::none && prev.frame != framing::content_length) return nullptr;
  if (request_shaped(r)) return nullptr;
  return &prev;
}

std::string host_port_of(std::string_view authority, std::string& host) {
  // Returns the port text ("" when absent); `host` gets the host without brackets.
  if (!authority.empty() && authority.front() == '[') {
    const std::size_t close = authority.find(']');
    if (close == npos) {
      host = authority;
      return {};
    }
    host = authority.substr(1, close - 1);
    const std::string_view rest = authority.substr(close + 1);
    return rest.size() > 1 && rest.front() == ':' ? std::string(rest.substr(1)) : std::string();
  }
  const std::size_t colon = authority.rfind(':');
  if (colon == npos) {
    host = authority;
    return {};
  }
  host = authority.substr(0, colon);
  return std::string(authority.substr(colon + 1));
}

// The authority of an absolute URI ("scheme://authority/..."), npos-safe.
std::string_view authority_of(std::string_view uri, std::string_view* scheme = nullptr) {
  const std::size_t sep = uri.find("://");
  if (sep == npos) return {};
  if (scheme != nullptr) *scheme = uri.substr(0, sep);
  const std::string_view rest = uri.substr(sep + 3);
  return rest.substr(0, std::min(rest.find_first_of("/?#"), rest.size()));
}

bool absolute_form(std::string_view target) {
  const std::size_t sep = target.find("://");
  if (sep == npos || sep == 0) return false;
  return is_token(target.substr(0, sep)) && target.find('/') > sep;
}

}  // namespace

bool is_message(const request& r) {
  return !r.line.empty() || r.extra_crlf == 0;
}

int event_in(const session& s, const request& r, std::size_t offset) {
  const int e = s.client_event_at(offset);
  return e >= 0 ? e : r.first_event;
}

// --- checks ------------------------------------------------------------------------------

// RFC 9112 §2.2: lines end with CRLF; a bare CR is never sent outside the content.
void check_crlf(const session& s, const context&, findings& f) {
  for (const auto& r : s.requests) {
    if (!is_message(r)) continue;
    f.applied();
    for (const auto& d : r.defects) {
      f.fail(d.what + " in the request " + (d.offset < r.body_start ? "head" : "chunk framing"),
             event_in(s, r, d.offset), excerpt(s.client, r.start));
      break;
    }
  }
}

// RFC 9112 §2.2: no CRLF before a request or after its body.
void check_no_extra_crlf(const session& s, const context&, findings& f) {
  for (const auto& r : s.requests) {
    if (is_message(r)) f.applied();
    if (r.extra_crlf == 0) continue;
    f.fail(std::to_string(r.extra_crlf) + " octet(s) of empty line " +
               (r.extra_at == 0 ? "before the first request" : "between or after requests"),
           event_in(s, r, r.extra_at), excerpt(s.client, r.extra_at, 40));
  }
}

// RFC 9112 §3: method SP request-target SP HTTP-version CRLF; methods are case-sensitive.
void check_request_line(const session& s, const context&, findings& f) {
  for (std::size_t i = 0; i < s.requests.size(); ++i) {
    const request& r = s.requests[i];
    if (!is_message(r) || leftover_after(s, i) != nullptr) continue;
    f.applied();
    const int ev = r.first_event;
    if (r.line_parts != 3 && !(r.line_parts > 3 && valid_version(r.version))) {
      f.fail("request line is not method SP request-target SP HTTP-version", ev, r.line);
    } else if (!is_token(r.method)) {
      f.fail("method is not a token", ev, r.line);
    } else if (r.line.find("  ") != npos) {
      f.fail("request line separates its parts with more than one SP", ev, r.line);
    } else if (!valid_version(r.version)) {
      f.fail("HTTP-version \"" + r.version + "\" is not HTTP/DIGIT.DIGIT in upper case", ev,
             r.line);
    } else {
      std::string up(r.method);
      for (char& c : up)
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
      if (up != r.method && known_method(up))
        f.fail("standard method \"" + up + "\" sent as \"" + r.method + "\" (case-sensitive)", ev,
               r.line);
    }
  }
}

// RFC 9112 §3.2; RFC 3986 §2, §3.5: no whitespace, CTL, non-ASCII or fragment in the target.
void check_target_chars(const session& s, const context&, findings& f) {
  for (std::size_t i = 0; i < s.requests.size(); ++i) {
    const request& r = s.requests[i];
    if (!is_message(r) || r.line_parts < 3 || leftover_after(s, i) != nullptr) continue;
    f.applied();
    const std::string& t = r.target;
    for (std::size_t k = 0; k < t.size(); ++k) {
      const char c = t[k];
      const auto u = static_cast<unsigned char>(c);
      std::string why;
      if (c == ' ' || c == '\t') {
        why = "whitespace";
      } else if (u < 0x20 || u == 0x7F) {
        why = "a control character";
      } else if (u >= 0x80) {
        why = "a raw non-ASCII octet (percent-encode its UTF-8)";
      } else if (c == '#') {
        why = "a fragment (never sent)";
      } else if (c == '%') {
        if (k + 2 >= t.size() || !is_hex(t[k + 1]) || !is_hex(t[k + 2]))
          why = "a '%' not followed by two hex digits";
      } else if (std::string_view("\"<>\\^`{|}").find(c) != npos) {
        why = fmt::format("the character '{}' (not allowed unencoded in a URI)", c);
      } else if ((c == '[' || c == ']') && !absolute_form(t)) {
        why = fmt::format("the character '{}' outside an IP literal", c);
      }
      if (!why.empty()) {
        f.fail("request-target holds " + why, r.first_event, r.line);
        break;
      }
    }
  }
}

// RFC 9112 §3.2.1: to an origin server, absolute-path ["?" query]; empty path sent as "/".
void check_origin_form(const session& s, const context&, findings& f) {
  for (std::size_t i = 0; i < s.requests.size(); ++i) {
    const request& r = s.requests[i];
    if (!is_message(r) || r.line_parts < 3 || r.method == "CONNECT" ||
        leftover_after(s, i) != nullptr)
      continue;
    f.applied();
    if (r.method == "OPTIONS" && r.target == "*") continue;
    if (!r.target.empty() && r.target.front() == '/') continue;
    if (absolute_form(r.target)) {
      f.fail("absolute-form request-target sent to an origin server (no proxy in use)",
             r.first_event, r.line);
    } else {
      f.fail("request-target \"" + excerpt(r.target, 0, 40) +
                 "\" is not origin-form (absolute-path, \"/\" when empty)",
             r.first_event, r.line);
    }
  }
}

// RFC 9112 §3.2; RFC 9110 §7.2: exactly one Host, the target's authority without userinfo,
// IPv6 in brackets; SHOULD be the first field.
void check_host(const session& s, const context&, findings& f) {
  for (const auto& r : s.requests) {
    if (!is_message(r) || !r.head_complete || r.line_parts < 3) continue;
    f.applied();
    const auto hosts = r.all("host");
    if (hosts.empty()) {
      if (r.version != "HTTP/1.0") f.fail("request has no Host field", r.first_event, r.line);
      continue;
    }
    const int ev = event_in(s, r, hosts.front()->offset);
    if (hosts.size() > 1) {
      f.fail("request has " + std::to_string(hosts.size()) + " Host fields",
             event_in(s, r, hosts[1]->offset), hosts[1]->raw);
      continue;
    }
    const std::string& v = hosts.front()->value;
    if (v.find('@') != npos) {
      f.fail("Host carries userinfo", ev, hosts.front()->raw);
      continue;
    }
    if (v.find_first_of(" \t/") != npos) {
      f.fail("Host is not uri-host [\":\" port]", ev, hosts.front()->raw);
      continue;
    }
    if (v.front() != '[' && std::count(v.begin(), v.end(), ':') > 1) {
      f.fail("IPv6 literal in Host is not bracketed", ev, hosts.front()->raw);
      continue;
    }
    std::string host;
    const std::string port = host_port_of(v, host);
    if (!port.empty() && (!std::all_of(port.begin(), port.end(), is_digit) || port.size() > 5)) {
      f.fail("Host port is not digits", ev, hosts.front()->raw);
      continue;
    }
    if (absolute_form(r.target) && !iequals(authority_of(r.target), v)) {
      f.fail("Host differs from the absolute-form target's authority", ev, hosts.front()->raw);
      continue;
    }
    // The client reached this server on server_port: a Host whose port (explicit or the
    // scheme's default) differs names another authority, e.g. a dropped non-default port.
    if (s.server_port && !absolute_form(r.target)) {
      const unsigned effective =
          port.empty() ? (s.tls ? 443u : 80u) : static_cast<unsigned>(std::stoul(port));
      if (effective != *s.server_port) {
        f.fail("Host names port " + std::to_string(effective) + " but the request went to port " +
                   std::to_string(*s.server_port),
               ev, hosts.front()->raw);
        continue;
      }
    }
    if (&r.fields.front() != hosts.front())
      f.fail_weak("Host is not the first field of the request", ev, hosts.front()->raw);
  }
}

// RFC 9110 §4.2.4: no userinfo in the request-target, Host, Referer or other URI fields.
void check_no_userinfo(const session& s, const context&, findings& f) {
  for (const auto& r : s.requests) {
    if (!is_message(r) || r.line_parts < 3) continue;
    f.applied();
    if (absolute_form(r.target) && authority_of(r.target).find('@') != npos)
      f.fail("request-target carries userinfo", r.first_event, r.line);
    for (const auto& fl : r.fields) {
      const std::string n = lower(fl.name);
      bool bad = false;
      if (n == "host") bad = fl.value.find('@') != npos;
      if (n == "referer" || n == "origin" || n == "content-location")
        bad = authority_of(fl.value).find('@') != npos;
      if (bad) f.fail(fl.name + " carries userinfo", event_in(s, r, fl.offset), fl.raw);
    }
  }
}

// RFC 9112 §6.3; RFC 9110 §8.6: content is framed by Content-Length or chunked; SHOULD send
// Content-Length: 0 for an empty POST/PUT/PATCH and no Content-Length on GET/HEAD.
void check_body_framed(const session& s, const context&, findings& f) {
  for (std::size_t i = 0; i < s.requests.size(); ++i) {
    const request& r = s.requests[i];
    if (!is_message(r)) continue;
    if (const request* prev = leftover_after(s, i); prev != nullptr && prev->frame == framing::none)
      f.fail(prev->method + " sent body bytes with neither Content-Length nor Transfer-Encoding",
             r.first_event, r.line);
    if (!r.head_complete) continue;
    f.applied();
    if (r.frame == framing::none &&
        (r.method == "POST" || r.method == "PUT" || r.method == "PATCH")) {
      f.fail_weak(r.method + " without content sent no Content-Length: 0", r.first_event, r.line);
    } else if ((r.method == "GET" || r.method == "HEAD") && r.frame == framing::content_length &&
               r.content_length == 0u) {
      const field* cl = r.get("content-length");
      f.fail_weak(r.method + " carries Content-Length: 0 although it expects no content",
                  event_in(s, r, cl->offset), cl->raw);
    }
  }
}

// RFC 9110 §8.6: Content-Length is 1*DIGIT and equals the octets sent.
void check_cl_exact(const session& s, const context&, findings& f) {
  for (std::size_t i = 0; i < s.requests.size(); ++i) {
    const request& r = s.requests[i];
    if (!is_message(r)) continue;
    if (const request* prev = leftover_after(s, i);
        prev != nullptr && prev->frame == framing::content_length)
      f.fail("more body octets follow than Content-Length: " +
                 std::to_string(*prev->content_length) + " announced",
             r.first_event, r.line);
    if (!r.head_complete) continue;
    const auto cls = r.all("content-length");
    if (cls.empty()) continue;
    f.applied();
    if (r.frame == framing::bad_length) {
      f.fail("Content-Length is not a single 1*DIGIT value", event_in(s, r, cls.front()->offset),
             cls.front()->raw);
      continue;
    }
    for (const field* cl : cls)
      if (!std::all_of(cl->value.begin(), cl->value.end(), is_digit))
        f.fail("Content-Length is not 1*DIGIT", event_in(s, r, cl->offset), cl->raw);
    if (r.frame != framing::content_length || r.complete) continue;
    // The body stopped short. Not the client's fault when the server answered early (an
    // early final response, RFC 9112 §9.5) or when it waits for 100-continue.
    const response* resp = s.response_to(r);
    const bool early = resp != nullptr && resp->first_event < r.last_event;
    const bool waiting = r.has_token("expect", "100-continue") && r.body_received == 0;
    const bool judged_short =
        s.client_closed_first || resp == nullptr || (resp->code == 400 || resp->code == 408);
    if (!early && !waiting && judged_short && (s.end_event >= 0 || resp != nullptr))
      f.fail("Content-Length: " + std::to_string(*r.content_length) + " but only " +
                 std::to_string(r.body_received) + " body octets were sent",
             event_in(s, r, r.get("content-length")->offset), r.get("content-length")->raw);
  }
}

}  // namespace ph::harness::rules::http
