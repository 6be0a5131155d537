#pragma once
// Lexical checks the rules of several protocols share: base64 (RFC 4648 §4), UTF-8 (RFC
// 3629), control octets, RFC 5234 character classes and the ways to cut text into pieces. The
// judge's own, written from the RFCs; nothing here is shared with clients/ or fakeservers/.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ph::harness::rules::lexical {

// RFC 4648 §4 base64 with padding; false for the empty string.
bool is_base64(std::string_view s);
std::optional<std::string> decode_base64(std::string_view s);
bool is_utf8(std::string_view s);
// Index of the first control octet (0x00-0x1F, 0x7F), or npos.
std::size_t find_ctl(std::string_view s);

// --- RFC 5234 core rules and the text cuts the session readers and rules share -----------

inline bool is_wsp(char c) {  // WSP: SP / HTAB
  return c == ' ' || c == '\t';
}
inline bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
inline bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
inline bool is_hex(char c) {  // HEXDIG, either case
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
// True when `s` is not empty and holds only DIGITs.
bool all_digits(std::string_view s);
// `s` as a number when it is 1 to `max_digits` DIGITs (max_digits at most 18), else nullopt.
std::optional<long> number(std::string_view s, std::size_t max_digits);
// `s` without leading and trailing WSP.
std::string_view trim(std::string_view s);
// `s` cut at every `sep`, empty pieces kept ("a,,b" gives "a", "", "b"; "" gives "").
std::vector<std::string_view> split(std::string_view s, char sep);
// The runs of `s` between WSP, empty ones dropped.
std::vector<std::string_view> words(std::string_view s);
// `text` cut at CRLF; what follows the last CRLF is a line when it is not empty.
std::vector<std::string_view> crlf_lines(std::string_view text);

}  // namespace ph::harness::rules::lexical
