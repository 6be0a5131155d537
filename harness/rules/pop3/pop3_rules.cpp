#include "harness/rules/pop3/pop3_rules.hpp"

namespace ph::harness::rules::pop3 {

std::span<const rule* const> rules() {
  return {};
}

}  // namespace ph::harness::rules::pop3
