#include "reports/report_reader.hpp"

#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "reports/json_report.hpp"
#include "tests/reports/sample_results.hpp"

namespace ph::reports {
namespace {

using namespace testing;
using ::testing::HasSubstr;
using json = nlohmann::json;

const ph::rule_info* sample_rule(std::string_view id) {
  for (const auto* r : {&must_rule, &should_rule})
    if (r->id == id) return r;
  return nullptr;
}

run_info sample_info() {
  run_info i;
  i.tool_version = "0.1.0";
  i.started_at = "2024-05-01T12:00:00.000Z";
  i.wall_time = 1500us;
  i.jobs = 2;
  i.client = "in-tree";
  i.hostname = "ci-1";
  i.command = "protoharness run scenarios/ --shard 1/2";
  i.paths = {"scenarios/"};
  return i;
}

// What merge relies on: reading a report back and writing it again gives the same report.
TEST(ReportReader, ReadingBackAndWritingAgainGivesTheSameReport) {
  auto failing = failing_result();
  failing.connections[0].events.push_back(s(1400, std::string("\xff\x00 binary", 9)));
  failing.connections[0].elided = ph::elision{4096, 7, 10, "ab", 20, "cd", 3, 1400us};
  ph::script_step_trace step;
  step.connection = 1;
  step.step = 2;
  step.where = "smtp/sample.toml:9";
  step.read = ph::script_read::line;
  step.expected = "EHLO *";
  step.reached = true;
  step.matched = false;
  step.mismatch = "expected EHLO";
  step.actual = "HELO x\r\n";
  step.actual_bytes = 8;
  step.event = 1;
  step.sent = "250 ok\r\n";
  failing.script = {step};
  failing.client_log = "client said \xc3\xa9";
  auto passing = result_with({c(0, "QUIT\r\n")}, "pop3");
  passing.tags = {"security", "starttls"};
  render_options full;
  full.full_data = true;
  const json written = json_report({failing, passing}, sample_info(), full);

  const auto read = results_from_report(written, &sample_rule);
  ASSERT_EQ(read.size(), 2u);
  EXPECT_EQ(json_report(read, run_info_from_report(written), full), written);
  ASSERT_FALSE(read[0].connections.empty());
  ASSERT_FALSE(read[0].connections[0].events.empty());
  ASSERT_GE(read[0].rules.size(), 2u);
  EXPECT_EQ(read[0].connections[0].events.back().bytes, std::string("\xff\x00 binary", 9));
  EXPECT_EQ(read[0].rules[1].rule, &must_rule);  // the registry's rule, not a copy
}

TEST(ReportReader, DropsRulesTheRegistryDoesNotKnow) {
  const json written = json_report({failing_result()}, sample_info(), {});
  const auto read = results_from_report(
      written, [](std::string_view id) { return id == "SMTP-QUIT" ? &should_rule : nullptr; });
  ASSERT_EQ(read.size(), 1u);
  ASSERT_EQ(read[0].rules.size(), 1u);
  EXPECT_EQ(read[0].rules[0].rule->id, "SMTP-QUIT");
}

TEST(ReportReader, AWrongFieldNamesTheScenario) {
  json written = json_report({failing_result()}, sample_info(), {});
  written["scenarios"][0]["verdict"] = "MAYBE";
  try {
    (void)results_from_report(written, &sample_rule);
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("smtp/sample"));
    EXPECT_THAT(e.what(), HasSubstr("MAYBE"));
  }
  written["scenarios"][0]["verdict"] = 3;
  EXPECT_THROW((void)results_from_report(written, &sample_rule), std::runtime_error);
}

TEST(ReportReader, LoadReportRefusesWhatIsNotAReport) {
  const auto dir = std::filesystem::temp_directory_path() / "ph-report-reader-test";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "report.json") << R"({"schema": "something/1", "scenarios": []})";
  EXPECT_THROW((void)load_report(dir), std::runtime_error);
  std::ofstream(dir / "report.json") << R"({"schema": "protoharness.report/1", "scenarios": []})";
  EXPECT_TRUE(load_report(dir)["scenarios"].empty());
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace ph::reports
