#pragma once
// Assertions every protocol's rule tests share: run one rule of the registry on a transcript
// and check its outcome, level and evidence.

#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "harness/rules/rule.hpp"

namespace ph::harness::rules::rule_testing {

inline const rule* find_rule(std::string_view protocol, std::string_view id) {
  for (const rule* r : rules_for(protocol))
    if (r->info().id == id) return r;
  return nullptr;
}

inline rule_result run_rule(std::string_view protocol, std::string_view id, const transcript& t,
                            const context& ctx) {
  const rule* r = find_rule(protocol, id);
  if (r == nullptr) {
    ADD_FAILURE() << "no " << protocol << " rule " << id;
    return {};
  }
  return r->check(t, ctx);
}

inline std::string describe(const rule_result& r) {
  std::string out = std::string(to_string(r.result)) + ": " + r.message;
  for (const auto& e : r.evidence)
    out += " [event " + std::to_string(e.event) + " '" + e.excerpt + "']";
  return out;
}

// The result fails rule `id` (at `lvl`) with its first evidence on `event`.
inline void expect_fail(const rule_result& r, std::string_view id, int event,
                        level lvl = level::must) {
  ASSERT_EQ(r.result, outcome::fail) << describe(r);
  ASSERT_NE(r.rule, nullptr);
  EXPECT_EQ(r.rule->id, id);
  EXPECT_EQ(r.rule->lvl, lvl) << describe(r);
  ASSERT_FALSE(r.evidence.empty());
  EXPECT_EQ(r.evidence.front().event, event) << describe(r);
}

inline void expect_pass(const rule_result& r) {
  EXPECT_EQ(r.result, outcome::pass) << describe(r);
}

inline void expect_na(const rule_result& r) {
  EXPECT_EQ(r.result, outcome::not_applicable) << describe(r);
}

}  // namespace ph::harness::rules::rule_testing
