#include "fakeservers/nntp/nntp_syntax.hpp"

#include <algorithm>
#include <cctype>
#include <ctime>

#include <fmt/format.h>

#include "vocabulary/scenario.hpp"

namespace ph::fakeservers::nntp {

// RFC 3977 §4: a wildmat is a comma-separated list of patterns, '!' negates, the last
// pattern that matches decides.
bool wildmat(const std::string& pattern, const std::string& text) {
  bool result = false;
  std::size_t start = 0;
  while (start <= pattern.size()) {
    auto comma = pattern.find(',', start);
    std::string p = pattern.substr(start, comma == std::string::npos ? comma : comma - start);
    bool negate = !p.empty() && p.front() == '!';
    if (negate) p.erase(0, 1);
    if (ph::glob_match(p, text, false)) result = !negate;
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return result;
}

// "yyyymmdd hhmmss" or "yymmdd hhmmss" (RFC 3977 §7.3: a two-digit year is in the current
// century unless that would be in the future) as "yyyymmddhhmmss"; nullopt when malformed.
std::optional<std::string> parse_since(const std::string& date, const std::string& time) {
  auto digits = [](const std::string& s) {
    return std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
  };
  if (!digits(date) || !digits(time) || time.size() != 6) return std::nullopt;
  if (date.size() == 8) return date + time;
  if (date.size() != 6) return std::nullopt;
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  int year = tm.tm_year + 1900;
  int yy = std::stoi(date.substr(0, 2));
  int century = year / 100 * 100;
  int full = century + yy > year ? century - 100 + yy : century + yy;
  return fmt::format("{:04}", full) + date.substr(2) + time;
}

std::vector<std::string> split_ws(const std::string& s) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t'))
      ++i;
    std::size_t j = i;
    while (j < s.size() && s[j] != ' ' && s[j] != '\t')
      ++j;
    if (j > i) out.push_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

std::optional<std::int64_t> parse_number(const std::string& s) {
  if (s.empty() || s.size() > 16 ||
      !std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c) != 0; }))
    return std::nullopt;
  return std::stoll(s);
}

// RFC 3977 §6.1.2: "n", "n-" or "n-m".
std::optional<range> parse_range(const std::string& s) {
  auto dash = s.find('-');
  if (dash == std::string::npos) {
    auto n = parse_number(s);
    if (!n) return std::nullopt;
    return range{*n, *n};
  }
  auto low = parse_number(s.substr(0, dash));
  if (!low) return std::nullopt;
  if (dash + 1 == s.size()) return range{*low, -1};
  auto high = parse_number(s.substr(dash + 1));
  if (!high) return std::nullopt;
  return range{*low, *high};
}

bool in_range(const range& r, std::int64_t n) {
  return n >= r.low && (r.high < 0 || n <= r.high);
}

// A POSTed/IHAVEd article's headers (unfolded, names lower-cased); nullopt when the header
// section is malformed (RFC 3977 §3.6: name ":" SP value, then an empty line).
std::optional<header_list> parse_headers(const std::string& text, std::string& body) {
  std::vector<std::pair<std::string, std::string>> out;
  std::size_t pos = 0;
  while (true) {
    auto eol = text.find("\r\n", pos);
    if (eol == std::string::npos) return std::nullopt;
    std::string line = text.substr(pos, eol - pos);
    pos = eol + 2;
    if (line.empty()) break;
    if (line.front() == ' ' || line.front() == '\t') {
      if (out.empty()) return std::nullopt;
      out.back().second += " " + line.substr(line.find_first_not_of(" \t"));
      continue;
    }
    auto colon = line.find(':');
    if (colon == std::string::npos || colon == 0) return std::nullopt;
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(" \t") == std::string::npos
                       ? value.size()
                       : value.find_first_not_of(" \t"));
    out.emplace_back(lower(line.substr(0, colon)), value);
  }
  body = text.substr(pos);
  return out;
}

std::string header_value(const header_list& headers, const std::string& name) {
  for (const auto& [n, v] : headers)
    if (n == name) return v;
  return {};
}

}  // namespace ph::fakeservers::nntp
