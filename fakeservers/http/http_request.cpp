#include "fakeservers/http/http_request.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "fakeservers/engine/script.hpp"

namespace ph::fakeservers::http {

std::string_view trim_ows(std::string_view v) {
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t'))
    v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t'))
    v.remove_suffix(1);
  return v;
}

bool is_token(std::string_view s) {
  static constexpr std::string_view extra = "!#$%&'*+-.^_`|~";
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || extra.find(c) != std::string_view::npos;
  });
}

namespace {

constexpr std::size_t max_head_lines = 200;

// RFC 9110 §15.5.15: a request line past the line limit (its target, in practice) gets 414;
// field lines get the dialect's 431.
constexpr std::string_view uri_too_long =
    "HTTP/1.1 414 URI Too Long\r\nContent-Length: 0\r\nConnection: close\r\n";

}  // namespace

awaitable<std::optional<std::string>> read_head(session& s, bool with_request_line) {
  std::string head;
  bool first = with_request_line;
  for (std::size_t n = 0; n < max_head_lines; ++n) {
    std::string_view too_long;  // empty: the dialect's reply
    if (first) too_long = uri_too_long;
    auto line = co_await s.read_line(too_long);
    if (!line) co_return std::nullopt;
    head += *line;
    bool empty = *line == "\r\n" || *line == "\n";
    if (first) {
      if (!empty) first = false;  // RFC 9112 §2.2: empty lines before the request line
      continue;
    }
    if (empty) co_return head;
    if (!line->ends_with('\n')) co_return std::nullopt;  // EOF in the middle of a line
  }
  co_return head;  // too many lines: parse_head reports it
}

// Reads a chunked body raw, through the trailer section's empty line (RFC 9112 §7.1).
// A malformed chunk-size line ends the read: the bytes so far are returned.
awaitable<std::optional<std::string>> read_chunked(session& s) {
  std::string raw;
  while (true) {
    auto line = co_await s.read_line();
    if (!line) co_return std::nullopt;
    raw += *line;
    const std::string stripped = strip_eol(*line);
    std::string_view size_text = trim_ows(stripped);
    size_text = size_text.substr(0, size_text.find(';'));
    size_text = trim_ows(size_text);
    std::size_t size = 0;
    if (size_text.empty() || size_text.size() > 15 ||
        !std::all_of(size_text.begin(), size_text.end(),
                     [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); })) {
      s.note(fmt::format("malformed chunk-size line after {} body bytes", raw.size()));
      co_return raw;
    }
    size = std::stoull(std::string(size_text), nullptr, 16);
    if (size == 0) break;
    std::string data = co_await s.read_exact(size + 2);
    raw += data;
    if (data.size() < size + 2) co_return std::nullopt;
  }
  while (true) {  // trailer section
    auto line = co_await s.read_line();
    if (!line) co_return std::nullopt;
    raw += *line;
    if (*line == "\r\n" || *line == "\n") co_return raw;
  }
}

// The request's body per its framing; error text (framing "error:...") leaves it unread.
awaitable<std::optional<std::string>> read_body(session& s, const std::string& framing) {
  if (framing == "chunked") co_return co_await read_chunked(s);
  if (framing.starts_with("length:")) {
    std::size_t n = std::stoull(framing.substr(7));
    std::string body = co_await s.read_exact(n);
    if (body.size() < n) co_return std::nullopt;
    co_return body;
  }
  co_return std::string();
}

std::optional<std::string> request::field(std::string_view name) const {
  std::optional<std::string> out;
  for (const auto& [n, v] : fields) {
    if (!iequals(n, name)) continue;
    out = out ? *out + ", " + v : v;
  }
  return out;
}

bool request::has_token(std::string_view name, std::string_view token) const {
  auto value = field(name);
  if (!value) return false;
  std::string_view rest = *value;
  while (!rest.empty()) {
    auto comma = rest.find(',');
    if (iequals(trim_ows(rest.substr(0, comma)), token)) return true;
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return false;
}

std::optional<std::string> parse_head(std::string_view head, bool with_request_line, request& out) {
  std::vector<std::string_view> lines;
  std::size_t pos = 0;
  while (pos < head.size()) {
    auto lf = head.find('\n', pos);
    if (lf == std::string_view::npos) return "the head does not end with an empty line";
    std::string_view line = head.substr(pos, lf - pos);
    if (line.ends_with('\r')) line.remove_suffix(1);
    lines.push_back(line);
    pos = lf + 1;
  }
  std::size_t i = 0;
  if (with_request_line) {
    while (i < lines.size() && lines[i].empty())
      ++i;
    if (i == lines.size()) return "no request line";
    // RFC 9112 §3: request-line = method SP request-target SP HTTP-version
    std::string_view rl = lines[i++];
    auto sp1 = rl.find(' ');
    auto sp2 = sp1 == std::string_view::npos ? sp1 : rl.find(' ', sp1 + 1);
    if (sp2 == std::string_view::npos || rl.find(' ', sp2 + 1) != std::string_view::npos)
      return fmt::format("malformed request line '{}'", rl);
    out.method = rl.substr(0, sp1);
    out.target = rl.substr(sp1 + 1, sp2 - sp1 - 1);
    out.version = rl.substr(sp2 + 1);
    if (!is_token(out.method)) return fmt::format("invalid method '{}'", out.method);
    if (out.target.empty()) return "empty request-target";
    if (out.version.size() != 8 || !out.version.starts_with("HTTP/") ||
        !std::isdigit(static_cast<unsigned char>(out.version[5])) || out.version[6] != '.' ||
        !std::isdigit(static_cast<unsigned char>(out.version[7])))
      return fmt::format("invalid HTTP-version '{}'", out.version);
  }
  if (lines.empty() || !lines.back().empty()) return "the head does not end with an empty line";
  if (lines.size() > max_head_lines) return "too many header lines";
  for (; i + 1 < lines.size(); ++i) {
    std::string_view line = lines[i];
    // RFC 9112 §5.2: obsolete line folding is rejected (400) by this server.
    if (line.starts_with(' ') || line.starts_with('\t')) return "obsolete line folding";
    auto colon = line.find(':');
    if (colon == std::string_view::npos) return fmt::format("field line without ':' '{}'", line);
    std::string_view name = line.substr(0, colon);
    // RFC 9112 §5.1: no whitespace between the field name and the colon.
    if (!is_token(name)) return fmt::format("invalid field name '{}'", name);
    out.fields.emplace_back(std::string(name), std::string(trim_ows(line.substr(colon + 1))));
  }
  if (with_request_line && out.version == "HTTP/1.1" && !out.field("Host"))
    return "HTTP/1.1 request without Host (RFC 9112 §3.2)";
  return std::nullopt;
}

std::string body_framing(const request& req) {
  // RFC 9112 §6.3: Transfer-Encoding overrides Content-Length; chunked must be last.
  if (auto te = req.field("Transfer-Encoding")) {
    std::string_view v = *te;
    auto last = v.rfind(',');
    std::string_view coding = trim_ows(last == std::string_view::npos ? v : v.substr(last + 1));
    if (!iequals(coding, "chunked"))
      return fmt::format("error:Transfer-Encoding '{}' does not end in chunked", v);
    return "chunked";
  }
  std::optional<std::string> length;
  for (const auto& [n, v] : req.fields) {
    if (!iequals(n, "Content-Length")) continue;
    // A list of identical values is one length (RFC 9110 §8.6); anything else is an error.
    std::string_view rest = v;
    while (true) {
      auto comma = rest.find(',');
      std::string one(trim_ows(rest.substr(0, comma)));
      if (one.empty() || one.size() > 15 ||
          !std::all_of(one.begin(), one.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return fmt::format("error:invalid Content-Length '{}'", v);
      if (length && std::stoull(*length) != std::stoull(one))
        return "error:conflicting Content-Length values";
      length = one;
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  if (length && std::stoull(*length) > 0) return "length:" + std::to_string(std::stoull(*length));
  return "none";
}

std::optional<std::string> dechunk(std::string_view raw,
                                   std::vector<std::pair<std::string, std::string>>* trailers) {
  std::string out;
  std::size_t pos = 0;
  while (true) {
    auto lf = raw.find('\n', pos);
    if (lf == std::string_view::npos) return std::nullopt;
    const std::string stripped = strip_eol(raw.substr(pos, lf + 1 - pos));
    std::string_view line = trim_ows(stripped);
    line = trim_ows(line.substr(0, line.find(';')));
    if (line.empty() || line.size() > 15 || !std::all_of(line.begin(), line.end(), [](char c) {
          return std::isxdigit(static_cast<unsigned char>(c));
        }))
      return std::nullopt;
    std::size_t size = std::stoull(std::string(line), nullptr, 16);
    pos = lf + 1;
    if (size == 0) break;
    if (raw.size() < pos + size + 1) return std::nullopt;
    out.append(raw.substr(pos, size));
    pos += size;
    if (raw.substr(pos, 2) == "\r\n")
      pos += 2;
    else if (raw.substr(pos, 1) == "\n")
      pos += 1;
    else
      return std::nullopt;
  }
  // The trailer section must end with an empty line.
  while (true) {
    auto lf = raw.find('\n', pos);
    if (lf == std::string_view::npos) return std::nullopt;
    bool empty = lf == pos || (lf == pos + 1 && raw[pos] == '\r');
    const std::string line = strip_eol(raw.substr(pos, lf + 1 - pos));
    pos = lf + 1;
    if (empty) return out;
    auto colon = line.find(':');
    if (trailers && colon != std::string_view::npos)
      trailers->emplace_back(line.substr(0, colon),
                             std::string(trim_ows(std::string_view(line).substr(colon + 1))));
  }
}

}  // namespace ph::fakeservers::http
