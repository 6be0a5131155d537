#pragma once
// HTTP client rules.

#include <span>

#include "harness/rules/rule.hpp"

namespace ph::harness::rules::http {

std::span<const rule* const> rules();

}  // namespace ph::harness::rules::http
