#include "clients/pop3/response.hpp"

#include <cctype>
#include <charconv>
#include <stdexcept>

#include "clients/codec/ascii.hpp"
#include "clients/net/errors.hpp"

namespace ph::clients::pop3 {
namespace {

[[noreturn]] void malformed(std::string_view what, std::string_view line) {
  constexpr std::size_t shown = 80;
  std::string excerpt(line.substr(0, shown));
  for (auto& c : excerpt)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  throw net::error(net::errc::malformed_reply,
                   std::string(what) + ": \"" + excerpt + (line.size() > shown ? "...\"" : "\""));
}

using codec::starts_with_ci;
using codec::upper;

// Parses a decimal number with no sign, no leading space and no overflow.
bool parse_number(std::string_view s, std::uint64_t& out) {
  if (s.empty()) return false;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size();
}

bool is_resp_level_char(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u > 0x20 && u < 0x7f && c != '/' && c != '[' && c != ']';
}

}  // namespace

response parse_status(std::string_view line) {
  response r;
  std::size_t indicator = 0;
  if (starts_with_ci(line, "+OK")) {
    r.ok = true;
    indicator = 3;
  } else if (starts_with_ci(line, "-ERR")) {
    indicator = 4;
  } else {
    malformed("not a POP3 status line", line);
  }
  if (line.size() > indicator) {
    if (line[indicator] != ' ') malformed("no SP after the status indicator", line);
    r.text = std::string(line.substr(indicator + 1));
  }
  r.code = parse_response_code(r.text);
  return r;
}

std::string parse_response_code(std::string_view text) {
  // RFC 2449 §8: resp-code = "[" resp-level *("/" resp-level) "]"
  if (text.empty() || text.front() != '[') return {};
  const auto close = text.find(']');
  if (close == std::string_view::npos) return {};
  const std::string_view inner = text.substr(1, close - 1);
  if (inner.empty() || inner.front() == '/' || inner.back() == '/' ||
      inner.find("//") != std::string_view::npos)
    return {};
  for (char c : inner)
    if (c != '/' && !is_resp_level_char(c)) return {};
  return upper(inner);
}

std::string multiline::data() const {
  std::string out;
  out.reserve(octets);
  for (const auto& l : lines) {
    out += l;
    out += "\r\n";
  }
  return out;
}

multiline_parser::multiline_parser(std::size_t max_octets) : max_octets_(max_octets) {}

multiline_parser::status multiline_parser::feed(std::string line) {
  if (complete_) throw std::logic_error("multiline_parser: fed after completion; call take()");
  // RFC 1939 §3: "." alone ends the response; otherwise a leading "." is a stuffing octet.
  if (line == ".") {
    complete_ = true;
    return status::complete;
  }
  if (!line.empty() && line.front() == '.') line.erase(0, 1);
  current_.octets += line.size() + 2;
  if (current_.octets > max_octets_)
    throw net::error(net::errc::line_too_long,
                     "multi-line response exceeds " + std::to_string(max_octets_) + " octets");
  current_.lines.push_back(std::move(line));
  return status::incomplete;
}

multiline multiline_parser::take() {
  multiline out = std::move(current_);
  current_ = {};
  complete_ = false;
  return out;
}

std::map<std::string, std::string> parse_capabilities(const std::vector<std::string>& lines) {
  std::map<std::string, std::string> out;
  for (const auto& line : lines) {
    if (line.empty()) continue;
    const auto sp = line.find(' ');
    std::string tag = upper(std::string_view(line).substr(0, sp));
    std::string params = sp == std::string::npos ? std::string() : line.substr(sp + 1);
    if (!tag.empty()) out.try_emplace(std::move(tag), std::move(params));
  }
  return out;
}

scan_listing parse_scan_listing(std::string_view line) {
  const auto sp = line.find(' ');
  if (sp == std::string_view::npos) malformed("scan listing without a size", line);
  std::string_view rest = line.substr(sp + 1);
  const auto sp2 = rest.find(' ');
  scan_listing out;
  if (!parse_number(line.substr(0, sp), out.number) || !parse_number(rest.substr(0, sp2), out.size))
    malformed("malformed scan listing", line);
  return out;
}

uid_listing parse_uid_listing(std::string_view line) {
  const auto sp = line.find(' ');
  if (sp == std::string_view::npos) malformed("unique-id listing without a unique-id", line);
  std::string_view rest = line.substr(sp + 1);
  const std::string_view uid = rest.substr(0, rest.find(' '));
  uid_listing out;
  if (!parse_number(line.substr(0, sp), out.number)) malformed("malformed unique-id listing", line);
  // RFC 1939 §7: unique-id = 1*70 characters in the range 0x21 to 0x7E.
  if (uid.empty() || uid.size() > 70) malformed("unique-id of bad length", line);
  for (char c : uid) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x21 || u > 0x7e) malformed("unique-id with a character outside 0x21-0x7E", line);
  }
  out.uid = std::string(uid);
  return out;
}

}  // namespace ph::clients::pop3
