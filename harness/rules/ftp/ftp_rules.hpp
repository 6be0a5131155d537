#pragma once
// FTP client rules.

#include <span>

#include "harness/rules/rule.hpp"

namespace ph::harness::rules::ftp {

std::span<const rule* const> rules();

}  // namespace ph::harness::rules::ftp
