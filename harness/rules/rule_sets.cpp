// The protocol → rule-set lookup: the one place that knows every protocol's rules, so that
// the rule base (rule.cpp) depends on none of them.

#include <span>
#include <string_view>
#include <vector>

#include "harness/rules/rule.hpp"

#include "harness/rules/ftp/ftp_rules.hpp"
#include "harness/rules/http/http_rules.hpp"
#include "harness/rules/nntp/nntp_rules.hpp"
#include "harness/rules/pop3/pop3_rules.hpp"
#include "harness/rules/smtp/smtp_rules.hpp"

namespace ph::harness::rules {

namespace {

struct protocol_rules {
  std::string_view protocol;
  std::span<const rule* const> (*rules)();
};

// One row per protocol: adding a protocol's rules touches this table only.
// clang-format off
constexpr protocol_rules registry[] = {
    {"smtp", &smtp::rules},
    {"pop3", &pop3::rules},
    {"nntp", &nntp::rules},
    {"ftp", &ftp::rules},
    {"http", &http::rules},
};
// clang-format on

}  // namespace

std::span<const rule* const> rules_for(std::string_view protocol) {
  for (const auto& row : registry)
    if (row.protocol == protocol) return row.rules();
  return {};
}

std::vector<const rule*> all_rules() {
  std::vector<const rule*> out;
  for (const auto& row : registry) {
    auto r = row.rules();
    out.insert(out.end(), r.begin(), r.end());
  }
  return out;
}

}  // namespace ph::harness::rules
