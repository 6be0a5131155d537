#include "reports/markdown_summary.hpp"

#include <gtest/gtest.h>

#include "tests/reports/sample_results.hpp"

namespace ph::reports {
namespace {

using namespace testing;

run_info sample_info() {
  run_info info;
  info.started_at = "2024-05-01T12:00:00.000Z";
  info.wall_time = std::chrono::microseconds(2'500'000);
  info.client = "in-tree";
  info.command = "protoharness run scenarios/";
  return info;
}

std::vector<ph::scenario_result> sample_run() {
  auto pass = result_with({c(0, "QUIT\r\n")});
  pass.id = "smtp/pass";
  auto warn = result_with({c(0, "QUIT\r\n")}, "pop3");
  warn.id = "pop3/warn";
  warn.final = ph::verdict::warn;
  warn.rules = {{&should_rule, ph::outcome::fail, "no QUIT", {}}};
  return {pass, warn, failing_result()};
}

TEST(MarkdownSummary, CountsFailuresWithTheirDivergenceAndFindings) {
  const std::string md = markdown_summary(sample_run(), sample_info(), {});
  EXPECT_EQ(md.rfind("## ❌ protoharness: 3 scenarios — 1 FAIL, 0 ERROR, 1 WARN, 1 PASS\n", 0), 0u)
      << md;
  EXPECT_NE(md.find("| smtp | 1 | 0 | 1 | 0 |"), std::string::npos) << md;
  EXPECT_NE(md.find("| pop3 | 0 | 1 | 0 | 0 |"), std::string::npos) << md;
  EXPECT_NE(md.find("### Failing\n\n- **FAIL** [`smtp/sample`](index.html#smtp/sample) — a sample\n"
                    "  - first divergence (rule): `SMTP-DOT-STUFF (RFC 5321 §4.5.2, MUST): body "
                    "line starting with '.' was not doubled at conn 1, event 5: .starts with a "
                    "dot␍␊`\n"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("  - MUST `SMTP-DOT-STUFF` (RFC 5321 §4.5.2): body line starting with '.' "
                    "was not doubled\n"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("### Warnings\n\n- **WARN** [`pop3/warn`]"), std::string::npos) << md;
  EXPECT_EQ(md.find("smtp/pass"), std::string::npos) << "passing scenarios are only counted";
  EXPECT_NE(md.find("Full report: [index.html](index.html)"), std::string::npos);
}

TEST(MarkdownSummary, StaysShortForAManyFailingRun) {
  std::vector<ph::scenario_result> results;
  for (int i = 0; i < 1000; ++i) {
    auto r = failing_result();
    r.id = "smtp/f" + std::to_string(i);
    results.push_back(r);
  }
  const std::string md = markdown_summary(results, sample_info(), {});
  EXPECT_LT(md.size(), 20'000u);
  EXPECT_NE(md.find("- … and 975 more in [the full report](index.html)"), std::string::npos);
  EXPECT_EQ(md.rfind("## ❌ protoharness: 1000 scenarios — 1000 FAIL", 0), 0u);
}

TEST(MarkdownSummary, RunTextCannotBecomeMarkup) {
  auto r = failing_result();
  r.summary = "a <script> [link](x) *bold* | pipe";
  r.rules[1].message = "saw `tick` and ``two``";
  const std::string md = markdown_summary({r}, sample_info(), {});
  EXPECT_NE(md.find("a \\<script\\> \\[link\\]\\(x\\) \\*bold\\* \\| pipe"), std::string::npos)
      << md;
  EXPECT_NE(md.find("saw \\`tick\\` and \\`\\`two\\`\\`"), std::string::npos) << md;
  EXPECT_EQ(markdown_code("a`b"), "``a`b``");
  EXPECT_EQ(markdown_code("`x"), "`` `x ``");
  EXPECT_EQ(markdown_code("line\nbreak"), "`line break`");
}

TEST(MarkdownSummary, CredentialsAreMasked) {
  auto r = failing_result();
  r.problems = {"script expected 'AUTH PLAIN *', client sent 'PASS hunter2'"};
  r.steps.clear();
  r.rules.clear();
  r.secrets = {"hunter2"};
  EXPECT_EQ(markdown_summary({r}, sample_info(), {}).find("hunter2"), std::string::npos);
  render_options keep;
  keep.redact = false;
  EXPECT_NE(markdown_summary({r}, sample_info(), keep).find("hunter2"), std::string::npos);
}

TEST(MarkdownSummary, AGreenRunSaysSo) {
  auto r = result_with({});
  const std::string md = markdown_summary({r}, sample_info(), {});
  EXPECT_EQ(md.rfind("## ✅ protoharness: 1 scenario — 0 FAIL", 0), 0u) << md;
  EXPECT_EQ(md.find("### Failing"), std::string::npos);
}

}  // namespace
}  // namespace ph::reports
