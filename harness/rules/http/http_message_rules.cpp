// Message syntax and framing: HTTP-CRLF, HTTP-NO-EXTRA-CRLF, HTTP-REQUEST-LINE,
// HTTP-TARGET-CHARS, HTTP-ORIGIN-FORM, HTTP-HOST, HTTP-NO-USERINFO, HTTP-FIELD-SYNTAX,
// HTTP-DUP-FIELDS, HTTP-CL-TE, HTTP-BODY-FRAMED, HTTP-CL-EXACT, HTTP-CHUNKED, HTTP-TE-CONN,
// HTTP-DATE.

#include <algorithm>
#include <array>
#include <string>
#include <string_view>

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

bool singleton(std::string_view lower) {
  static constexpr std::array<std::string_view, 16> names = {"host",
                                                             "content-length",
                                                             "content-type",
                                                             "authorization",
                                                             "proxy-authorization",
                                                             "referer",
                                                             "user-agent",
                                                             "from",
                                                             "if-modified-since",
                                                             "if-unmodified-since",
                                                             "if-range",
                                                             "max-forwards",
                                                             "range",
                                                             "date",
                                                             "origin",
                                                             "content-location"};
  return std::find(names.begin(), names.end(), lower) != names.end();
}

// Fields whose value is a list (RFC 9110 §5.6.1): empty members are not allowed there.
bool list_field(std::string_view lower) {
  static constexpr std::array<std::string_view, 13> names = {"accept",          "accept-charset",
                                                             "accept-encoding", "accept-language",
                                                             "cache-control",   "connection",
                                                             "expect",          "if-match",
                                                             "if-none-match",   "te",
                                                             "trailer",         "transfer-encoding",
                                                             "upgrade"};
  return std::find(names.begin(), names.end(), lower) != names.end();
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

// RFC 9110 §5.6.7: IMF-fixdate = day-name "," SP date1 SP time-of-day SP GMT.
bool imf_fixdate(std::string_view v) {
  static constexpr std::array<std::string_view, 7> days = {"Sun", "Mon", "Tue", "Wed",
                                                           "Thu", "Fri", "Sat"};
  static constexpr std::array<std::string_view, 12> months = {
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  if (v.size() != 29 || v.substr(3, 2) != ", " || v[7] != ' ' || v[11] != ' ' || v[16] != ' ' ||
      v[19] != ':' || v[22] != ':' || v.substr(25) != " GMT")
    return false;
  const auto day = std::find(days.begin(), days.end(), v.substr(0, 3));
  const auto month = std::find(months.begin(), months.end(), v.substr(8, 3));
  if (day == days.end() || month == months.end()) return false;
  for (std::size_t i : {5, 6, 12, 13, 14, 15, 17, 18, 20, 21, 23, 24})
    if (!is_digit(v[i])) return false;
  auto num = [&](std::size_t at, std::size_t n) { return std::stoi(std::string(v.substr(at, n))); };
  const int d = num(5, 2);
  const int m = static_cast<int>(month - months.begin()) + 1;
  const int y = num(12, 4);
  if (d < 1 || d > 31 || num(17, 2) > 23 || num(20, 2) > 59 || num(23, 2) > 60) return false;
  // The day name must be the date's (days_from_civil, 1970-01-01 was a Thursday).
  const int yy = m <= 2 ? y - 1 : y;
  const int era = (yy >= 0 ? yy : yy - 399) / 400;
  const int yoe = yy - era * 400;
  const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  const long days_since = static_cast<long>(era) * 146097 + doe - 719468;
  const long wd = ((days_since % 7) + 7 + 4) % 7;  // 0 = Sunday
  return wd == day - days.begin();
}

}  // namespace

// --- findings ----------------------------------------------------------------------------

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
        why = std::string("the character '") + c + "' (not allowed unencoded in a URI)";
      } else if ((c == '[' || c == ']') && !absolute_form(t)) {
        why = std::string("the character '") + c + "' outside an IP literal";
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
      const std::string n = to_lower(fl.name);
      bool bad = false;
      if (n == "host") bad = fl.value.find('@') != npos;
      if (n == "referer" || n == "origin" || n == "content-location")
        bad = authority_of(fl.value).find('@') != npos;
      if (bad) f.fail(fl.name + " carries userinfo", event_in(s, r, fl.offset), fl.raw);
    }
  }
}

// RFC 9112 §5.1, §5.2; RFC 9110 §5.1, §5.5, §5.6.1.1: token ":" OWS value OWS; no
// whitespace before the colon or at the start of the first field line; no obs-fold; values
// free of CR, LF, NUL and other controls but HTAB; no empty list members.
void check_field_syntax(const session& s, const context&, findings& f) {
  for (const auto& r : s.requests) {
    if (!is_message(r)) continue;
    auto check = [&](const std::vector<field>& fields, const char* where) {
      for (std::size_t k = 0; k < fields.size(); ++k) {
        const field& fl = fields[k];
        const int ev = event_in(s, r, fl.offset);
        f.applied();
        if (!fl.has_colon) {
          if (k + 1 == fields.size() && !r.head_complete) continue;  // cut off by the end
          f.fail(std::string("a ") + where + " line without a colon", ev, fl.raw);
        } else if (!fl.name.empty() && (fl.name.front() == ' ' || fl.name.front() == '\t')) {
          f.fail("whitespace-led line right after the request line", ev, fl.raw);
        } else if (!is_token(fl.name)) {
          f.fail("field name \"" + fl.name + "\" is not a token" +
                     (fl.name.find_first_of(" \t") != npos ? " (whitespace before the colon)" : ""),
                 ev, fl.raw);
        } else if (fl.folded) {
          f.fail("field " + fl.name + " uses obs-fold (line folding)", ev, fl.raw);
        } else {
          for (char c : fl.value) {
            const auto u = static_cast<unsigned char>(c);
            if ((u < 0x20 && c != '\t') || u == 0x7F) {
              f.fail("value of " + fl.name + " holds a control character (CR, LF, NUL, ...)", ev,
                     fl.raw);
              break;
            }
          }
          if (list_field(to_lower(fl.name))) {
            const std::string& v = fl.value;
            std::size_t pos = 0;
            while (pos <= v.size()) {
              const std::size_t comma = std::min(v.find(',', pos), v.size());
              if (trim(std::string_view(v).substr(pos, comma - pos)).empty()) {
                f.fail("list field " + fl.name + " has an empty member", ev, fl.raw);
                break;
              }
              pos = comma + 1;
            }
          }
        }
      }
    };
    check(r.fields, "field");
    check(r.trailers, "trailer field");
  }
}

// RFC 9110 §5.3: a field name repeats only when the field is a list.
void check_dup_fields(const session& s, const context&, findings& f) {
  for (const auto& r : s.requests) {
    if (!is_message(r) || !r.head_complete) continue;
    f.applied();
    for (std::size_t k = 0; k < r.fields.size(); ++k) {
      const std::string n = to_lower(r.fields[k].name);
      if (!singleton(n)) continue;
      for (std::size_t j = 0; j < k; ++j) {
        if (to_lower(r.fields[j].name) == n) {
          f.fail(r.fields[k].name + " sent more than once (not a list field)",
                 event_in(s, r, r.fields[k].offset), r.fields[k].raw);
          break;
        }
      }
    }
  }
}

// RFC 9112 §6.2: never Content-Length together with Transfer-Encoding.
void check_cl_te(const session& s, const context&, findings& f) {
  for (const auto& r : s.requests) {
    if (!is_message(r) || !r.head_complete) continue;
    f.applied();
    const field* te = r.get("transfer-encoding");
    const field* cl = r.get("content-length");
    if (te != nullptr && cl != nullptr)
      f.fail("request carries both Content-Length and Transfer-Encoding",
             event_in(s, r, std::max(te->offset, cl->offset)), cl->raw + " / " + te->raw);
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

// RFC 9112 §6.1, §7.1, §7.1.2; RFC 9110 §6.5.1: chunked once and last, valid framing, no
// framing/routing/auth fields in the trailer, only to HTTP/1.1.
void check_chunked(const session& s, const context&, findings& f) {
  static constexpr std::array<std::string_view, 17> no_trailer = {"content-length",
                                                                  "transfer-encoding",
                                                                  "host",
                                                                  "content-type",
                                                                  "content-encoding",
                                                                  "content-range",
                                                                  "trailer",
                                                                  "authorization",
                                                                  "proxy-authorization",
                                                                  "cookie",
                                                                  "cache-control",
                                                                  "expect",
                                                                  "max-forwards",
                                                                  "pragma",
                                                                  "range",
                                                                  "te",
                                                                  "set-cookie"};
  for (const auto& r : s.requests) {
    if (!is_message(r) || !r.head_complete) continue;
    const auto tes = r.all("transfer-encoding");
    if (tes.empty()) continue;
    f.applied();
    const int ev = event_in(s, r, tes.front()->offset);
    const auto codings = r.tokens("transfer-encoding");
    const auto n = std::count(codings.begin(), codings.end(), "chunked");
    if (n == 0 || codings.back() != "chunked") {
      f.fail("Transfer-Encoding does not end with chunked", ev, tes.front()->raw);
      continue;
    }
    if (n > 1) {
      f.fail("chunked applied more than once", ev, tes.front()->raw);
      continue;
    }
    if (r.version == "HTTP/1.0") {
      f.fail("chunked sent in an HTTP/1.0 request", ev, tes.front()->raw);
      continue;
    }
    if (!r.chunk_error.empty()) {
      f.fail(r.chunk_error, event_in(s, r, r.chunk_error_at),
             excerpt(s.client, r.chunk_error_at, 40));
      continue;
    }
    if (!r.complete && (s.client_closed_first || s.end_event >= 0) && s.response_to(r) == nullptr) {
      f.fail("chunked body never ended with the last chunk and the final CRLF", r.last_event,
             excerpt(s.client, r.body_start, 60));
      continue;
    }
    for (const auto& t : r.trailers) {
      const std::string n2 = to_lower(t.name);
      if (std::find(no_trailer.begin(), no_trailer.end(), n2) != no_trailer.end()) {
        f.fail(t.name + " is not allowed in a trailer section", event_in(s, r, t.offset), t.raw);
        break;
      }
    }
  }
}

// RFC 9112 §7.4; RFC 9110 §7.6.1, §7.8: TE never lists chunked; TE and Upgrade are named in
// Connection; end-to-end fields are never connection options.
void check_te_conn(const session& s, const context&, findings& f) {
  static constexpr std::array<std::string_view, 9> end_to_end = {
      "cache-control", "content-length",   "content-type", "host",      "authorization",
      "cookie",        "content-encoding", "accept",       "user-agent"};
  for (const auto& r : s.requests) {
    if (!is_message(r) || !r.head_complete) continue;
    const field* te = r.get("te");
    const field* up = r.get("upgrade");
    const field* conn = r.get("connection");
    if (te == nullptr && up == nullptr && conn == nullptr) continue;
    f.applied();
    if (te != nullptr && r.has_token("te", "chunked"))
      f.fail("TE lists chunked", event_in(s, r, te->offset), te->raw);
    if (te != nullptr && !r.has_token("connection", "te"))
      f.fail("TE sent without Connection: TE", event_in(s, r, te->offset), te->raw);
    if (up != nullptr && !r.has_token("connection", "upgrade"))
      f.fail("Upgrade sent without Connection: Upgrade", event_in(s, r, up->offset), up->raw);
    for (const std::string& o : r.tokens("connection"))
      if (std::find(end_to_end.begin(), end_to_end.end(), o) != end_to_end.end()) {
        f.fail("Connection lists the end-to-end field " + o, event_in(s, r, conn->offset),
               conn->raw);
        break;
      }
  }
}

// RFC 9110 §5.6.7: client-generated dates are IMF-fixdate.
void check_date(const session& s, const context&, findings& f) {
  for (const auto& r : s.requests) {
    if (!is_message(r)) continue;
    for (const auto& fl : r.fields) {
      const std::string n = to_lower(fl.name);
      if (n != "date" && n != "if-modified-since" && n != "if-unmodified-since" && n != "if-range")
        continue;
      if (n == "if-range" && (fl.value.starts_with("\"") || fl.value.starts_with("W/"))) continue;
      f.applied();
      if (!imf_fixdate(fl.value))
        f.fail(fl.name + " is not an IMF-fixdate (\"Sun, 06 Nov 1994 08:49:37 GMT\")",
               event_in(s, r, fl.offset), fl.raw);
    }
  }
}

}  // namespace ph::harness::rules::http
