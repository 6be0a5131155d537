#pragma once
// FTP client rules (RFC 959, 1123 §4.1, 2228, 2389, 2428, 3659, 4217, 7151), catalogue
// rfc-rules.md §3.

#include <span>

#include "harness/rules/rule.hpp"

namespace ph::harness::rules::ftp {

// Every FTP rule, in catalogue order. Each judges one connection (control channel and its
// data channels) through the judge's own FTP reading (ftp_session.hpp).
std::span<const rule* const> rules();

}  // namespace ph::harness::rules::ftp
