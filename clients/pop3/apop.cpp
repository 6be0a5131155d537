#include "clients/pop3/apop.hpp"

#include <openssl/evp.h>

#include <array>
#include <stdexcept>

namespace ph::clients::pop3 {

std::optional<std::string> greeting_timestamp(std::string_view greeting) {
  const auto open = greeting.find('<');
  if (open == std::string_view::npos) return std::nullopt;
  const auto close = greeting.find('>', open + 1);
  if (close == std::string_view::npos || close == open + 1) return std::nullopt;
  const std::string_view stamp = greeting.substr(open, close - open + 1);
  // RFC 1939 §7: the timestamp has the syntax of a msg-id (RFC 822), which has no SP or CTL.
  for (char c : stamp) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) return std::nullopt;
  }
  return std::string(stamp);
}

std::string apop_digest(std::string_view timestamp, std::string_view secret) {
  const std::string input = std::string(timestamp) + std::string(secret);
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  unsigned int len = 0;
  if (EVP_Digest(input.data(), input.size(), md.data(), &len, EVP_md5(), nullptr) != 1)
    throw std::runtime_error("APOP: MD5 is not available");
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * len);
  for (unsigned int i = 0; i < len; ++i) {
    out += hex[md[i] >> 4];
    out += hex[md[i] & 0x0f];
  }
  return out;
}

}  // namespace ph::clients::pop3
