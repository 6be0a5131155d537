#pragma once
// SMTP client rules (RFC 5321, 3207, 4954, 4616, 1870, 6152, 2920, 6531, 5322).

#include <span>

#include "harness/rules/rule.hpp"

namespace ph::harness::rules::smtp {

std::span<const rule* const> rules();

}  // namespace ph::harness::rules::smtp
