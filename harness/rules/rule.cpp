#include "harness/rules/rule.hpp"

#include <algorithm>

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
// One row per protocol.
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

std::vector<rule_result> judge(std::string_view protocol,
                               const std::vector<transcript>& connections, const context& given) {
  parse_cache cache;
  context ctx = given;
  ctx.cache = &cache;
  std::vector<rule_result> out;
  for (const rule* r : rules_for(protocol)) {
    rule_result merged = not_applicable(r->info());
    for (const auto& t : connections) {
      rule_result one = r->check(t, ctx);
      for (auto& ev : one.evidence)
        ev.connection = t.connection;
      if (one.result == outcome::fail) {
        if (merged.result != outcome::fail) {
          merged = std::move(one);
        } else {
          // A rule may fail at its SHOULD-level facet on one connection and at MUST level on
          // another: the verdict follows the stronger break.
          if (one.rule != nullptr && merged.rule != nullptr && one.rule->lvl == level::must &&
              merged.rule->lvl != level::must) {
            merged.rule = one.rule;
            merged.message = std::move(one.message);
          }
          merged.evidence.insert(merged.evidence.end(), one.evidence.begin(), one.evidence.end());
        }
      } else if (one.result == outcome::pass && merged.result == outcome::not_applicable) {
        merged = std::move(one);
      }
    }
    out.push_back(std::move(merged));
  }
  return out;
}

rule_result pass(const rule_info& info, std::string message) {
  return {&info, outcome::pass, std::move(message), {}};
}

rule_result not_applicable(const rule_info& info, std::string message) {
  return {&info, outcome::not_applicable, std::move(message), {}};
}

rule_result fail(const rule_info& info, std::string message, std::vector<evidence> ev) {
  return {&info, outcome::fail, std::move(message), std::move(ev)};
}

}  // namespace ph::harness::rules
