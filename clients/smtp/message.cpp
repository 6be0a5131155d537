#include "clients/smtp/message.hpp"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <ctime>
#include <random>

#include <fmt/format.h>

#include "clients/codec/ascii.hpp"
#include "clients/codec/base64.hpp"
#include "clients/smtp/errors.hpp"

namespace ph::clients::smtp {
namespace {

constexpr std::size_t max_line_octets = 998;  // RFC 5322 §2.1.1, CRLF excluded
constexpr std::size_t fold_at = 78;           // RFC 5322 §2.1.1 SHOULD
constexpr std::size_t qp_line = 76;           // RFC 2045 §6.7 rule 5, soft '=' included
// 39 octets -> 52 base64 characters -> a 64-character encoded-word: a "Subject: " line stays
// within 78 characters (RFC 2047 §2 allows up to 75 per word).
constexpr std::size_t word_octets = 39;

bool is_ascii(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

using codec::iequals;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

// RFC 5322 §2.2: a field body holds CR and LF only as part of folding, which compose() does itself.
void check_value(std::string_view what, std::string_view value) {
  if (value.find_first_of("\r\n") != std::string_view::npos)
    throw error(fmt::format("compose: {} contains CR or LF", what));
}

// RFC 5322 §2.2: field-name = 1*ftext, printable US-ASCII except ':'.
void check_name(std::string_view name) {
  if (name.empty() || !std::all_of(name.begin(), name.end(),
                                   [](char c) { return c >= 33 && c <= 126 && c != ':'; }))
    throw error(fmt::format("compose: invalid header field name \"{}\"", name));
  static constexpr std::string_view reserved[] = {
      "From",       "To",           "Cc",
      "Bcc",        "Subject",      "Date",
      "Message-ID", "MIME-Version", "Content-Transfer-Encoding"};
  for (auto r : reserved)
    if (iequals(name, r))
      throw error(fmt::format("compose: header {} is set by compose, not by message::headers", r));
}

// Folds an unstructured field at whitespace so that lines stay near 78 characters
// (RFC 5322 §2.2.3); a word that does not fit stays whole.
std::string fold(std::string_view name, std::string_view value) {
  std::string out(name);
  out += ':';
  std::size_t col = out.size();
  std::size_t i = 0;
  bool first = true;
  while (i < value.size()) {
    std::size_t space_end = i;
    while (space_end < value.size() && (value[space_end] == ' ' || value[space_end] == '\t'))
      ++space_end;
    std::size_t word_end = space_end;
    while (word_end < value.size() && value[word_end] != ' ' && value[word_end] != '\t')
      ++word_end;
    const std::string_view space = value.substr(i, space_end - i);
    const std::string_view word = value.substr(space_end, word_end - space_end);
    if (first) {
      out += ' ';
      out += word;
      col += 1 + word.size();
      first = false;
    } else if (col + space.size() + word.size() > fold_at && !word.empty()) {
      out += "\r\n ";
      out += word;
      col = 1 + word.size();
    } else {
      out += space;
      out += word;
      col += space.size() + word.size();
    }
    i = word_end;
  }
  if (first) out += ' ';
  out += "\r\n";
  return out;
}

// An address list: items separated by ", ", folded like any other field.
std::string fold_list(std::string_view name, const std::vector<std::string>& items) {
  std::string joined;
  for (const auto& item : items) {
    if (!joined.empty()) joined += ", ";
    joined += item;
  }
  return fold(name, joined);
}

std::string encode_mailbox(std::string_view mailbox, bool smtputf8) {
  if (smtputf8 || is_ascii(mailbox)) return std::string(mailbox);
  // Only a display name can be an encoded-word (RFC 2047 §5 (3)); a non-ASCII address needs
  // SMTPUTF8 and is left as is.
  const auto open = mailbox.rfind('<');
  if (open == std::string_view::npos) return std::string(mailbox);
  std::string_view display = trim(mailbox.substr(0, open));
  if (display.size() >= 2 && display.front() == '"' && display.back() == '"')
    display = display.substr(1, display.size() - 2);
  if (display.empty()) return std::string(mailbox.substr(open));
  return encode_words(display) + " " + std::string(mailbox.substr(open));
}

std::string encode_text(std::string_view text, bool smtputf8) {
  if (smtputf8 || is_ascii(text)) {
    // A word too long for a line even after folding is only representable as encoded-words.
    std::size_t run = 0;
    bool too_long = false;
    for (char c : text) {
      run = (c == ' ' || c == '\t') ? 0 : run + 1;
      too_long = too_long || run > max_line_octets - 40;
    }
    if (!too_long) return std::string(text);
  }
  return encode_words(text);
}

std::size_t utf8_sequence_length(unsigned char lead) {
  if (lead < 0x80) return 1;
  if ((lead & 0xE0) == 0xC0) return 2;
  if ((lead & 0xF0) == 0xE0) return 3;
  if ((lead & 0xF8) == 0xF0) return 4;
  return 1;  // not a lead byte: invalid UTF-8, pass it through octet by octet
}

std::string quoted_printable(std::string_view body) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(body.size() + body.size() / 8);
  std::size_t start = 0;
  while (start < body.size()) {
    auto end = body.find("\r\n", start);
    if (end == std::string_view::npos) end = body.size();
    const std::string_view line = body.substr(start, end - start);
    std::size_t col = 0;
    for (std::size_t i = 0; i < line.size(); ++i) {
      const auto c = static_cast<unsigned char>(line[i]);
      const bool last = i + 1 == line.size();
      char token[3];
      std::size_t length = 1;
      // RFC 2045 §6.7 rules 2 and 3: printable ASCII except '=' literally; SP and HTAB literally
      // unless at the end of a line.
      if ((c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !last)) {
        token[0] = static_cast<char>(c);
      } else {
        token[0] = '=';
        token[1] = hex[c >> 4];
        token[2] = hex[c & 0x0F];
        length = 3;
      }
      // Rule 5: encoded lines at most 76 characters, a soft break "=" counting as one.
      if (col + length > qp_line - 1) {
        out += "=\r\n";
        col = 0;
      }
      out.append(token, length);
      col += length;
    }
    out += "\r\n";
    start = end + 2;
  }
  return out;
}

}  // namespace

std::string fix_eols(std::string_view data) {
  std::string out;
  out.reserve(data.size() + data.size() / 32);
  for (std::size_t i = 0; i < data.size(); ++i) {
    const char c = data[i];
    if (c == '\r') {
      out += "\r\n";
      if (i + 1 < data.size() && data[i + 1] == '\n') ++i;
    } else if (c == '\n') {
      out += "\r\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string dot_stuff(std::string_view body) {
  const std::string fixed = fix_eols(body);
  std::string out;
  out.reserve(fixed.size() + 16);
  // RFC 5321 §4.5.2: a line starting with '.' gets one more '.'.
  bool line_start = true;
  for (char c : fixed) {
    if (line_start && c == '.') out += '.';
    out += c;
    line_start = c == '\n';
  }
  // RFC 5321 §4.1.1.4: the data ends with CRLF before the terminating ".".
  if (out.size() < 2 || out.compare(out.size() - 2, 2, "\r\n") != 0) out += "\r\n";
  return out;
}

std::string extract_address(std::string_view mailbox) {
  const auto close = mailbox.rfind('>');
  const auto open =
      close == std::string_view::npos ? std::string_view::npos : mailbox.rfind('<', close);
  if (open != std::string_view::npos)
    return std::string(mailbox.substr(open + 1, close - open - 1));
  return std::string(trim(mailbox));
}

std::string format_date(std::chrono::system_clock::time_point when) {
  static constexpr const char* days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const std::time_t t = std::chrono::system_clock::to_time_t(when);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return fmt::format("{}, {:02} {} {:04} {:02}:{:02}:{:02} +0000", days[tm.tm_wday], tm.tm_mday,
                     months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

std::string make_message_id(std::string_view domain) {
  static std::atomic<std::uint64_t> counter{0};
  thread_local std::mt19937_64 random{std::random_device{}()};
  const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  return fmt::format("<{}.{}.{:016x}@{}>", micros, counter.fetch_add(1), random(), domain);
}

std::string encode_words(std::string_view text) {
  if (is_ascii(text)) return std::string(text);
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t end = i;
    while (end < text.size()) {
      const std::size_t n = utf8_sequence_length(static_cast<unsigned char>(text[end]));
      if (end + n - i > word_octets && end > i) break;
      end = std::min(end + n, text.size());
    }
    if (!out.empty()) out += ' ';
    out += "=?utf-8?b?";
    out += codec::base64_encode(text.substr(i, end - i));
    out += "?=";
    i = end;
  }
  return out;
}

std::string compose(const message& m, const compose_options& options) {
  check_value("from", m.from);
  check_value("subject", m.subject);
  for (const auto* list : {&m.to, &m.cc, &m.bcc})
    for (const auto& address : *list)
      check_value("recipient", address);
  if (m.date) check_value("date", *m.date);
  if (m.message_id) check_value("message_id", *m.message_id);
  bool custom_content_type = false;
  for (const auto& [name, value] : m.headers) {
    check_value(name, value);
    check_name(name);
    custom_content_type = custom_content_type || iequals(name, "Content-Type");
  }

  const bool utf8 = options.smtputf8;
  auto mailboxes = [utf8](const std::vector<std::string>& list) {
    std::vector<std::string> out;
    out.reserve(list.size());
    for (const auto& item : list)
      out.push_back(encode_mailbox(item, utf8));
    return out;
  };

  std::string out;
  out += fold("Date", m.date ? *m.date : format_date(std::chrono::system_clock::now()));
  out += fold_list("From", {encode_mailbox(m.from, utf8)});
  if (!m.to.empty()) out += fold_list("To", mailboxes(m.to));
  if (!m.cc.empty()) out += fold_list("Cc", mailboxes(m.cc));
  if (!m.subject.empty()) out += fold("Subject", encode_text(m.subject, utf8));
  std::string id;
  if (m.message_id) {
    id = m.message_id->starts_with('<') ? *m.message_id : "<" + *m.message_id + ">";
  } else {
    std::string domain = options.domain;
    if (domain.empty()) {
      const std::string address = extract_address(m.from);
      const auto at = address.rfind('@');
      if (at != std::string::npos && at + 1 < address.size()) domain = address.substr(at + 1);
    }
    id = make_message_id(domain.empty() ? "protoharness.invalid" : domain);
  }
  out += "Message-ID: " + id + "\r\n";
  for (const auto& [name, value] : m.headers)
    out += fold(name, encode_text(value, utf8));
  out += "MIME-Version: 1.0\r\n";
  if (!custom_content_type) out += "Content-Type: text/plain; charset=utf-8\r\n";

  std::string body = fix_eols(m.body);
  if (!body.empty() && !body.ends_with("\r\n")) body += "\r\n";
  bool eight_bit = false;
  bool nul = false;
  bool long_line = false;
  std::size_t run = 0;
  for (char c : body) {
    eight_bit = eight_bit || static_cast<unsigned char>(c) >= 0x80;
    nul = nul || c == '\0';
    run = (c == '\r' || c == '\n') ? 0 : run + 1;
    long_line = long_line || run > max_line_octets;
  }
  std::string_view encoding = "7bit";
  if (nul || long_line || (eight_bit && !options.eight_bit_mime && !options.smtputf8))
    encoding = "quoted-printable";
  else if (eight_bit)
    encoding = "8bit";
  out += fmt::format("Content-Transfer-Encoding: {}\r\n\r\n", encoding);
  out += encoding == "quoted-printable" ? quoted_printable(body) : body;
  return out;
}

}  // namespace ph::clients::smtp
