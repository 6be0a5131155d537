#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ph::clients::pop3 {

/// The timestamp of an APOP-capable greeting (RFC 1939 §7): the first "<...>" in the text, angle
/// brackets included, e.g. "<1896.697170952@dbc.mtview.ca.us>". nullopt when there is none (no
/// '<', no '>' after it, nothing between, or a SP or control octet inside).
std::optional<std::string> greeting_timestamp(std::string_view greeting);

/// RFC 1939 §7: the APOP digest, lower-case hex of MD5(timestamp + secret).
std::string apop_digest(std::string_view timestamp, std::string_view secret);

}  // namespace ph::clients::pop3
