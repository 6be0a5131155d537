#include "harness/rules/http/http_rules.hpp"

namespace ph::harness::rules::http {

std::span<const rule* const> rules() {
  return {};
}

}  // namespace ph::harness::rules::http
