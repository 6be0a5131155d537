#pragma once
// Assertions every protocol's rule tests share: run one rule of the registry on a transcript
// and check its outcome, level and evidence.

#include <cstdlib>
#include <fstream>
#include <set>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "harness/protocols.hpp"
#include "harness/rules/rule.hpp"

namespace ph::harness::rules::rule_testing {

// The (rule id, verdict) pairs the tests of this executable asserted through expect_fail and
// expect_pass. At exit they are written, one "ID fail|pass" per line, to the file named by
// PH_RULE_OBSERVATIONS when it is set: the catalogue coverage check
// (tests/rules/catalogue_coverage.cpp) reads them to find rules without a failing or a
// passing case.
class observations {
 public:
  static observations& get() {
    static observations o;
    return o;
  }
  void add(const rule_result& r) {
    if (r.rule != nullptr) seen_.insert(r.rule->id + " " + std::string(to_string(r.result)));
  }
  observations(const observations&) = delete;
  observations& operator=(const observations&) = delete;
  ~observations() {
    const char* path = std::getenv("PH_RULE_OBSERVATIONS");
    if (path == nullptr || *path == '\0') return;
    std::ofstream out(path);
    for (const auto& line : seen_)
      out << line << "\n";
  }

 private:
  observations() = default;
  std::set<std::string> seen_;
};

// The protocol's rule set as the judge gets it: the `rules` column of its registry row.
inline std::span<const rule* const> rules_of(std::string_view protocol) {
  const protocol_row* row = find_protocol(protocol);
  if (row == nullptr) {
    ADD_FAILURE() << "no protocol " << protocol;
    return {};
  }
  return row->rules();
}

inline const rule* find_rule(std::string_view protocol, std::string_view id) {
  for (const rule* r : rules_of(protocol))
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
  if (r.rule->id == id && r.rule->lvl == lvl && r.evidence.front().event == event)
    observations::get().add(r);
}

inline void expect_pass(const rule_result& r) {
  EXPECT_EQ(r.result, outcome::pass) << describe(r);
  if (r.result == outcome::pass) observations::get().add(r);
}

inline void expect_na(const rule_result& r) {
  EXPECT_EQ(r.result, outcome::not_applicable) << describe(r);
}

}  // namespace ph::harness::rules::rule_testing
