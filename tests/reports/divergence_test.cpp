#include "reports/divergence.hpp"

#include <gtest/gtest.h>

#include "tests/reports/sample_results.hpp"

namespace ph::reports {
namespace {

using namespace testing;

std::string middle(std::string_view s, const text_cut& cut) {
  return std::string(s.substr(cut.head, cut.tail - cut.head));
}

TEST(DiffPattern, AnExtraSpaceIsTheDifference) {
  const std::string p = "MAIL FROM:<a@b.example>", a = "MAIL FROM: <a@b.example>";
  const auto d = diff_pattern(p, a, false);
  ASSERT_TRUE(d.differs);
  EXPECT_EQ(d.expected.head, 10u);
  EXPECT_EQ(middle(p, d.expected), "");
  EXPECT_EQ(d.actual.head, 10u);
  EXPECT_EQ(middle(a, d.actual), " ");
}

TEST(DiffPattern, GlobsMatchLikeTheScript) {
  EXPECT_FALSE(diff_pattern("EHLO *", "ehlo client.example", false).differs);
  EXPECT_FALSE(diff_pattern("RCPT TO:<?@b>", "RCPT TO:<a@b>", false).differs);
  const std::string p = "EHLO *", a = "HELO client";
  const auto d = diff_pattern(p, a, false);
  ASSERT_TRUE(d.differs);
  EXPECT_EQ(d.expected.head, 0u);
  EXPECT_EQ(middle(p, d.expected), "EHLO *");
  EXPECT_EQ(middle(a, d.actual), "HELO client");
}

TEST(DiffPattern, TheTailMatchesFromTheEnd) {
  const std::string p = "RCPT TO:<b@fake.test>", a = "RCPT TO:<c@fake.test>";
  const auto d = diff_pattern(p, a, false);
  EXPECT_EQ(middle(p, d.expected), "b");
  EXPECT_EQ(middle(a, d.actual), "c");
}

TEST(DiffPattern, CutsStayOnUtf8Boundaries) {
  const std::string p = "SUBJECT \xC3\xA9t\xC3\xA9", a = "SUBJECT \xC3\xA8t\xC3\xA9";  // é / è
  const auto d = diff_pattern(p, a, false);
  EXPECT_EQ(middle(p, d.expected), "\xC3\xA9");
  EXPECT_EQ(middle(a, d.actual), "\xC3\xA8");
}

TEST(DiffPattern, ARegexDiffersWholeOrNotAtAll) {
  EXPECT_FALSE(diff_pattern("MAIL FROM:<[^ ]+>", "MAIL FROM:<a@b>", true).differs);
  const auto d = diff_pattern("MAIL FROM:<[^ ]+>", "MAIL FROM: <a@b>", true);
  EXPECT_TRUE(d.differs);
  EXPECT_EQ(d.actual.head, 0u);
  EXPECT_TRUE(diff_pattern("[", "x", true).differs);  // a broken regex matches nothing
}

ph::script_step_trace mismatched_step(int event) {
  ph::script_step_trace tr;
  tr.connection = 1;
  tr.step = 3;
  tr.reached = true;
  tr.matched = false;
  tr.mismatch = "test.toml:9: step 3: script expected 'DATA', client sent 'RSET'";
  tr.event = event;
  return tr;
}

TEST(FirstDivergence, TheEarliestOfScriptAndMustRules) {
  auto r = failing_result();  // a MUST rule with evidence at conn 1, event 5
  r.script = {mismatched_step(7)};
  auto d = first_divergence(r);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->source, divergence_source::rule);
  EXPECT_EQ(d->event, 5);
  EXPECT_NE(d->summary.find("SMTP-DOT-STUFF"), std::string::npos) << d->summary;
  EXPECT_NE(d->summary.find("conn 1, event 5"), std::string::npos) << d->summary;

  r.script = {mismatched_step(5)};  // a tie: the script says what was expected
  d = first_divergence(r);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->source, divergence_source::script);
  EXPECT_EQ(d->index, 0);
  EXPECT_EQ(d->summary, r.script[0].mismatch);
}

TEST(FirstDivergence, ThenClientStepsThenRulesThenProblems) {
  auto r = failing_result();
  r.rules[1].evidence.clear();  // the MUST rule, without evidence now
  auto d = first_divergence(r);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->source, divergence_source::client_step);
  EXPECT_EQ(d->summary, "expected error SMTPDataError");
  r.steps.clear();
  d = first_divergence(r);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->source, divergence_source::rule);
  EXPECT_EQ(d->index, 0);  // the first failing rule in order, the SHOULD one
  r.rules.clear();
  d = first_divergence(r);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->source, divergence_source::problem);
  r.problems.clear();
  EXPECT_FALSE(first_divergence(r));
}

TEST(FirstDivergence, ShouldRulesCountWhenNoMustRuleFailed) {
  auto r = result_with({c(0, "QUIT\r\n")});
  ph::rule_result should{&should_rule, ph::outcome::fail, "no 221 awaited", {{1, 0, "QUIT"}}};
  r.rules = {should};
  r.script = {};
  auto d = first_divergence(r);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->source, divergence_source::rule);
  EXPECT_EQ(d->connection, 1);
  EXPECT_EQ(d->event, 0);
}

TEST(FirstDivergence, UnreachedOrMatchedStepsAreNoDivergence) {
  auto r = result_with({c(0, "QUIT\r\n")});
  auto tr = mismatched_step(0);
  tr.reached = false;
  r.script = {tr};
  tr.reached = true;
  tr.matched = true;
  r.script.push_back(tr);
  EXPECT_FALSE(first_divergence(r));
}

}  // namespace
}  // namespace ph::reports
