#include "harness/rules/nntp/nntp_rules.hpp"

namespace ph::harness::rules::nntp {

std::span<const rule* const> rules() {
  return {};
}

}  // namespace ph::harness::rules::nntp
