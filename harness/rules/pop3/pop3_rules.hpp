#pragma once
// POP3 client rules.

#include <span>

#include "harness/rules/rule.hpp"

namespace ph::harness::rules::pop3 {

std::span<const rule* const> rules();

}  // namespace ph::harness::rules::pop3
