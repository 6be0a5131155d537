#pragma once

#include <string>
#include <string_view>

namespace ph::clients::sasl {

/// RFC 4616 §2 PLAIN message "[authzid] NUL authcid NUL passwd", base64-encoded (the initial
/// response or the reply to an empty challenge).
std::string plain_response(std::string_view authcid, std::string_view password,
                           std::string_view authzid = {});

/// RFC 2195 §2 CRAM-MD5 response to a decoded challenge: "user SP hex(HMAC-MD5(password,
/// challenge))", base64-encoded.
std::string cram_md5_response(std::string_view user, std::string_view password,
                              std::string_view challenge);

}  // namespace ph::clients::sasl
