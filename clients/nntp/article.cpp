#include "clients/nntp/article.hpp"

#include <algorithm>
#include <cctype>
#include <ctime>
#include <utility>

#include <fmt/format.h>

#include "clients/nntp/errors.hpp"

namespace ph::clients::nntp {
namespace {

bool is_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

int to_int(std::string_view s) {
  int n = 0;
  for (char c : s)
    n = n * 10 + (c - '0');
  return n;
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
long long days_from_civil(int y, unsigned m, unsigned d) {
  y -= m <= 2;
  const long long era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<long long>(doe) - 719468;
}

}  // namespace

bool is_valid_message_id(std::string_view id) {
  if (id.size() < 3 || id.size() > 250 || id.front() != '<' || id.back() != '>') return false;
  const std::string_view inner = id.substr(1, id.size() - 2);
  for (char c : inner) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 33 || u > 126 || c == '<' || c == '>') return false;
  }
  const auto at = inner.rfind('@');
  return at != std::string_view::npos && at > 0 && at + 1 < inner.size();
}

std::string format_datetime(std::chrono::system_clock::time_point when) {
  const std::time_t t = std::chrono::system_clock::to_time_t(when);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return fmt::format("{:04}{:02}{:02} {:02}{:02}{:02}", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

std::chrono::system_clock::time_point parse_datetime(std::string_view text) {
  std::string digits;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c >= '0' && c <= '9')
      digits += c;
    else if (!((c == '-' && (i == 4 || i == 7)) || c == ' ' || c == 'T' || c == ':' ||
               (c == 'Z' && i + 1 == text.size())))
      throw error(fmt::format("malformed date and time \"{}\"", text));
  }
  if (digits.size() != 14 || !is_digits(digits))
    throw error(fmt::format("malformed date and time \"{}\" (want yyyymmdd hhmmss)", text));
  const int y = to_int(digits.substr(0, 4));
  const int mo = to_int(digits.substr(4, 2)), d = to_int(digits.substr(6, 2));
  const int h = to_int(digits.substr(8, 2)), mi = to_int(digits.substr(10, 2)),
            s = to_int(digits.substr(12, 2));
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60)
    throw error(fmt::format("date and time out of range \"{}\"", text));
  const long long secs =
      days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400LL +
      h * 3600LL + mi * 60LL + s;
  return std::chrono::system_clock::time_point(std::chrono::seconds(secs));
}

std::string dot_stuff(std::string_view article) {
  std::string out;
  out.reserve(article.size() + 16);
  bool line_start = true;
  for (std::size_t i = 0; i < article.size(); ++i) {
    const char c = article[i];
    // RFC 3977 §3.1.1: a line beginning with "." is sent with one more.
    if (line_start && c == '.') out += '.';
    if (c == '\n' && (i == 0 || article[i - 1] != '\r')) out += '\r';
    if (c == '\r' && (i + 1 == article.size() || article[i + 1] != '\n')) {
      out += "\r\n";  // a bare CR becomes a line end too
      line_start = true;
      continue;
    }
    out += c;
    line_start = c == '\n';
  }
  if (out.size() < 2 || out.compare(out.size() - 2, 2, "\r\n") != 0) out += "\r\n";
  return out;
}

void check_post_headers(std::string_view article) {
  bool from = false, newsgroups = false, subject = false;
  std::size_t pos = 0;
  while (pos < article.size()) {
    auto end = article.find('\n', pos);
    if (end == std::string_view::npos) end = article.size();
    std::string_view line = article.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) break;  // end of the header section
    const auto colon = line.find(':');
    if (colon != std::string_view::npos && line.front() != ' ' && line.front() != '\t') {
      std::string name(line.substr(0, colon));
      for (auto& c : name)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      from = from || name == "from";
      newsgroups = newsgroups || name == "newsgroups";
      subject = subject || name == "subject";
    }
    pos = end + 1;
  }
  std::string missing;
  for (auto [ok, name] : {std::pair{from, "From"}, std::pair{newsgroups, "Newsgroups"},
                          std::pair{subject, "Subject"}})
    if (!ok) missing += missing.empty() ? name : std::string(", ") + name;
  if (!missing.empty())
    throw error(fmt::format("refusing to POST: the article lacks the {} header(s)", missing));
}

}  // namespace ph::clients::nntp
