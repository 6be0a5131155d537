#pragma once
// Lexical checks the rules of several protocols share: base64 (RFC 4648 §4), UTF-8 (RFC
// 3629) and control octets. The judge's own, written from the RFCs; nothing here is shared
// with clients/ or fakeservers/.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace ph::harness::rules::lexical {

// RFC 4648 §4 base64 with padding; false for the empty string.
bool is_base64(std::string_view s);
std::optional<std::string> decode_base64(std::string_view s);
bool is_utf8(std::string_view s);
// Index of the first control octet (0x00-0x1F, 0x7F), or npos.
std::size_t find_ctl(std::string_view s);

}  // namespace ph::harness::rules::lexical
