#include "vocabulary/base64.hpp"

namespace ph {

namespace {
constexpr std::string_view alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
}

std::optional<std::string> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (std::size_t i = 0; i < text.size(); i += 4) {
    unsigned value = 0;
    int pad = 0;
    for (std::size_t k = 0; k < 4; ++k) {
      char c = text[i + k];
      unsigned digit = 0;
      if (c == '=') {
        // Padding only in the last group's last two places.
        if (i + 4 != text.size() || k < 2) return std::nullopt;
        ++pad;
      } else {
        if (pad) return std::nullopt;
        auto at = alphabet.find(c);
        if (at == std::string_view::npos) return std::nullopt;
        digit = static_cast<unsigned>(at);
      }
      value = value << 6 | digit;
    }
    out += static_cast<char>(value >> 16 & 0xff);
    if (pad < 2) out += static_cast<char>(value >> 8 & 0xff);
    if (pad < 1) out += static_cast<char>(value & 0xff);
  }
  return out;
}

std::string base64_encode(std::string_view bytes) {
  std::string out;
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    unsigned value = static_cast<unsigned char>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) value |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    if (i + 2 < bytes.size()) value |= static_cast<unsigned char>(bytes[i + 2]);
    out += alphabet[value >> 18 & 63];
    out += alphabet[value >> 12 & 63];
    out += i + 1 < bytes.size() ? alphabet[value >> 6 & 63] : '=';
    out += i + 2 < bytes.size() ? alphabet[value & 63] : '=';
  }
  return out;
}

}  // namespace ph
