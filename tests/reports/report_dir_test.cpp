#include "reports/report_dir.hpp"

#include <fstream>
#include <random>
#include <sstream>

#include <gtest/gtest.h>

#include "tests/reports/sample_results.hpp"

namespace ph::reports {
namespace {

namespace fs = std::filesystem;
using namespace testing;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class ReportDir : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("ph_reports_tests_" + std::to_string(std::random_device{}()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
  }
  void TearDown() override { fs::remove_all(root_); }
  fs::path root_;
};

TEST(TranscriptFileName, SlashesBecomeDoubleUnderscores) {
  EXPECT_EQ(transcript_file_name("smtp/data-dot-stuffing"), "smtp__data-dot-stuffing.txt");
  EXPECT_EQ(transcript_file_name("a/b\\c"), "a__b__c.txt");
  EXPECT_EQ(transcript_file_name(""), "unnamed.txt");
}

TEST_F(ReportDir, WritesEveryFileCreatingFolders) {
  auto a = failing_result();
  a.id = "smtp/data-dot-stuffing";
  auto b = result_with({c(0, "USER x\r\n")}, "pop3");
  const fs::path dir = root_ / "nested" / "report";
  write_report_dir(dir, {a, b}, run_info{}, {});
  EXPECT_NE(slurp(dir / "junit.xml").find("<testsuites"), std::string::npos);
  EXPECT_NE(slurp(dir / "index.html").find("smtp/data-dot-stuffing"), std::string::npos);
  EXPECT_EQ(nlohmann::json::parse(slurp(dir / "ctrf.json"))["reportFormat"], "CTRF");
  EXPECT_NE(slurp(dir / "summary.md").find("(index.html#smtp/data-dot-stuffing)"),
            std::string::npos);
  const auto report = nlohmann::json::parse(slurp(dir / "report.json"));
  EXPECT_EQ(report["schema"], "protoharness.report/1");
  EXPECT_EQ(report["scenarios"].size(), 2u);
  const std::string t = slurp(dir / "transcripts" / "smtp__data-dot-stuffing.txt");
  EXPECT_EQ(t.rfind("# smtp/data-dot-stuffing · conn 1 · control", 0), 0u);
  EXPECT_TRUE(fs::exists(dir / "transcripts" / "pop3__sample.txt"));
}

TEST_F(ReportDir, ReplacesAnEarlierReport) {
  write_report_dir(root_, {failing_result()}, run_info{}, {});
  write_report_dir(root_, {}, run_info{}, {});
  EXPECT_EQ(nlohmann::json::parse(slurp(root_ / "report.json"))["scenarios"].size(), 0u);
}

TEST_F(ReportDir, ErrorNamesThePath) {
  fs::create_directories(root_);
  const fs::path blocker = root_ / "file";
  std::ofstream(blocker) << "x";
  try {
    write_report_dir(blocker / "sub", {}, run_info{}, {});
    FAIL() << "no exception";
  } catch (const fs::filesystem_error& e) {
    EXPECT_NE(std::string(e.what()).find((blocker / "sub").string()), std::string::npos)
        << e.what();
  }
}

TEST_F(ReportDir, UnwritableFileNamesThePath) {
  fs::create_directories(root_ / "junit.xml");  // a folder where the file should go
  try {
    write_report_dir(root_, {}, run_info{}, {});
    FAIL() << "no exception";
  } catch (const fs::filesystem_error& e) {
    EXPECT_NE(std::string(e.what()).find((root_ / "junit.xml").string()), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace ph::reports
