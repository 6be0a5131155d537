// What the client posts: NNTP-DATA-BLOCK, NNTP-ARTICLE-SHAPE, NNTP-POST-HEADERS,
// NNTP-NEWSGROUPS.

#include <array>
#include <string>
#include <string_view>

#include "harness/rules/lexical.hpp"
#include "harness/rules/nntp/nntp_check.hpp"

namespace ph::harness::rules::nntp {

namespace {

constexpr std::size_t npos = std::string_view::npos;

using lexical::is_digit;
using lexical::is_wsp;

// `v` without leading and trailing WSP, CR and LF.
std::string_view trim(std::string_view v) {
  while (!v.empty() && (is_wsp(v.front()) || v.front() == '\r' || v.front() == '\n'))
    v.remove_prefix(1);
  while (!v.empty() && (is_wsp(v.back()) || v.back() == '\r' || v.back() == '\n'))
    v.remove_suffix(1);
  return v;
}

// Consumes 1..max digits from v; -1 when there are none.
int take_number(std::string_view& v, std::size_t max) {
  std::size_t n = 0;
  int value = 0;
  while (n < v.size() && n < max && is_digit(v[n]))
    value = value * 10 + (v[n++] - '0');
  if (n == 0) return -1;
  v.remove_prefix(n);
  return value;
}

void skip_wsp(std::string_view& v) {
  while (!v.empty() && is_wsp(v.front()))
    v.remove_prefix(1);
}

// RFC 5322 §3.3 date-time, with the obsolete forms of §4.3 (two-digit years, named zones)
// that RFC 5536 §3.1.1 still lets readers accept; comments are not supported.
bool valid_date(std::string_view v) {
  static constexpr std::array<std::string_view, 7> days = {"Mon", "Tue", "Wed", "Thu",
                                                           "Fri", "Sat", "Sun"};
  static constexpr std::array<std::string_view, 12> months = {
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  v = trim(v);
  const std::size_t comma = v.find(',');
  if (comma != npos) {
    const std::string_view day = trim(v.substr(0, comma));
    bool ok = false;
    for (auto d : days)
      ok = ok || iequals(day, d);
    if (!ok) return false;
    v.remove_prefix(comma + 1);
    skip_wsp(v);
  }
  const int mday = take_number(v, 2);
  if (mday < 1 || mday > 31) return false;
  skip_wsp(v);
  if (v.size() < 3) return false;
  bool month_ok = false;
  for (auto m : months)
    month_ok = month_ok || iequals(v.substr(0, 3), m);
  if (!month_ok) return false;
  v.remove_prefix(3);
  skip_wsp(v);
  const std::size_t before = v.size();
  const int year = take_number(v, 4);
  if (year < 0 || before - v.size() < 2) return false;
  skip_wsp(v);
  const int hh = take_number(v, 2);
  if (hh < 0 || hh > 23 || v.empty() || v.front() != ':') return false;
  v.remove_prefix(1);
  const int mm = take_number(v, 2);
  if (mm < 0 || mm > 59) return false;
  if (!v.empty() && v.front() == ':') {
    v.remove_prefix(1);
    const int ss = take_number(v, 2);
    if (ss < 0 || ss > 60) return false;
  }
  skip_wsp(v);
  if (v.size() == 5 && (v[0] == '+' || v[0] == '-')) {
    for (std::size_t i = 1; i < 5; ++i)
      if (!is_digit(v[i])) return false;
    return true;
  }
  static constexpr std::array<std::string_view, 10> zones = {"UT",  "GMT", "EST", "EDT", "CST",
                                                             "CDT", "MST", "MDT", "PST", "PDT"};
  for (auto z : zones)
    if (iequals(v, z)) return true;
  return false;
}

// RFC 5536 §3.1.4: newsgroup-name = component *("." component),
// component = 1*(ALPHA / DIGIT / "+" / "-" / "_").
bool valid_group_name(std::string_view name) {
  if (name.empty()) return false;
  std::size_t len = 0;
  for (char c : name) {
    if (c == '.') {
      if (len == 0) return false;
      len = 0;
      continue;
    }
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '+' ||
                    c == '-' || c == '_';
    if (!ok) return false;
    ++len;
  }
  return len > 0;
}

int article_start(const session& s, const article& a) {
  if (a.turn >= 0) return s.turns[static_cast<std::size_t>(a.turn)].first_event;
  return article_event(s, a, 0);
}

}  // namespace

// RFC 3977 §3.1.1: no NUL, CR and LF only as CRLF, lines starting with "." dot-stuffed,
// the block ends with ".CRLF".
void check_data_block(const session& s, const context&, findings& f) {
  for (const auto& a : s.articles) {
    f.applied();
    const std::string_view raw = a.raw;
    const auto wire_event = [&](std::size_t at) {
      const int e = s.client_event_at(a.segment, a.offset + at);
      return e >= 0 ? e : article_start(s, a);
    };
    if (const std::size_t nul = raw.find('\0'); nul != npos)
      f.fail("NUL octet inside the article", wire_event(nul), raw.substr(nul > 20 ? nul - 20 : 0));
    for (std::size_t i = 0; i < raw.size(); ++i) {
      const bool bare_lf = raw[i] == '\n' && (i == 0 || raw[i - 1] != '\r');
      const bool bare_cr = raw[i] == '\r' && (i + 1 >= raw.size() || raw[i + 1] != '\n');
      if (bare_lf || bare_cr) {
        f.fail(bare_lf ? "bare LF inside the article" : "bare CR inside the article", wire_event(i),
               raw.substr(i > 30 ? i - 30 : 0, 60));
        break;
      }
    }
    std::size_t at = 0;
    for (std::string_view line : lexical::crlf_lines(raw)) {
      // A wire line ".x" can only be an original ".x" sent without its stuffing dot.
      if (line.size() >= 2 && line[0] == '.' && line[1] != '.')
        f.fail("article line starting with '.' was not dot-stuffed", wire_event(at), line);
      at += line.size() + 2;
    }
    if (!a.terminated && s.end_event >= 0 && s.client_ended)
      f.fail("the article was never terminated with \".CRLF\"", article_start(s, a),
             raw.substr(raw.size() > 60 ? raw.size() - 60 : 0));
  }
}

// RFC 3977 §3.6; RFC 5536 §2.2: header lines "name: content", folded lines carrying
// non-whitespace, an empty line before the body.
void check_article_shape(const session& s, const context&, findings& f) {
  for (const auto& a : s.articles) {
    if (a.text.empty()) continue;
    f.applied();
    const std::string_view text = a.text;
    std::size_t pos = 0;
    bool separated = false;
    bool first = true;
    while (pos < text.size()) {
      const std::size_t e = text.find("\r\n", pos);
      const std::string_view line = text.substr(pos, (e == npos ? text.size() : e) - pos);
      const int ev = article_event(s, a, pos);
      if (line.empty()) {
        separated = true;
        break;
      }
      if (is_wsp(line.front())) {
        if (first) {
          f.fail("the article starts with a continuation line", ev, line);
        } else if (trim(line).empty()) {
          f.fail("a folded header line holds only whitespace", ev, line);
        }
      } else {
        const std::size_t colon = line.find(':');
        bool name_ok = colon != npos && colon > 0;
        for (std::size_t i = 0; name_ok && i < colon; ++i) {
          const auto u = static_cast<unsigned char>(line[i]);
          name_ok = u >= 0x21 && u <= 0x7E;
        }
        if (!name_ok) {
          f.fail("header line is not \"name: content\"", ev, line);
        } else if (colon + 1 >= line.size() || line[colon + 1] != ' ') {
          // A fold right after the colon also lands here ("Subject:" CRLF SP "x").
          f.fail("header name's colon is not followed by a space", ev, line);
        } else {
          bool content = !trim(line.substr(colon + 1)).empty();
          // Content may sit on the folded lines that follow.
          std::size_t q = e == npos ? text.size() : e + 2;
          while (!content && q < text.size() && is_wsp(text[q])) {
            const std::size_t qe = text.find("\r\n", q);
            content = !trim(text.substr(q, (qe == npos ? text.size() : qe) - q)).empty();
            q = qe == npos ? text.size() : qe + 2;
          }
          if (!content) f.fail_weak("header field has no content", ev, line);
        }
      }
      first = false;
      if (e == npos) break;
      pos = e + 2;
    }
    if (!separated)
      f.fail("no empty line separates the headers from the body", article_start(s, a),
             text.substr(0, 60));
  }
}

// RFC 5536 §3.1; RFC 5537 §3.4.1: a posted article has From, Newsgroups and Subject; Date,
// Message-ID and Path may be left to the server but are valid when present.
void check_post_headers(const session& s, const context&, findings& f) {
  for (const auto& a : s.articles) {
    if (!a.post || a.text.empty()) continue;
    f.applied();
    const auto fields = header_fields(a.text);
    for (std::string_view need : {"From", "Newsgroups", "Subject"}) {
      bool found = false;
      for (const auto& h : fields)
        found = found || iequals(h.name, need);
      if (!found)
        f.fail("posted article has no " + std::string(need) + " header", article_start(s, a),
               a.text.substr(0, 60));
    }
    for (const auto& h : fields) {
      const std::string value = unfolded(h.body);
      const std::string_view v = trim(value);
      if (iequals(h.name, "Date") && !valid_date(v))
        f.fail("Date header is not an RFC 5322 date-time", article_event(s, a, h.offset), v);
      else if (iequals(h.name, "Message-ID") && !valid_message_id(v, true))
        f.fail("Message-ID header is not <id-left@id-right>", article_event(s, a, h.offset), v);
      else if (iequals(h.name, "Path") && v.empty())
        f.fail("Path header is empty", article_event(s, a, h.offset), h.name);
    }
  }
}

// RFC 5536 §3.1.4: Newsgroups is a comma-separated list of valid newsgroup names.
void check_newsgroups(const session& s, const context&, findings& f) {
  for (const auto& a : s.articles) {
    for (const auto& h : header_fields(a.text)) {
      if (!iequals(h.name, "Newsgroups")) continue;
      f.applied();
      const std::string value = unfolded(h.body);
      const std::string_view v = value;
      std::size_t pos = 0;
      while (true) {
        const std::size_t comma = v.find(',', pos);
        const std::string_view name = trim(v.substr(pos, (comma == npos ? v.size() : comma) - pos));
        if (!valid_group_name(name)) {
          f.fail(name.empty() ? "Newsgroups holds an empty name"
                              : "Newsgroups holds an invalid name \"" + std::string(name) + "\"",
                 article_event(s, a, h.offset), v);
          break;
        }
        if (comma == npos) break;
        pos = comma + 1;
      }
    }
  }
}

}  // namespace ph::harness::rules::nntp
