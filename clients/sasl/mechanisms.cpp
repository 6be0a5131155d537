#include "clients/sasl/mechanisms.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <stdexcept>

#include "clients/codec/base64.hpp"

namespace ph::clients::sasl {

std::string plain_response(std::string_view authcid, std::string_view password,
                           std::string_view authzid) {
  std::string message(authzid);
  message += '\0';
  message += authcid;
  message += '\0';
  message += password;
  return codec::base64_encode(message);
}

std::string cram_md5_response(std::string_view user, std::string_view password,
                              std::string_view challenge) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (HMAC(EVP_md5(), password.data(), static_cast<int>(password.size()),
           reinterpret_cast<const unsigned char*>(challenge.data()), challenge.size(), digest,
           &length) == nullptr)
    throw std::runtime_error("CRAM-MD5: HMAC-MD5 is not available");
  static constexpr char hex[] = "0123456789abcdef";
  std::string response(user);
  response += ' ';
  for (unsigned int i = 0; i < length; ++i) {
    response += hex[digest[i] >> 4];
    response += hex[digest[i] & 0x0F];
  }
  return codec::base64_encode(response);
}

}  // namespace ph::clients::sasl
