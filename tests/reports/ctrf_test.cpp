#include "reports/ctrf.hpp"

#include <regex>
#include <set>

#include <gtest/gtest.h>

#include "tests/reports/sample_results.hpp"

namespace ph::reports {
namespace {

using json = nlohmann::json;
using namespace testing;

// The rules of the CTRF JSON Schema (ctrf-io/ctrf schema/ctrf.schema.json, spec 0.0.0) that
// a producer can break: required fields, types, the status enum, integer milliseconds, and
// no property outside the schema except inside "extra". Returns every violation found.
class ctrf_checker {
 public:
  std::vector<std::string> check(const json& doc) {
    errors_.clear();
    object(doc, "$", {"reportFormat", "specVersion", "results"},
           {"reportFormat", "specVersion", "reportId", "timestamp", "generatedBy", "extra",
            "results", "insights", "baseline"});
    if (doc.value("reportFormat", "") != "CTRF") fail("$.reportFormat must be \"CTRF\"");
    if (!doc.contains("specVersion") || !doc["specVersion"].is_string() ||
        !std::regex_match(doc["specVersion"].get<std::string>(),
                          std::regex(R"(^[0-9]+\.[0-9]+\.[0-9]+$)")))
      fail("$.specVersion must be MAJOR.MINOR.PATCH");
    for (const char* key : {"timestamp", "generatedBy"})
      if (doc.contains(key) && !doc[key].is_string())
        fail(std::string("$.") + key + " not a string");
    if (doc.contains("timestamp") &&
        !std::regex_match(
            doc["timestamp"].get<std::string>(),
            std::regex(R"(^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$)")))
      fail("$.timestamp is not an RFC 3339 date-time");
    if (!doc.contains("results")) return errors_;
    const json& results = doc["results"];
    object(results, "$.results", {"tool", "summary", "tests"},
           {"tool", "summary", "tests", "environment", "extra"});
    if (results.contains("tool")) {
      const json& tool = results["tool"];
      object(tool, "$.results.tool", {"name"}, {"name", "version", "extra"});
      nonempty_string(tool, "name", "$.results.tool");
    }
    if (results.contains("summary")) {
      const json& s = results["summary"];
      const std::vector<std::string> counts = {"tests",   "passed", "failed", "skipped",
                                               "pending", "other",  "start",  "stop"};
      object(s, "$.results.summary", counts,
             {"tests", "passed", "failed", "skipped", "pending", "other", "flaky", "suites",
              "start", "stop", "duration", "extra"});
      for (const auto& [key, v] : s.items())
        if (key != "extra" && !v.is_number_integer())
          fail("$.results.summary." + key + " not an integer");
    }
    if (results.contains("environment"))
      object(results["environment"], "$.results.environment", {},
             {"reportName", "appName", "appVersion", "buildId", "buildName", "buildNumber",
              "buildUrl", "repositoryName", "repositoryUrl", "commit", "branchName", "osPlatform",
              "osRelease", "osVersion", "testEnvironment", "healthy", "extra"});
    if (!results.contains("tests") || !results["tests"].is_array()) {
      fail("$.results.tests must be an array");
      return errors_;
    }
    for (std::size_t i = 0; i < results["tests"].size(); ++i)
      test(results["tests"][i], i);
    return errors_;
  }

 private:
  void fail(std::string what) { errors_.push_back(std::move(what)); }

  void object(const json& j, const std::string& at, const std::vector<std::string>& required,
              const std::set<std::string>& allowed) {
    if (!j.is_object()) {
      fail(at + " must be an object");
      return;
    }
    for (const auto& key : required)
      if (!j.contains(key)) fail(at + "." + key + " is required");
    for (const auto& [key, v] : j.items()) {
      if (!allowed.contains(key)) fail(at + "." + key + " is not in the schema (use extra)");
      if (key == "extra" && !v.is_object()) fail(at + ".extra must be an object");
    }
  }

  void nonempty_string(const json& j, const char* key, const std::string& at) {
    if (j.contains(key) && (!j[key].is_string() || j[key].get<std::string>().empty()))
      fail(at + "." + key + " must be a non-empty string");
  }

  void strings(const json& j, const std::string& at, bool non_empty) {
    if (!j.is_array()) {
      fail(at + " must be an array");
      return;
    }
    if (non_empty && j.empty()) fail(at + " must have at least one item");
    for (const auto& v : j)
      if (!v.is_string()) fail(at + " must hold strings");
  }

  void test(const json& t, std::size_t i) {
    const std::string at = "$.results.tests[" + std::to_string(i) + "]";
    object(t, at, {"name", "status", "duration"},
           {"id",         "name",        "status",     "duration",      "start",
            "stop",       "suite",       "message",    "trace",         "snippet",
            "ai",         "line",        "rawStatus",  "tags",          "labels",
            "type",       "filePath",    "retries",    "retryAttempts", "flaky",
            "stdout",     "stderr",      "threadId",   "browser",       "device",
            "screenshot", "attachments", "parameters", "steps",         "insights",
            "extra"});
    nonempty_string(t, "name", at);
    static const std::set<std::string> statuses = {"passed", "failed", "skipped", "pending",
                                                   "other"};
    if (!t.contains("status") || !t["status"].is_string() ||
        !statuses.contains(t["status"].get<std::string>()))
      fail(at + ".status must be passed, failed, skipped, pending or other");
    for (const char* key : {"duration", "start", "stop", "line", "retries"})
      if (t.contains(key) && !t[key].is_number_integer()) fail(at + "." + key + " not an integer");
    for (const char* key : {"message", "trace", "rawStatus", "filePath", "type"})
      if (t.contains(key) && !t[key].is_string()) fail(at + "." + key + " not a string");
    if (t.contains("suite")) strings(t["suite"], at + ".suite", true);
    for (const char* key : {"tags", "stdout", "stderr"})
      if (t.contains(key)) strings(t[key], at + "." + key, false);
  }

  std::vector<std::string> errors_;
};

std::vector<ph::scenario_result> one_of_each() {
  auto pass = result_with({c(0, "QUIT\r\n")});
  pass.id = "smtp/pass";
  pass.tags = {"happy"};
  auto warn = result_with({c(0, "QUIT\r\n")});
  warn.id = "smtp/warn";
  warn.final = ph::verdict::warn;
  warn.rules = {{&should_rule, ph::outcome::fail, "no QUIT", {}}};
  auto fail = failing_result();
  auto error = result_with({}, "pop3");
  error.id = "pop3/error";
  error.final = ph::verdict::error;
  error.connections.clear();
  error.problems = {"harness error: could not bind"};
  return {pass, warn, fail, error};
}

run_info sample_info() {
  run_info info;
  info.tool_version = "0.1.0";
  info.started_at = "2024-05-01T12:34:56.789Z";
  info.wall_time = std::chrono::microseconds(1'234'567);
  info.hostname = "ci";
  info.command = "protoharness run scenarios/";
  return info;
}

TEST(Ctrf, TheCheckerCatchesWhatTheSchemaForbids) {
  // The checker must be able to fail: each of these breaks one rule of the schema.
  json good = ctrf_report(one_of_each(), sample_info(), {});
  ASSERT_TRUE(ctrf_checker().check(good).empty());
  auto broken = [&](auto&& change) {
    json doc = good;
    change(doc);
    return ctrf_checker().check(doc).size();
  };
  EXPECT_GT(broken([](json& d) { d["reportFormat"] = "ctrf"; }), 0u);
  EXPECT_GT(broken([](json& d) { d["specVersion"] = "1.0"; }), 0u);
  EXPECT_GT(broken([](json& d) { d["results"]["tests"][0]["status"] = "warn"; }), 0u);
  EXPECT_GT(broken([](json& d) { d["results"]["tests"][0]["duration"] = 1.5; }), 0u);
  EXPECT_GT(broken([](json& d) { d["results"]["tests"][0]["verdict"] = "PASS"; }), 0u);
  EXPECT_GT(broken([](json& d) { d["results"]["summary"].erase("pending"); }), 0u);
  EXPECT_GT(broken([](json& d) { d["results"]["tool"]["name"] = ""; }), 0u);
  EXPECT_GT(broken([](json& d) { d["results"]["tests"][0]["suite"] = json::array(); }), 0u);
  EXPECT_GT(broken([](json& d) { d["run"] = 1; }), 0u);
}

TEST(Ctrf, TheReportFollowsTheSchema) {
  const json doc = ctrf_report(one_of_each(), sample_info(), {});
  const auto errors = ctrf_checker().check(doc);
  for (const auto& e : errors)
    ADD_FAILURE() << e;
  // And it survives its own serialisation.
  EXPECT_EQ(json::parse(ctrf_report_text(one_of_each(), sample_info(), {})), doc);
  EXPECT_TRUE(ctrf_checker().check(ctrf_report({}, run_info{}, {})).empty());
}

TEST(Ctrf, VerdictsMapToStatusesAndCounts) {
  const json doc = ctrf_report(one_of_each(), sample_info(), {});
  const json& tests = doc["results"]["tests"];
  ASSERT_EQ(tests.size(), 4u);
  EXPECT_EQ(tests[0]["status"], "passed");
  EXPECT_EQ(tests[1]["status"], "passed");
  EXPECT_EQ(tests[1]["rawStatus"], "WARN");
  EXPECT_EQ(tests[2]["status"], "failed");
  EXPECT_EQ(tests[3]["status"], "failed");
  EXPECT_EQ(tests[3]["rawStatus"], "ERROR");
  const json& s = doc["results"]["summary"];
  EXPECT_EQ(s["tests"], 4);
  EXPECT_EQ(s["passed"], 2);
  EXPECT_EQ(s["failed"], 2);
  EXPECT_EQ(s["suites"], 2);
  EXPECT_EQ(s["extra"]["warn"], 1);
  EXPECT_EQ(s["start"], 1714566896789LL);
  EXPECT_EQ(s["stop"], 1714566896789LL + 1235);
  EXPECT_EQ(s["duration"], 1235);
  EXPECT_EQ(doc["specVersion"], ctrf_spec_version);
}

TEST(Ctrf, AFailingTestCarriesItsDivergenceTraceAndTranscript) {
  const json t = ctrf_report(one_of_each(), sample_info(), {})["results"]["tests"][2];
  EXPECT_EQ(t["name"], "smtp/sample");
  EXPECT_EQ(t["suite"], json::array({"smtp"}));
  EXPECT_EQ(t["duration"], 12);
  EXPECT_NE(t["message"].get<std::string>().find("SMTP-DOT-STUFF"), std::string::npos);
  EXPECT_NE(t["trace"].get<std::string>().find("conn 1, event 5"), std::string::npos);
  EXPECT_EQ(t["stdout"][0], "# smtp/sample · conn 1 · control · 127.0.0.1:40122 → 127.0.0.1:39001");
  EXPECT_EQ(t["extra"]["rules"], json::array({"SMTP-QUIT", "SMTP-DOT-STUFF"}));
  const json pass = ctrf_report(one_of_each(), sample_info(), {})["results"]["tests"][0];
  EXPECT_FALSE(pass.contains("message"));
  EXPECT_FALSE(pass.contains("stdout"));
  EXPECT_EQ(pass["tags"], json::array({"happy"}));
}

TEST(Ctrf, CredentialsAreMasked) {
  auto r = result_with({c(0, "PASS hunter2\r\n")}, "pop3");
  r.final = ph::verdict::fail;
  r.problems = {"client sent 'PASS hunter2'"};
  EXPECT_EQ(ctrf_report_text({r}, sample_info(), {}).find("hunter2"), std::string::npos);
  render_options keep;
  keep.redact = false;
  EXPECT_NE(ctrf_report_text({r}, sample_info(), keep).find("hunter2"), std::string::npos);
}

TEST(Ctrf, EpochMillisecondsFromTheRunTimestamp) {
  EXPECT_EQ(epoch_ms("1970-01-01T00:00:01.500Z"), 1500);
  EXPECT_EQ(epoch_ms("not a time"), 0);
  EXPECT_EQ(epoch_ms(""), 0);
}

}  // namespace
}  // namespace ph::reports
