#include "harness/runner.hpp"

#include <filesystem>
#include <fstream>
#include <map>

#include <sys/stat.h>

#include <gtest/gtest.h>

namespace ph::harness {
namespace {

std::string write_temp(const std::string& name, const std::string& text) {
  auto dir =
      std::filesystem::temp_directory_path() / ("ph-runner-test-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  auto path = dir / name;
  std::ofstream(path) << text;
  return path.string();
}

const char* const happy = R"(protocol = "smtp"
summary = "model happy path"
[[client]]
op = "sendmail"
args = { from = "a@client.example.org", to = ["b@fake.test", "c@blocked.test"], message = "From: a@client.example.org\r\nSubject: t\r\n\r\nhello\r\n" }
expect = { refused = { "c@blocked.test" = 550 } }
[[client]]
op = "quit"
expect = { code = 221 }
[server]
mode = "model"
)";

TEST(Runner, RunsAScenarioEndToEnd) {
  auto r = run_scenario_file(write_temp("happy.toml", happy), {});
  EXPECT_EQ(r.protocol, "smtp");
  ASSERT_EQ(r.steps.size(), 2u);
  EXPECT_TRUE(r.steps[0].matched) << r.steps[0].mismatch;
  EXPECT_TRUE(r.steps[1].matched) << r.steps[1].mismatch;
  ASSERT_EQ(r.connections.size(), 1u);
  EXPECT_GT(r.connections[0].bytes(direction::client_to_server), 0u);
  EXPECT_FALSE(r.rules.empty());
  // The reports mask the credential forms of the protocol's registry row.
  EXPECT_TRUE(r.redaction.auth);
  EXPECT_FALSE(r.redaction.pass);
  EXPECT_EQ(r.redaction.continuations, std::vector<std::string_view>{"334"});
}

TEST(Runner, AnUnknownProtocolIsAnErrorNamingIt) {
  auto r = run_scenario_file(
      write_temp("gopher.toml",
                 "protocol = \"gopher\"\nsummary = \"x\"\n[server]\nmode = \"model\"\n"),
      {});
  EXPECT_EQ(r.final, verdict::error);
  ASSERT_FALSE(r.problems.empty());
  EXPECT_NE(r.problems[0].find("gopher.toml:1: unknown protocol 'gopher'"), std::string::npos)
      << r.problems[0];
}

TEST(Runner, ResultsCarryTagsExpectationsAndTheScriptTrace) {
  const std::string text = R"(protocol = "smtp"
summary = "script"
tags = ["a", "b"]
[[client]]
op = "ehlo"
[[client]]
op = "noop"
expect = { code = 250 }
[server]
mode = "script"
[[server.step]]
send = "220 hi"
[[server.step]]
expect = "EHLO *"
send = "250 ok"
[[server.step]]
expect = "NOOP"
send = "250 ok"
)";
  auto r = run_scenario_file(write_temp("trace.toml", text), {});
  EXPECT_EQ(r.tags, (std::vector<std::string>{"a", "b"}));
  ASSERT_EQ(r.steps.size(), 2u);
  EXPECT_TRUE(r.steps[0].expect.is_null());
  EXPECT_EQ(r.steps[1].expect, nlohmann::json({{"code", 250}}));
  ASSERT_EQ(r.script.size(), 3u);
  EXPECT_EQ(r.script[2].expected, "NOOP");
  EXPECT_EQ(r.script[2].actual, "NOOP\r\n");
  EXPECT_EQ(r.script[2].connection, 1);
}

TEST(Runner, AStepMismatchFails) {
  std::string text = happy;
  text.replace(text.find("\"c@blocked.test\" = 550"), 22, "\"c@blocked.test\" = 551");
  auto r = run_scenario_file(write_temp("mismatch.toml", text), {});
  EXPECT_EQ(r.final, verdict::fail);
  ASSERT_FALSE(r.steps.empty());
  EXPECT_FALSE(r.steps[0].matched);
  EXPECT_NE(r.steps[0].mismatch.find("mismatch.toml:6"), std::string::npos) << r.steps[0].mismatch;
}

TEST(Runner, ABrokenFileIsAnErrorNamingFileAndLine) {
  auto r = run_scenario_file(
      write_temp("broken.toml",
                 "protocol = \"smtp\"\nsummary = \"x\"\n[server]\nmode = \"scripted\"\n"),
      {});
  EXPECT_EQ(r.final, verdict::error);
  ASSERT_FALSE(r.problems.empty());
  EXPECT_NE(r.problems[0].find("broken.toml:4: unknown server mode 'scripted'"), std::string::npos)
      << r.problems[0];
}

TEST(Runner, OneBrokenFileDoesNotStopTheOthers) {
  auto good = write_temp("good.toml", happy);
  auto bad = write_temp("bad.toml", "protocol = [\n");
  auto results = run_scenario_files({bad, good}, {.jobs = 2});
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0].final, verdict::error);
  EXPECT_NE(results[1].final, verdict::error);
}

TEST(Runner, HostileFilesAreErrorsAndTheRunGoesOn) {
  // Each of these crashed, hung or silently changed the loader; the good file must still run.
  const auto dir =
      std::filesystem::temp_directory_path() / ("ph-runner-hostile-" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  auto bad = [&](const std::string& name, const std::string& text) {
    std::ofstream(dir / name, std::ios::binary) << text;
  };
  bad("good.toml", happy);
  const std::string head = "protocol = \"smtp\"\nsummary = \"x\"\n";
  bad("arrays.toml", head + "rfc = " + std::string(8000, '[') + std::string(8000, ']') + "\n");
  bad("regex.toml", head + "[server]\nmode = \"script\"\n[[server.step]]\nexpect_re = \"" +
                        std::string(30000, '(') + "a" + std::string(30000, ')') + "\"\n");
  bad("overflow.toml", head +
                           "[server]\nmode = \"script\"\n[[server.step]]\nread_bytes = "
                           "99999999999999999999\n");
  bad("big.toml", head + "# " + std::string(scenario_max_bytes, 'x') + "\n");
  const std::string fifo = (dir / "fifo.toml").string();
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);

  auto files = find_scenario_files({dir.string()});
  files.push_back(fifo);  // a folder lists regular files only: name the FIFO itself
  auto results = run_scenario_files(files, {.jobs = 2});
  std::map<std::string, scenario_result> by_name;
  for (auto& r : results)
    by_name[std::filesystem::path(r.file).filename().string()] = std::move(r);
  ASSERT_EQ(by_name.size(), 6u);
  auto problem = [&](const std::string& name) {
    const auto& r = by_name.at(name);
    EXPECT_EQ(r.final, verdict::error) << name;
    return r.problems.empty() ? std::string() : r.problems.front();
  };
  EXPECT_NE(problem("arrays.toml").find("arrays.toml:3: nested deeper than 64 levels"),
            std::string::npos);
  EXPECT_NE(problem("regex.toml").find("regex.toml:6: expect_re is 60001 bytes long"),
            std::string::npos);
  EXPECT_NE(problem("overflow.toml").find("overflow.toml:6: integer 99999999999999999999"),
            std::string::npos);
  EXPECT_NE(problem("big.toml").find("big.toml:3: larger than 4194304 bytes"), std::string::npos);
  EXPECT_NE(problem("fifo.toml").find("fifo.toml: not a regular file"), std::string::npos);
  const auto& good = by_name.at("good.toml");
  EXPECT_NE(good.final, verdict::error);  // it ran and was judged
  ASSERT_EQ(good.steps.size(), 2u);
  EXPECT_TRUE(good.steps[0].matched) << good.steps[0].mismatch;
  EXPECT_TRUE(good.steps[1].matched) << good.steps[1].mismatch;
  std::filesystem::remove_all(dir);
}

TEST(Runner, UnknownRuleIdsAreRejected) {
  std::string text = std::string(happy) + "[judge]\nskip_rules = [\"SMTP-NOPE\"]\n";
  auto r = run_scenario_file(write_temp("rules.toml", text), {});
  EXPECT_EQ(r.final, verdict::error);
  ASSERT_FALSE(r.problems.empty());
  EXPECT_NE(r.problems[0].find("unknown smtp rule 'SMTP-NOPE'"), std::string::npos)
      << r.problems[0];
}

TEST(Runner, ExternalClientOutcomesAreJudged) {
  // A shell "client" that reports a wrong outcome for the first step and nothing else.
  run_options opts;
  opts.client_cmd = "echo '{\"refused\": {}}'";
  auto r = run_scenario_file(write_temp("external.toml", happy), opts);
  EXPECT_EQ(r.final, verdict::fail);
  ASSERT_EQ(r.steps.size(), 2u);
  EXPECT_FALSE(r.steps[0].matched);
  EXPECT_EQ(r.steps[1].outcome.value("error", ""), "not_reported");
}

TEST(Runner, ExternalClientIsKilledAtTheDeadline) {
  std::string text = std::string(happy) + "[judge]\ntimeout_ms = 300\n";
  run_options opts;
  opts.client_cmd = "sleep 30";
  auto r = run_scenario_file(write_temp("slow.toml", text), opts);
  EXPECT_EQ(r.final, verdict::fail);
  bool killed = false;
  for (const auto& p : r.problems)
    killed |= p.find("did not finish within 300 ms") != std::string::npos;
  EXPECT_TRUE(killed);
}

TEST(Runner, AStepTimeoutBoundsThatStepOnly) {
  // The client's own deadline is a minute and the server ends the session after 5 s
  // (connection_closed): only the step's timeout_ms can make the stalled EHLO a timeout.
  const char* text = R"(protocol = "smtp"
summary = "stall with a step deadline"
[client_options]
timeout_ms = 60000
[[client]]
op = "connect"
[[client]]
op = "ehlo"
timeout_ms = 50
expect = { error = "timeout" }
[server]
mode = "script"
[[server.step]]
send = "220 fake.test ESMTP"
[[server.step]]
expect = "EHLO *"
fault = { kind = "stall" }
[judge]
timeout_ms = 5000
)";
  auto r = run_scenario_file(write_temp("step-timeout.toml", text), {});
  ASSERT_EQ(r.steps.size(), 2u);
  EXPECT_TRUE(r.steps[1].matched) << r.steps[1].mismatch;
  EXPECT_EQ(r.steps[1].outcome.value("error", ""), "timeout");
}

}  // namespace
}  // namespace ph::harness
