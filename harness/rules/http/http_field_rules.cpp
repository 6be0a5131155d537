// Header fields and transfer coding: HTTP-FIELD-SYNTAX, HTTP-DUP-FIELDS, HTTP-CL-TE,
// HTTP-CHUNKED, HTTP-TE-CONN, HTTP-DATE.

#include <algorithm>
#include <array>
#include <string>
#include <string_view>

#include "harness/rules/http/http_check.hpp"
#include "harness/rules/line_session.hpp"

namespace ph::harness::rules::http {

namespace {

constexpr std::size_t npos = std::string_view::npos;

using rules::line::is_digit;

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

// --- findings ----------------------------------------------------------------------------

}  // namespace

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
          if (list_field(lower(fl.name))) {
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
      const std::string n = lower(r.fields[k].name);
      if (!singleton(n)) continue;
      for (std::size_t j = 0; j < k; ++j) {
        if (lower(r.fields[j].name) == n) {
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
      const std::string n2 = lower(t.name);
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
      const std::string n = lower(fl.name);
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
