#pragma once
// NNTP client rules (rfc-rules.md §4): RFC 3977, 4642, 4643, 5536, 5537 §3.4.1.

#include <span>

#include "harness/rules/rule.hpp"

namespace ph::harness::rules::nntp {

// Every NNTP rule, in catalogue order. Each rule parses the transcript's control channel
// with parse_session() (nntp_session.hpp) and judges that one connection.
std::span<const rule* const> rules();

}  // namespace ph::harness::rules::nntp
