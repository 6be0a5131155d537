#include "harness/rules/smtp/imf_header.hpp"

#include <array>

#include "harness/rules/lexical.hpp"
#include "harness/rules/smtp/smtp_syntax.hpp"

namespace ph::harness::rules::smtp {

namespace {

constexpr std::size_t npos = std::string_view::npos;

using lexical::all_digits;
using lexical::is_wsp;
using lexical::trim;
using lexical::words;

int to_int(std::string_view s) {
  int v = 0;
  for (char c : s)
    v = v * 10 + (c - '0');
  return v;
}

// RFC 5322 §3.2.3 atext, with RFC 6532 UTF-8.
bool is_atext(unsigned char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80)
    return true;
  constexpr std::string_view specials = "!#$%&'*+-/=?^_`{|}~";
  return specials.find(static_cast<char>(c)) != npos;
}

bool is_dot_atom_text(std::string_view s) {
  if (s.empty() || s.front() == '.' || s.back() == '.') return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == '.') {
      if (s[i - 1] == '.') return false;
    } else if (!is_atext(c)) {
      return false;
    }
  }
  return true;
}

int month_index(std::string_view m) {
  static constexpr std::array<std::string_view, 12> months = {
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  for (std::size_t i = 0; i < months.size(); ++i)
    if (iequals(m, months[i])) return static_cast<int>(i) + 1;
  return 0;
}

int weekday_index(std::string_view d) {
  static constexpr std::array<std::string_view, 7> days = {"Sun", "Mon", "Tue", "Wed",
                                                           "Thu", "Fri", "Sat"};
  for (std::size_t i = 0; i < days.size(); ++i)
    if (iequals(d, days[i])) return static_cast<int>(i);
  return -1;
}

bool leap(int y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int days_in_month(int y, int m) {
  static constexpr std::array<int, 12> days = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : days[static_cast<std::size_t>(m - 1)];
}

// 0 = Sunday (Sakamoto's method, proleptic Gregorian calendar).
int day_of_week(int y, int m, int d) {
  static constexpr std::array<int, 12> t = {0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4};
  if (m < 3) y -= 1;
  return (y + y / 4 - y / 100 + y / 400 + t[static_cast<std::size_t>(m - 1)] + d) % 7;
}

}  // namespace

std::string unfold_and_strip_comments(std::string_view body) {
  std::string out;
  out.reserve(body.size());
  int depth = 0;
  bool quoted = false;
  for (std::size_t i = 0; i < body.size(); ++i) {
    const char c = body[i];
    if (c == '\r' && i + 1 < body.size() && body[i + 1] == '\n') {
      ++i;
      continue;
    }
    if (c == '\\' && (quoted || depth > 0) && i + 1 < body.size()) {
      if (depth == 0) {
        out += c;
        out += body[i + 1];
      }
      ++i;
      continue;
    }
    if (quoted) {
      if (c == '"') quoted = false;
      out += c;
    } else if (c == '(') {
      if (depth == 0) out += ' ';
      ++depth;
    } else if (c == ')' && depth > 0) {
      --depth;
    } else if (depth == 0) {
      if (c == '"') quoted = true;
      out += c;
    }
  }
  return out;
}

std::string check_date(std::string_view body) {
  const std::string s = unfold_and_strip_comments(body);
  std::string_view rest = s;
  int weekday = -1;
  const std::size_t comma = rest.find(',');
  if (comma != npos) {
    const std::string_view head = rest.substr(0, comma);
    if (!head.empty() && is_wsp(head.back())) return "white space before the weekday's comma";
    const std::string_view day_name = trim(head);
    weekday = weekday_index(day_name);
    if (weekday < 0) return "unknown day name '" + std::string(day_name) + "'";
    rest.remove_prefix(comma + 1);
  }
  const auto w = words(rest);
  if (w.size() < 5) return "expected \"[day, ] DD Mon YYYY HH:MM[:SS] +HHMM\"";
  if (w.size() > 5) return "unexpected text after the zone";
  const std::string_view day = w[0], mon = w[1], year = w[2], time = w[3], zone = w[4];
  if (!all_digits(day) || day.size() > 2) return "day is not 1 or 2 digits";
  const int m = month_index(mon);
  if (m == 0) return "unknown month '" + std::string(mon) + "'";
  if (!all_digits(year)) return "year is not numeric";
  if (year.size() < 4) return "obsolete 2- or 3-digit year";
  if (!(time.size() == 5 || time.size() == 8) || time[2] != ':' ||
      (time.size() == 8 && time[5] != ':') || !all_digits(time.substr(0, 2)) ||
      !all_digits(time.substr(3, 2)) || (time.size() == 8 && !all_digits(time.substr(6, 2))))
    return "time is not HH:MM[:SS]";
  if (zone.size() != 5 || (zone[0] != '+' && zone[0] != '-') || !all_digits(zone.substr(1)))
    return "zone '" + std::string(zone) +
           "' is not +HHMM/-HHMM (obsolete zone names are not generated)";
  if (year.size() > 9) return "year out of range";
  const int y = to_int(year);
  const int d = to_int(day);
  if (y < 1900) return "year before 1900";
  if (d < 1 || d > days_in_month(y, m))
    return "day " + std::string(day) + " does not exist in that month";
  if (to_int(time.substr(0, 2)) > 23 || to_int(time.substr(3, 2)) > 59 ||
      (time.size() == 8 && to_int(time.substr(6, 2)) > 60))
    return "time out of range";
  if (to_int(zone.substr(3, 2)) > 59) return "zone minutes out of range";
  if (weekday >= 0 && day_of_week(y, m, d) != weekday) return "weekday does not match the date";
  return {};
}

bool is_msg_id(std::string_view body) {
  const std::string s = unfold_and_strip_comments(body);
  const std::string_view v = trim(s);
  if (v.size() < 5 || v.front() != '<' || v.back() != '>') return false;
  const std::string_view in = v.substr(1, v.size() - 2);
  const std::size_t at = in.find('@');
  if (at == npos) return false;
  const std::string_view left = in.substr(0, at);
  const std::string_view right = in.substr(at + 1);
  if (!is_dot_atom_text(left)) return false;
  if (!right.empty() && right.front() == '[') {
    // no-fold-literal = "[" *dtext "]"
    if (right.size() < 2 || right.back() != ']') return false;
    for (unsigned char c : right.substr(1, right.size() - 2))
      if (c < 33 || c > 126 || c == '[' || c == ']' || c == '\\') return false;
    return true;
  }
  return is_dot_atom_text(right);
}

std::size_t count_mailboxes(std::string_view body) {
  const std::string s = unfold_and_strip_comments(body);
  std::size_t count = 0;
  bool quoted = false;
  bool has_at = false;
  int angle = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (quoted) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        quoted = false;
      }
      continue;
    }
    if (c == '"') {
      quoted = true;
    } else if (c == '<') {
      ++angle;
    } else if (c == '>' && angle > 0) {
      --angle;
    } else if (c == '@') {
      has_at = true;
    } else if (c == ',' && angle == 0) {
      if (has_at) ++count;
      has_at = false;
    }
  }
  if (has_at) ++count;
  return count;
}

}  // namespace ph::harness::rules::smtp
