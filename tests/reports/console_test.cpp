#include "reports/console.hpp"

#include <gtest/gtest.h>

#include "reports/encoding.hpp"
#include "tests/reports/sample_results.hpp"

namespace ph::reports {
namespace {

using namespace testing;

TEST(ConsoleLine, PassIsOneLine) {
  auto r = result_with({});
  r.id = "smtp/data-dot-stuffing";
  EXPECT_EQ(console_line(r), "PASS  smtp/data-dot-stuffing               12 ms\n");
}

TEST(Console, ColourWrapsTheVerdictWordAndKeepsTheColumns) {
  auto r = result_with({c(0, "QUIT\r\n")});
  render_options colour;
  colour.color = true;
  EXPECT_EQ(console_line(r, colour),
            "\033[1;32mPASS\033[0m  smtp/sample" + std::string(22, ' ') + "    12 ms\n");
  r.final = ph::verdict::error;
  EXPECT_TRUE(console_line(r, colour).starts_with("\033[1;35mERROR\033[0m smtp/sample"));
  EXPECT_EQ(console_line(r).find('\033'), std::string::npos);
}

TEST(ConsoleLine, FailListsRulesEvidenceAndProblems) {
  const std::string out = console_line(failing_result());
  EXPECT_EQ(out,
            "FAIL  smtp/sample" + std::string(26, ' ') +
                "12 ms\n"
                "      SMTP-QUIT (RFC 5321 §4.1.1.10, SHOULD): no QUIT before close\n"
                "      SMTP-DOT-STUFF (RFC 5321 §4.5.2, MUST): body line starting with '.' was not "
                "doubled\n"
                "        conn 1, event 5: .starts with a dot␍␊\n"
                "      step: expected error SMTPDataError\n"
                "      problem: server step 4: expected \"QUIT\", got end of input\n");
}

TEST(ConsoleLine, EvidenceIsCappedAndRedacted) {
  auto r = failing_result();
  r.secrets = {"hunter2"};
  r.rules[1].evidence = {{1, 1, "PASS hunter2\r\n"}, {1, 2, "x"}, {1, 3, "y"}, {2, 4, "z"}};
  const std::string out = console_line(r);
  EXPECT_NE(out.find("conn 1, event 1: PASS ***␍␊"), std::string::npos) << out;
  EXPECT_NE(out.find("        … 1 more\n"), std::string::npos) << out;
  EXPECT_EQ(out.find("conn 2"), std::string::npos);
}

TEST(ConsoleLine, CutEvidenceNamesTheWholeBytes) {
  auto r = failing_result();
  const std::string line(5000, 'A');
  r.rules[1].evidence = {{1, 1, line.substr(0, 80), line.size(), sha256_hex(line)}};
  const std::string out = console_line(r);
  EXPECT_NE(out.find("conn 1, event 1: " + line.substr(0, 80) + " (5000 bytes in all, sha256 " +
                     sha256_hex(line) + ")\n"),
            std::string::npos)
      << out;
}

TEST(ConsoleLine, ErrorShowsProblems) {
  auto r = result_with({});
  r.final = ph::verdict::error;
  r.problems = {"cannot start client: no such file\n"};
  EXPECT_EQ(console_line(r), "ERROR smtp/sample" + std::string(26, ' ') +
                                 "12 ms\n"
                                 "      problem: cannot start client: no such file␊\n");
}

TEST(ConsoleSummary, CountsTimeAndRate) {
  auto pass = result_with({});
  auto warn = result_with({});
  warn.id = "smtp/w";
  warn.final = ph::verdict::warn;
  auto fail = failing_result();
  fail.id = "smtp/f";
  auto error = result_with({});
  error.id = "pop3/e";
  error.final = ph::verdict::error;
  run_info info;
  info.wall_time = 2000000us;
  info.jobs = 2;
  EXPECT_EQ(console_summary({pass, pass, warn, fail, error}, info),
            "5 scenarios: 2 PASS, 1 WARN, 1 FAIL, 1 ERROR in 2.000 s (2.5 scenarios/s, -j 2)\n"
            "  ERROR pop3/e\n"
            "  FAIL  smtp/f\n"
            "  WARN  smtp/w\n");
}

TEST(ConsoleSummary, NoRateWithoutWallTime) {
  EXPECT_EQ(console_summary({result_with({})}, run_info{}),
            "1 scenario: 1 PASS, 0 WARN, 0 FAIL, 0 ERROR in 0.000 s\n");
}

}  // namespace
}  // namespace ph::reports
