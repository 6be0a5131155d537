#include "clients/url/url.hpp"

#include <charconv>

#include "clients/codec/ascii.hpp"

namespace ph::clients::url {
namespace {

bool is_alpha(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_digit(char c) noexcept {
  return c >= '0' && c <= '9';
}
bool is_hex(char c) noexcept {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
int hex_value(char c) noexcept {
  if (is_digit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}
// RFC 3986 §2.3
bool is_unreserved(char c) noexcept {
  return is_alpha(c) || is_digit(c) || c == '-' || c == '.' || c == '_' || c == '~';
}
// RFC 3986 §2.2
bool is_sub_delim(char c) noexcept {
  return std::string_view("!$&'()*+,;=").find(c) != std::string_view::npos;
}
using codec::lower;

std::string quoted(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) {
      static constexpr char digits[] = "0123456789ABCDEF";
      out += "\\x";
      out += digits[u >> 4];
      out += digits[u & 0xf];
    } else {
      out += c;
    }
  }
  return out + "\"";
}

[[noreturn]] void fail(std::string_view what, std::string_view text) {
  throw invalid_url(std::string(what) + " in URL " + quoted(text));
}

void check_controls(std::string_view text) {
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) fail("control character", text);
  }
}

// The five components of RFC 3986 Appendix B, each with whether it is defined (§5.2 and §5.3
// tell an empty query from an absent one).
struct components {
  std::string_view scheme, authority, path, query, fragment;
  bool has_scheme = false, has_authority = false, has_query = false, has_fragment = false;
};

components split(std::string_view s) {
  components c;
  // RFC 3986 §3.1: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ), then ":".
  if (!s.empty() && is_alpha(s[0])) {
    std::size_t i = 1;
    while (i < s.size() &&
           (is_alpha(s[i]) || is_digit(s[i]) || s[i] == '+' || s[i] == '-' || s[i] == '.'))
      ++i;
    if (i < s.size() && s[i] == ':') {
      c.scheme = s.substr(0, i);
      c.has_scheme = true;
      s.remove_prefix(i + 1);
    }
  }
  if (s.starts_with("//")) {
    s.remove_prefix(2);
    const std::size_t end = s.find_first_of("/?#");
    c.authority = s.substr(0, end);
    c.has_authority = true;
    s.remove_prefix(end == std::string_view::npos ? s.size() : end);
  }
  const std::size_t hash = s.find('#');
  if (hash != std::string_view::npos) {
    c.fragment = s.substr(hash + 1);
    c.has_fragment = true;
    s = s.substr(0, hash);
  }
  const std::size_t question = s.find('?');
  if (question != std::string_view::npos) {
    c.query = s.substr(question + 1);
    c.has_query = true;
    s = s.substr(0, question);
  }
  c.path = s;
  return c;
}

// RFC 3986 §5.3
std::string recompose(const components& c, std::string_view path) {
  std::string out;
  if (c.has_scheme) out.append(c.scheme).append(":");
  if (c.has_authority) out.append("//").append(c.authority);
  out.append(path);
  if (c.has_query) out.append("?").append(c.query);
  if (c.has_fragment) out.append("#").append(c.fragment);
  return out;
}

// RFC 3986 §3.2.2: dec-octet, no leading zeros.
bool valid_ipv4(std::string_view s) {
  int octets = 0;
  while (true) {
    const std::size_t dot = s.find('.');
    const std::string_view part = s.substr(0, dot);
    if (part.empty() || part.size() > 3 || (part.size() > 1 && part[0] == '0')) return false;
    int value = 0;
    for (const char c : part) {
      if (!is_digit(c)) return false;
      value = value * 10 + (c - '0');
    }
    if (value > 255) return false;
    ++octets;
    if (dot == std::string_view::npos) break;
    s.remove_prefix(dot + 1);
  }
  return octets == 4;
}

// Counts the 16-bit pieces of a ":"-separated run of h16 (a trailing IPv4address counts two).
bool count_pieces(std::string_view s, bool allow_ipv4, int& count) {
  count = 0;
  if (s.empty()) return true;
  while (true) {
    const std::size_t colon = s.find(':');
    const std::string_view part = s.substr(0, colon);
    if (colon == std::string_view::npos && allow_ipv4 && part.find('.') != std::string_view::npos) {
      if (!valid_ipv4(part)) return false;
      count += 2;
      return true;
    }
    if (part.empty() || part.size() > 4) return false;
    for (const char c : part)
      if (!is_hex(c)) return false;
    ++count;
    if (colon == std::string_view::npos) return true;
    s.remove_prefix(colon + 1);
  }
}

// RFC 3986 §3.2.2 IPv6address.
bool valid_ipv6(std::string_view s) {
  const std::size_t gap = s.find("::");
  int left = 0;
  int right = 0;
  if (gap == std::string_view::npos) return count_pieces(s, true, left) && left == 8;
  if (s.find("::", gap + 1) != std::string_view::npos) return false;
  return count_pieces(s.substr(0, gap), false, left) &&
         count_pieces(s.substr(gap + 2), true, right) && left + right <= 7;
}

// RFC 3986 §3.2.2 IP-literal content: IPv6address [ "%25" ZoneID ] (RFC 6874) / IPvFuture.
bool valid_ip_literal(std::string_view s) {
  if (!s.empty() && (s[0] == 'v' || s[0] == 'V')) {
    std::size_t i = 1;
    while (i < s.size() && is_hex(s[i]))
      ++i;
    if (i == 1 || i >= s.size() || s[i] != '.' || i + 1 == s.size()) return false;
    for (++i; i < s.size(); ++i)
      if (!is_unreserved(s[i]) && !is_sub_delim(s[i]) && s[i] != ':') return false;
    return true;
  }
  const std::size_t zone = s.find('%');
  if (zone != std::string_view::npos) {
    const std::string_view id = s.substr(zone);
    if (!id.starts_with("%25") || id.size() == 3) return false;
    for (std::size_t i = 3; i < id.size(); ++i) {
      if (id[i] == '%') {
        if (i + 2 >= id.size() || !is_hex(id[i + 1]) || !is_hex(id[i + 2])) return false;
        i += 2;
      } else if (!is_unreserved(id[i])) {
        return false;
      }
    }
    s = s.substr(0, zone);
  }
  return valid_ipv6(s);
}

// RFC 3986 §3.2.2 reg-name (and IPv4address, a subset of it); bytes >= 0x80 tolerated.
bool valid_reg_name(std::string_view s) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '%') {
      if (i + 2 >= s.size() || !is_hex(s[i + 1]) || !is_hex(s[i + 2])) return false;
      i += 2;
    } else if (!is_unreserved(c) && !is_sub_delim(c) && static_cast<unsigned char>(c) < 0x80) {
      return false;
    }
  }
  return true;
}

std::optional<std::uint16_t> parse_port(std::string_view port, std::string_view text) {
  // RFC 3986 §3.2.3: port = *DIGIT; an empty port is the same as none.
  if (port.empty()) return std::nullopt;
  for (const char c : port)
    if (!is_digit(c)) fail("invalid port " + quoted(port), text);
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (ec != std::errc{} || value > 65535) fail("port out of range " + quoted(port), text);
  return static_cast<std::uint16_t>(value);
}

}  // namespace

url parse(std::string_view text) {
  check_controls(text);
  const components c = split(text);
  url out;
  out.scheme = lower(c.scheme);
  out.path = c.path;
  out.query = c.query;
  out.fragment = c.fragment;
  out.has_authority = c.has_authority;
  if (!c.has_authority) return out;

  std::string_view hostport = c.authority;
  // The last "@", as urlsplit: an unencoded "@" in the userinfo is tolerated.
  const std::size_t at = hostport.rfind('@');
  if (at != std::string_view::npos) {
    const std::string_view userinfo = hostport.substr(0, at);
    const std::size_t colon = userinfo.find(':');
    out.username = userinfo.substr(0, colon);
    if (colon != std::string_view::npos) out.password = userinfo.substr(colon + 1);
    hostport.remove_prefix(at + 1);
  }
  std::string_view port;
  if (hostport.starts_with('[')) {
    const std::size_t close = hostport.find(']');
    if (close == std::string_view::npos) fail("unterminated IPv6 literal", text);
    const std::string_view literal = hostport.substr(1, close - 1);
    if (!valid_ip_literal(literal)) fail("invalid IPv6 literal " + quoted(literal), text);
    out.host = lower(literal);
    const std::string_view rest = hostport.substr(close + 1);
    if (!rest.empty() && rest[0] != ':') fail("junk after IPv6 literal", text);
    if (!rest.empty()) port = rest.substr(1);
  } else {
    const std::size_t colon = hostport.find(':');
    const std::string_view host = hostport.substr(0, colon);
    if (host.find_first_of("[]") != std::string_view::npos)
      fail("invalid IPv6 literal " + quoted(host), text);
    if (!valid_reg_name(host)) fail("invalid host " + quoted(host), text);
    out.host = lower(host);
    if (colon != std::string_view::npos) port = hostport.substr(colon + 1);
  }
  out.port = parse_port(port, text);
  return out;
}

std::string url::authority() const {
  std::string out = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  if (port) out += ":" + std::to_string(*port);
  return out;
}

std::string url::netloc() const {
  std::string out;
  if (!username.empty() || !password.empty()) {
    out = username;
    if (!password.empty()) out += ":" + password;
    out += "@";
  }
  return out + authority();
}

std::uint16_t url::effective_port() const {
  if (port) return *port;
  if (scheme == "http" || scheme == "ws") return 80;
  if (scheme == "https" || scheme == "wss") return 443;
  if (scheme == "ftp") return 21;
  return 0;
}

std::string url::origin_form() const {
  std::string out = path.empty() ? "/" : path;
  if (!query.empty()) out += "?" + query;
  return out;
}

std::string url::str() const {
  std::string out;
  if (!scheme.empty()) out += scheme + ":";
  if (has_authority || !host.empty()) {
    out += "//" + netloc();
    if (!path.empty() && path[0] != '/') out += "/";
  }
  out += path;
  if (!query.empty()) out += "?" + query;
  if (!fragment.empty()) out += "#" + fragment;
  return out;
}

std::string remove_dot_segments(std::string_view in) {
  // RFC 3986 §5.2.4, steps A to E on an input buffer consumed from the left.
  std::string out;
  const auto drop_last_segment = [&out] {
    const std::size_t slash = out.rfind('/');
    out.erase(slash == std::string::npos ? 0 : slash);
  };
  while (!in.empty()) {
    if (in.starts_with("../")) {
      in.remove_prefix(3);
    } else if (in.starts_with("./")) {
      in.remove_prefix(2);
    } else if (in.starts_with("/./")) {
      in.remove_prefix(2);
    } else if (in == "/.") {
      out += "/";
      in = {};
    } else if (in.starts_with("/../")) {
      in.remove_prefix(3);
      drop_last_segment();
    } else if (in == "/..") {
      drop_last_segment();
      out += "/";
      in = {};
    } else if (in == "." || in == "..") {
      in = {};
    } else {
      const std::size_t next = in.find('/', 1);
      const std::size_t n = next == std::string_view::npos ? in.size() : next;
      out.append(in.substr(0, n));
      in.remove_prefix(n);
    }
  }
  return out;
}

std::string join(std::string_view base, std::string_view reference) {
  check_controls(base);
  check_controls(reference);
  const components b = split(base);
  const components r = split(reference);
  // RFC 3986 §5.2.2, the strict parser: a scheme in the reference is never ignored.
  components t;
  std::string path;
  if (r.has_scheme) {
    t = r;
    path = remove_dot_segments(r.path);
  } else {
    if (r.has_authority) {
      t.authority = r.authority;
      t.has_authority = true;
      path = remove_dot_segments(r.path);
      t.query = r.query;
      t.has_query = r.has_query;
    } else {
      if (r.path.empty()) {
        path = b.path;
        t.query = r.has_query ? r.query : b.query;
        t.has_query = r.has_query || b.has_query;
      } else {
        if (r.path.starts_with('/')) {
          path = remove_dot_segments(r.path);
        } else {
          // RFC 3986 §5.2.3 merge
          std::string merged;
          if (b.has_authority && b.path.empty()) {
            merged = "/" + std::string(r.path);
          } else {
            const std::size_t slash = b.path.rfind('/');
            if (slash != std::string_view::npos) merged = b.path.substr(0, slash + 1);
            merged += r.path;
          }
          path = remove_dot_segments(merged);
        }
        t.query = r.query;
        t.has_query = r.has_query;
      }
      t.authority = b.authority;
      t.has_authority = b.has_authority;
    }
    t.scheme = b.scheme;
    t.has_scheme = b.has_scheme;
  }
  t.fragment = r.fragment;
  t.has_fragment = r.has_fragment;
  return recompose(t, path);
}

std::string quote(std::string_view s, std::string_view safe) {
  static constexpr char digits[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (is_unreserved(c) || (u < 0x80 && safe.find(c) != std::string_view::npos)) {
      out += c;
    } else {
      out += '%';
      out += digits[u >> 4];
      out += digits[u & 0xf];
    }
  }
  return out;
}

std::string quote_plus(std::string_view s, std::string_view safe) {
  if (s.find(' ') == std::string_view::npos) return quote(s, safe);
  std::string out;
  std::size_t start = 0;
  while (true) {
    const std::size_t space = s.find(' ', start);
    out += quote(s.substr(start, space - start), safe);
    if (space == std::string_view::npos) return out;
    out += '+';
    start = space + 1;
  }
}

std::string unquote(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && is_hex(s[i + 1]) && is_hex(s[i + 2])) {
      out += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::string unquote_plus(std::string_view s) {
  std::string spaced(s);
  for (char& c : spaced)
    if (c == '+') c = ' ';
  return unquote(spaced);
}

std::string urlencode(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string out;
  for (const auto& [name, value] : fields) {
    if (!out.empty()) out += '&';
    out += quote_plus(name) + "=" + quote_plus(value);
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> parse_qsl(std::string_view query) {
  return parse_qsl(query, false);
}

std::vector<std::pair<std::string, std::string>> parse_qsl(std::string_view query,
                                                           bool keep_blank_values) {
  std::vector<std::pair<std::string, std::string>> out;
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view field = query.substr(0, amp);
    query.remove_prefix(amp == std::string_view::npos ? query.size() : amp + 1);
    if (field.empty()) continue;
    const std::size_t eq = field.find('=');
    const std::string_view name = field.substr(0, eq);
    const std::string_view value =
        eq == std::string_view::npos ? std::string_view{} : field.substr(eq + 1);
    if (value.empty() && !keep_blank_values) continue;
    out.emplace_back(unquote_plus(name), unquote_plus(value));
  }
  return out;
}

}  // namespace ph::clients::url
