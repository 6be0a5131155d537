#pragma once
// POP3 client rules (RFC 1939, 2449, 2595, 5034, 4616), catalogue rfc-rules.md §2.

#include <span>

#include "harness/rules/rule.hpp"

namespace ph::harness::rules::pop3 {

// Every POP3 rule, in catalogue order. Each judges channel 0 of a transcript through the
// judge's own POP3 reading (pop3_session.hpp).
std::span<const rule* const> rules();

}  // namespace ph::harness::rules::pop3
