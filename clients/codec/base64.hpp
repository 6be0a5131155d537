#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ph::clients::codec {

/// RFC 4648 §4 base64 with padding, no line breaks.
std::string base64_encode(std::string_view data);

/// Strict RFC 4648 §4 decoding: only the base64 alphabet, the length a multiple of 4, '=' only as
/// final padding, no whitespace. nullopt for anything else (e.g. an undecodable SASL challenge,
/// RFC 4954 §4).
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace ph::clients::codec
