#pragma once
// NNTP client rules.

#include <span>

#include "harness/rules/rule.hpp"

namespace ph::harness::rules::nntp {

std::span<const rule* const> rules();

}  // namespace ph::harness::rules::nntp
