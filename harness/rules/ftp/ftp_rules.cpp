#include "harness/rules/ftp/ftp_rules.hpp"

namespace ph::harness::rules::ftp {

std::span<const rule* const> rules() {
  return {};
}

}  // namespace ph::harness::rules::ftp
