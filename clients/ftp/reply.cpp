#include "clients/ftp/reply.hpp"

#include <cctype>
#include <charconv>
#include <stdexcept>

#include "clients/net/errors.hpp"

namespace ph::clients::ftp {
namespace {

[[noreturn]] void malformed(const std::string& what) {
  throw net::error(net::make_error_code(net::errc::malformed_reply), what);
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// The code of a line that starts with three digits followed by end, SP or '-'; -1 otherwise.
int code_of(std::string_view line) {
  if (line.size() < 3 || !is_digit(line[0]) || !is_digit(line[1]) || !is_digit(line[2])) return -1;
  if (line.size() > 3 && line[3] != ' ' && line[3] != '-') return -1;
  return (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
}

std::string strip_code(std::string_view line) {
  return std::string(line.size() > 4 ? line.substr(4) : std::string_view{});
}

}  // namespace

std::string reply::text() const {
  std::string out;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (i > 0) out += '\n';
    if (i == 0 || i + 1 == lines.size())
      out += strip_code(lines[i]);
    else
      out += lines[i];
  }
  return out;
}

reply_parser::state reply_parser::feed(std::string_view line) {
  if (done_) reset();
  if (reply_.lines.empty()) {
    const int code = code_of(line);
    // RFC 959 §4.2: the first digit is 1..5.
    if (code < 100 || code >= 600)
      malformed("reply line without a valid three-digit code: \"" +
                std::string(line.substr(0, 80)) + "\"");
    reply_.code = code;
    reply_.lines.emplace_back(line);
    multi_ = line.size() > 3 && line[3] == '-';
    done_ = !multi_;
    return done_ ? state::done : state::need_more;
  }
  reply_.lines.emplace_back(line);
  // RFC 959 §4.2: only the same code followed by SP ends a multi-line reply.
  if (code_of(line) == reply_.code && (line.size() == 3 || line[3] == ' ')) done_ = true;
  return done_ ? state::done : state::need_more;
}

void reply_parser::reset() {
  reply_ = {};
  multi_ = false;
  done_ = false;
}

passive_address parse_pasv(std::string_view text) {
  for (std::size_t start = 0; start < text.size(); ++start) {
    if (!is_digit(text[start]) || (start > 0 && is_digit(text[start - 1]))) continue;
    int values[6];
    std::size_t pos = start;
    int count = 0;
    for (; count < 6; ++count) {
      while (count > 0 && pos < text.size() && text[pos] == ' ')
        ++pos;
      if (pos >= text.size() || !is_digit(text[pos])) break;
      int v = 0;
      std::size_t digits = 0;
      while (pos < text.size() && is_digit(text[pos]) && digits < 4) {
        v = v * 10 + (text[pos] - '0');
        ++pos;
        ++digits;
      }
      if (v > 255 || (pos < text.size() && is_digit(text[pos]))) break;
      values[count] = v;
      if (count == 5) {
        ++count;
        break;
      }
      while (pos < text.size() && text[pos] == ' ')
        ++pos;
      if (pos >= text.size() || text[pos] != ',') break;
      ++pos;
    }
    if (count == 6) {
      passive_address out;
      out.host = std::to_string(values[0]) + "." + std::to_string(values[1]) + "." +
                 std::to_string(values[2]) + "." + std::to_string(values[3]);
      out.port = static_cast<std::uint16_t>(values[4] * 256 + values[5]);
      return out;
    }
  }
  malformed("227 reply without h1,h2,h3,h4,p1,p2: \"" + std::string(text.substr(0, 120)) + "\"");
}

passive_address parse_epsv(std::string_view text) {
  const auto open = text.find('(');
  const auto close = text.rfind(')');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open + 5)
    malformed("229 reply without (|||port|): \"" + std::string(text.substr(0, 120)) + "\"");
  const std::string_view inner = text.substr(open + 1, close - open - 1);
  const char d = inner[0];
  // RFC 2428 §3: the delimiter is in 33..126 and the first two fields are empty.
  if (d < 33 || d > 126 || inner.size() < 5 || inner[1] != d || inner[2] != d || inner.back() != d)
    malformed("229 reply with a malformed (<d><d><d>port<d>): \"" + std::string(inner) + "\"");
  const std::string_view digits = inner.substr(3, inner.size() - 4);
  unsigned port = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
  if (ec != std::errc{} || end != digits.data() + digits.size() || port == 0 || port > 65535)
    malformed("229 reply with an invalid port: \"" + std::string(inner) + "\"");
  return {std::string{}, static_cast<std::uint16_t>(port)};
}

std::string format_port(std::string_view ipv4, std::uint16_t port) {
  std::string out;
  int parts = 0;
  for (char c : ipv4) {
    if (c == '.') {
      out += ',';
      ++parts;
    } else if (is_digit(c)) {
      out += c;
    } else {
      throw std::invalid_argument("PORT needs an IPv4 address: " + std::string(ipv4));
    }
  }
  if (parts != 3) throw std::invalid_argument("PORT needs an IPv4 address: " + std::string(ipv4));
  return out + "," + std::to_string(port / 256) + "," + std::to_string(port % 256);
}

std::string format_eprt(std::string_view address, std::uint16_t port) {
  const bool v6 = address.find(':') != std::string_view::npos;
  return std::string(v6 ? "|2|" : "|1|") + std::string(address) + "|" + std::to_string(port) + "|";
}

std::optional<std::string> parse_257(std::string_view text) {
  const auto open = text.find('"');
  if (open == std::string_view::npos) return std::nullopt;
  std::string out;
  for (std::size_t i = open + 1; i < text.size(); ++i) {
    if (text[i] != '"') {
      out += text[i];
      continue;
    }
    // RFC 959 Appendix II: an embedded quote is doubled.
    if (i + 1 < text.size() && text[i + 1] == '"') {
      out += '"';
      ++i;
      continue;
    }
    return out;
  }
  return std::nullopt;
}

mlsd_entry parse_mlsd_line(std::string_view line) {
  const auto sp = line.find(' ');
  if (sp == std::string_view::npos)
    malformed("MLSD line without the SP before the name: \"" + std::string(line.substr(0, 120)) +
              "\"");
  mlsd_entry out;
  out.name = std::string(line.substr(sp + 1));
  std::string_view facts = line.substr(0, sp);
  while (!facts.empty()) {
    const auto semi = facts.find(';');
    const std::string_view fact = facts.substr(0, semi);
    facts = semi == std::string_view::npos ? std::string_view{} : facts.substr(semi + 1);
    if (fact.empty()) continue;
    const auto eq = fact.find('=');
    if (eq == std::string_view::npos || eq == 0)
      malformed("MLSD fact without '=': \"" + std::string(fact) + "\"");
    std::string name(fact.substr(0, eq));
    // RFC 3659 §7.1: fact names are case-insensitive.
    for (auto& c : name)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.facts[name] = std::string(fact.substr(eq + 1));
  }
  return out;
}

}  // namespace ph::clients::ftp
