#include "reports/compare.hpp"

#include <filesystem>
#include <fstream>
#include <random>

#include <gtest/gtest.h>

namespace ph::reports {
namespace {

using json = nlohmann::json;

json scenario(const std::string& id, const std::string& verdict, double ms,
              std::vector<std::string> failing = {}, const std::string& divergence = "") {
  json rules = json::array();
  for (const auto& r : failing)
    rules.push_back({{"id", r}, {"outcome", "fail"}});
  rules.push_back({{"id", "X-PASSING"}, {"outcome", "pass"}});
  json s = {{"id", id}, {"verdict", verdict}, {"duration_ms", ms}, {"rules", rules}};
  if (!divergence.empty()) s["first_divergence"] = {{"text", divergence}};
  return s;
}

json report(std::vector<json> scenarios) {
  return {{"schema", "protoharness.report/1"},
          {"run", {{"started_at", "2026-01-01T00:00:00.000Z"}}},
          {"scenarios", scenarios}};
}

const json base =
    report({scenario("a/stays", "PASS", 10), scenario("a/breaks", "PASS", 10),
            scenario("a/heals", "FAIL", 10, {"R-1"}), scenario("a/warned", "WARN", 10, {"R-2"}),
            scenario("a/goes", "PASS", 10), scenario("a/slows", "PASS", 100)});

TEST(Compare, NothingChangedIsNothingWorse) {
  const auto c = compare_reports(base, base);
  EXPECT_FALSE(c.got_worse());
  EXPECT_TRUE(c.worse.empty() && c.fixed.empty() && c.findings.empty() && c.added.empty() &&
              c.removed.empty() && c.slower.empty());
  EXPECT_EQ(c.base_total, 6u);
  EXPECT_NE(compare_text(c).find("nothing got worse"), std::string::npos);
}

TEST(Compare, SortsEveryKindOfChange) {
  const json next =
      report({scenario("a/stays", "PASS", 12),
              scenario("a/breaks", "FAIL", 10, {"R-9"}, "step 3: expected QUIT"),
              scenario("a/heals", "PASS", 10), scenario("a/warned", "WARN", 10, {"R-3"}),
              scenario("a/slows", "PASS", 900), scenario("a/new", "ERROR", 5)});
  const auto c = compare_reports(base, next);
  EXPECT_TRUE(c.got_worse());
  ASSERT_EQ(c.worse.size(), 2u);
  EXPECT_EQ(c.worse[0].id, "a/breaks");
  EXPECT_EQ(c.worse[0].base_verdict, "PASS");
  EXPECT_EQ(c.worse[0].new_verdict, "FAIL");
  EXPECT_EQ(c.worse[0].rules_added, std::vector<std::string>{"R-9"});
  EXPECT_EQ(c.worse[0].divergence, "step 3: expected QUIT");
  EXPECT_EQ(c.worse[1].id, "a/new");  // added and not passing
  ASSERT_EQ(c.fixed.size(), 1u);
  EXPECT_EQ(c.fixed[0].id, "a/heals");
  EXPECT_EQ(c.fixed[0].rules_gone, std::vector<std::string>{"R-1"});
  ASSERT_EQ(c.findings.size(), 1u);
  EXPECT_EQ(c.findings[0].rules_added, std::vector<std::string>{"R-3"});
  EXPECT_EQ(c.findings[0].rules_gone, std::vector<std::string>{"R-2"});
  ASSERT_EQ(c.added.size(), 1u);
  ASSERT_EQ(c.removed.size(), 1u);
  EXPECT_EQ(c.removed[0].id, "a/goes");
  ASSERT_EQ(c.slower.size(), 1u);  // a/stays took 20% longer: under the threshold
  EXPECT_EQ(c.slower[0].id, "a/slows");

  const std::string text = compare_text(c);
  EXPECT_NE(text.find("PASS → FAIL"), std::string::npos) << text;
  EXPECT_NE(text.find("+R-9"), std::string::npos);
  EXPECT_NE(text.find("first divergence: step 3: expected QUIT"), std::string::npos);
  EXPECT_NE(text.find("FAIL → PASS"), std::string::npos);
  EXPECT_NE(text.find("100 ms → 900 ms"), std::string::npos);
  EXPECT_NE(text.find("worse than the base run"), std::string::npos);
  const std::string md = compare_markdown(c);
  EXPECT_EQ(md.rfind("## ❌ protoharness compare: 2 worse, 1 fixed", 0), 0u) << md;
  EXPECT_NE(md.find("| `a/breaks` | PASS → FAIL | +R-9 | `step 3: expected QUIT` |"),
            std::string::npos)
      << md;
  const std::string html = compare_html(c);
  EXPECT_EQ(html.rfind("<!doctype html>", 0), 0u);
  EXPECT_NE(html.find("<span class=\"badge FAIL\">FAIL</span>"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
}

TEST(Compare, BetterOnlyIsNotWorse) {
  const json next = report({scenario("a/stays", "PASS", 10), scenario("a/breaks", "PASS", 10),
                            scenario("a/heals", "PASS", 10), scenario("a/warned", "PASS", 10),
                            scenario("a/goes", "PASS", 10), scenario("a/slows", "PASS", 10)});
  const auto c = compare_reports(base, next);
  EXPECT_FALSE(c.got_worse());
  EXPECT_EQ(c.fixed.size(), 2u);
}

TEST(Compare, ANewFindingAloneIsWorse) {
  json next = base;
  next["scenarios"][3] = scenario("a/warned", "WARN", 10, {"R-2", "R-4"});
  EXPECT_TRUE(compare_reports(base, next).got_worse());
}

TEST(Compare, TimeThresholdsAndIgnoreTime) {
  json next = base;
  next["scenarios"][5]["duration_ms"] = 300;  // 3x but only +200 ms
  EXPECT_TRUE(compare_reports(base, next).slower.empty());
  compare_options opts;
  opts.time_min = std::chrono::milliseconds(100);
  EXPECT_EQ(compare_reports(base, next, opts).slower.size(), 1u);
  opts.ignore_time = true;
  EXPECT_FALSE(compare_reports(base, next, opts).got_worse());
}

TEST(Compare, LoadsAFileOrAFolderAndRejectsOtherFiles) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("ph_compare_test_" + std::to_string(std::random_device{}()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "report.json") << base.dump();
  EXPECT_EQ(load_report(dir), base);
  EXPECT_EQ(load_report(dir / "report.json"), base);
  std::ofstream(dir / "other.json") << R"({"reportFormat": "CTRF"})";
  std::ofstream(dir / "broken.json") << "{";
  for (const char* name : {"other.json", "broken.json", "missing.json"}) {
    try {
      load_report(dir / name);
      ADD_FAILURE() << name << " was accepted";
    } catch (const std::runtime_error& e) {
      EXPECT_NE(std::string(e.what()).find(name), std::string::npos) << e.what();
    }
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace ph::reports
