// Command-line syntax: NNTP-CRLF, NNTP-CMD-LEN, NNTP-CMD-SYNTAX, NNTP-MSGID, NNTP-DATES.

#include <string>
#include <string_view>
#include <vector>

#include "harness/rules/lexical.hpp"
#include "harness/rules/nntp/nntp_check.hpp"

namespace ph::harness::rules::nntp {

namespace {

constexpr std::size_t npos = std::string_view::npos;

using lexical::all_digits;

// Length of the valid UTF-8 sequence at s[i], 0 when invalid (RFC 3629 §4).
std::size_t utf8_length(std::string_view s, std::size_t i) {
  const auto b = static_cast<unsigned char>(s[i]);
  std::size_t n = 0;
  unsigned min = 0;
  if (b >= 0xC2 && b <= 0xDF) {
    n = 2;
    min = 0x80;
  } else if (b >= 0xE0 && b <= 0xEF) {
    n = 3;
    min = 0x800;
  } else if (b >= 0xF0 && b <= 0xF4) {
    n = 4;
    min = 0x10000;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  unsigned cp = b & (0xFFu >> (n + 1));
  for (std::size_t k = 1; k < n; ++k) {
    const auto c = static_cast<unsigned char>(s[i + k]);
    if ((c & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (c & 0x3Fu);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

// RFC 3977 §8.1 range = article-number ["-" [article-number]].
bool valid_range(std::string_view r) {
  const std::size_t dash = r.find('-');
  if (dash == npos) return all_digits(r);
  const std::string_view hi = r.substr(dash + 1);
  return all_digits(r.substr(0, dash)) && (hi.empty() || all_digits(hi));
}

int event_in(const session& s, const turn& t, std::size_t at) {
  const int e = s.client_event_at(t.segment, t.offset + at);
  return e >= 0 ? e : t.first_event;
}

}  // namespace

// RFC 3977 §3.1: every command line ends with CRLF, and CR and LF appear nowhere else.
void check_crlf(const session& s, const context&, findings& f) {
  for (const auto& t : s.turns) {
    if (t.kind == turn_kind::article) continue;
    f.applied();
    const std::string_view line = t.line();
    const std::size_t bad = line.find_first_of("\r\n");
    if (bad != npos) {
      f.fail(std::string(line[bad] == '\n' ? "bare LF" : "bare CR") + " inside " + name_of(t) +
                 " (lines end only with CRLF)",
             event_in(s, t, bad), line);
    } else if (!t.terminated && s.end_event >= 0 && s.client_ended) {
      f.fail(name_of(t) + " line was never ended with CRLF", t.first_event, line);
    }
  }
}

// RFC 3977 §3.1: a command line is at most 512 octets including CRLF; an argument at most
// 497 octets.
void check_cmd_len(const session& s, const context&, findings& f) {
  for (const auto& t : s.turns) {
    if (t.kind != turn_kind::command) continue;
    f.applied();
    const std::size_t size = t.line().size() + 2;
    if (size > 512) {
      f.fail(t.verb + " command line is " + std::to_string(size) + " octets (limit 512)",
             t.first_event, t.line());
      continue;
    }
    for (std::string_view a : lexical::words(t.arg)) {
      if (a.size() > 497) {
        f.fail(t.verb + " argument is " + std::to_string(a.size()) + " octets (limit 497)",
               t.first_event, a);
        break;
      }
    }
  }
}

// RFC 3977 §3.1 and §9 (ABNF): a keyword of printable US-ASCII, arguments separated by SP
// or TAB and made of printable characters (US-ASCII SHOULD be used), UTF-8 without a BOM.
void check_cmd_syntax(const session& s, const context&, findings& f) {
  for (const auto& t : s.turns) {
    if (t.kind != turn_kind::command) continue;
    f.applied();
    const std::string_view line = t.line();
    if (line.empty()) {
      f.fail("empty command line", t.first_event, t.raw);
      continue;
    }
    if (line.substr(0, 3) == "\xEF\xBB\xBF") {
      f.fail("command line starts with a UTF-8 byte order mark", t.first_event, line);
      continue;
    }
    if (lexical::is_wsp(line.front())) {
      f.fail("command line starts with whitespace instead of a keyword", t.first_event, line);
      continue;
    }
    bool bad = false;
    std::size_t i = 0;
    for (; i < line.size() && !lexical::is_wsp(line[i]); ++i) {
      const auto u = static_cast<unsigned char>(line[i]);
      if (line[i] == '\r' || line[i] == '\n') continue;  // NNTP-CRLF's
      if (u < 0x21 || u > 0x7E) {
        f.fail("keyword holds a byte outside printable US-ASCII", event_in(s, t, i), line);
        bad = true;
        break;
      }
    }
    if (bad) continue;
    bool weak = false;
    for (; i < line.size(); ++i) {
      const auto u = static_cast<unsigned char>(line[i]);
      if (line[i] == '\r' || line[i] == '\n' || line[i] == '\t') continue;
      if (u < 0x20 || u == 0x7F) {
        f.fail("control character 0x" + std::string(1, "0123456789ABCDEF"[u >> 4]) +
                   std::string(1, "0123456789ABCDEF"[u & 15]) + " inside a " + t.verb +
                   " command line",
               event_in(s, t, i), line);
        break;
      }
      if (u >= 0x80) {
        const std::size_t n = utf8_length(line, i);
        if (n == 0) {
          f.fail(t.verb + " command line holds bytes that are not UTF-8", event_in(s, t, i), line);
          break;
        }
        // RFC 4643 §2.3.2 allows UTF-8 user names and passwords.
        if (!weak && t.verb != "AUTHINFO") {
          f.fail_weak(t.verb + " argument is not US-ASCII", event_in(s, t, i), line);
          weak = true;
        }
        i += n - 1;
      }
    }
  }
}

// RFC 3977 §3.6; RFC 5536 §3.1.3: message-ids in command arguments and Message-ID headers.
void check_msgid(const session& s, const context&, findings& f) {
  for (const auto& t : s.turns) {
    if (t.kind != turn_kind::command) continue;
    const auto args = lexical::words(t.arg);
    std::string_view which;
    bool range_ok = false;
    if (t.verb == "ARTICLE" || t.verb == "HEAD" || t.verb == "BODY" || t.verb == "STAT") {
      if (args.empty()) continue;
      which = args.front();
    } else if (t.verb == "OVER" || t.verb == "XOVER") {
      if (args.empty()) continue;
      which = args.front();
      range_ok = true;
    } else if (t.verb == "HDR" || t.verb == "XHDR") {
      if (args.size() < 2) continue;
      which = args[1];
      range_ok = true;
    } else if (t.verb == "IHAVE") {
      which = args.empty() ? std::string_view{} : args.front();
      f.applied();
      if (!valid_message_id(which, false))
        f.fail("IHAVE argument is not a message-id", t.first_event, t.line());
      continue;
    } else {
      continue;
    }
    f.applied();
    if (!which.empty() && which.front() == '<') {
      if (!valid_message_id(which, false))
        f.fail(t.verb + " argument is a malformed message-id", t.first_event, t.line());
    } else if (!(all_digits(which) || (range_ok && valid_range(which)))) {
      f.fail(t.verb + " argument is neither an article number" +
                 std::string(range_ok ? " or range" : "") + " nor a <message-id>",
             t.first_event, t.line());
    }
  }
  for (const auto& a : s.articles) {
    for (const auto& h : header_fields(a.text)) {
      if (!iequals(h.name, "Message-ID")) continue;
      f.applied();
      const std::string value = unfolded(h.body);
      std::string_view v = value;
      while (!v.empty() && (v.back() == ' ' || v.back() == '\t'))
        v.remove_suffix(1);
      if (!valid_message_id(v, true))
        f.fail("Message-ID header is not <id-left@id-right>", article_event(s, a, h.offset), v);
    }
  }
}

// RFC 3977 §7.3, §7.4: NEWGROUPS/NEWNEWS take "yyyymmdd hhmmss [GMT]"; the four-digit year
// SHOULD be used.
void check_dates(const session& s, const context&, findings& f) {
  for (const auto& t : s.turns) {
    if (!t.is("NEWGROUPS") && !t.is("NEWNEWS")) continue;
    f.applied();
    auto args = lexical::words(t.arg);
    if (t.verb == "NEWNEWS" && !args.empty()) args.erase(args.begin());
    if (args.size() < 2 || args.size() > 3 || !all_digits(args[1]) || args[1].size() != 6 ||
        !all_digits(args[0]) || (args.size() == 3 && args[2] != "GMT")) {
      f.fail(t.verb + " date is not \"yyyymmdd hhmmss [GMT]\"", t.first_event, t.line());
    } else if (args[0].size() == 6) {
      f.fail(t.verb + " date has a two-digit year", t.first_event, t.line());
    } else if (args[0].size() != 8) {
      f.fail(t.verb + " date is not \"yyyymmdd\"", t.first_event, t.line());
    }
  }
}

}  // namespace ph::harness::rules::nntp
