#pragma once
// Base64 for the harness side (fake servers, drivers, reports). Not used by clients/:
// the client library has its own, so the two sides never share an encoding bug.

#include <optional>
#include <string>
#include <string_view>

namespace ph {

// Strict RFC 4648 base64 (padding required); nullopt on any invalid character.
std::optional<std::string> base64_decode(std::string_view text);
std::string base64_encode(std::string_view bytes);

}  // namespace ph
