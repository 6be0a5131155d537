#pragma once
// HTTP/1.1 client rules (rfc-rules.md §5): RFC 9110, 9112, 6265, 3986, 7578, 7617.

#include <span>

#include "harness/rules/rule.hpp"

namespace ph::harness::rules::http {

// Every HTTP rule, in catalogue order. Each rule parses the transcript's control channel
// with parse_session() (http_session.hpp) and judges that one connection; what only shows
// across connections (a retried POST, credentials sent to the redirect target's new
// connection) is not decidable there and is judged only when the client reused a connection.
std::span<const rule* const> rules();

}  // namespace ph::harness::rules::http
