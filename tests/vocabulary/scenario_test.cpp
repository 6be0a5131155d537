#include "vocabulary/scenario.hpp"

#include <filesystem>
#include <fstream>
#include <random>

#include <sys/stat.h>

#include <gtest/gtest.h>

namespace ph::harness {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using namespace std::chrono_literals;

// Line numbers below are part of the tests: keep this text's layout.
constexpr const char* valid_text = R"(id = "smtp/data-dot-stuffing"
protocol = "smtp"
summary = "Body lines that start with '.' are dot-stuffed"
rfc = ["RFC 5321 §4.5.2"]
tags = ["data", "smoke"]

[[client]]
op = "sendmail"
args = { from = "a@test", to = [
  "b@test",
  "c@test"] }
expect = { refused = [] }

[[client]]
op = "quit"

[client_options]
timeout_ms = 500

[server]
mode = "script"

[[server.step]]
send = "220 fake.test ESMTP"
[[server.step]]
expect = "EHLO *"
send = ["250-fake.test", "250 8BITMIME"]

[judge]
skip_rules = ["SMTP-EHLO-DOMAIN"]
expect_fail = ["SMTP-DOT-STUFF"]
timeout_ms = 3000
)";

// The what() of the scenario_error that parsing `text` throws ("" if none).
std::string error_of(const std::string& text) {
  try {
    (void)parse_scenario(text, "t.toml", "");
  } catch (const scenario_error& e) {
    return e.what();
  }
  return "";
}

std::string minimal(const std::string& extra) {
  return "protocol = \"smtp\"\nsummary = \"s\"\n[server]\nmode = \"script\"\n" + extra;
}

TEST(ParseScenario, ValidFileLoadsEverySection) {
  const scenario s = parse_scenario(valid_text, "t.toml", "smtp/data-dot-stuffing");
  EXPECT_EQ(s.id, "smtp/data-dot-stuffing");
  EXPECT_EQ(s.file, "t.toml");
  EXPECT_EQ(s.protocol, "smtp");
  EXPECT_EQ(s.summary, "Body lines that start with '.' are dot-stuffed");
  EXPECT_EQ(s.rfc, std::vector<std::string>{"RFC 5321 §4.5.2"});
  EXPECT_EQ(s.tags, (std::vector<std::string>{"data", "smoke"}));

  ASSERT_EQ(s.client.size(), 2u);
  EXPECT_EQ(s.client[0].op, "sendmail");
  EXPECT_EQ(s.client[0].args["from"], "a@test");
  EXPECT_EQ(s.client[0].args["to"], json({"b@test", "c@test"}));
  EXPECT_EQ(s.client[0].expect, json({{"refused", json::array()}}));
  EXPECT_EQ(s.client[0].pointer, "/client/0");
  EXPECT_EQ(s.client[1].op, "quit");
  EXPECT_EQ(s.client[1].args, json::object());
  EXPECT_TRUE(s.client[1].expect.is_null());
  EXPECT_EQ(s.client[1].pointer, "/client/1");

  EXPECT_EQ(s.client_timeout(), 500ms);
  EXPECT_EQ(s.server["mode"], "script");
  ASSERT_EQ(s.server["step"].size(), 2u);
  EXPECT_EQ(s.server["step"][0]["send"], "220 fake.test ESMTP");
  EXPECT_EQ(s.server["step"][1]["expect"], "EHLO *");
  EXPECT_EQ(s.server["step"][1]["send"], json({"250-fake.test", "250 8BITMIME"}));

  EXPECT_EQ(s.skip_rules, std::vector<std::string>{"SMTP-EHLO-DOMAIN"});
  EXPECT_EQ(s.expect_fail_rules, std::vector<std::string>{"SMTP-DOT-STUFF"});
  EXPECT_EQ(s.timeout, 3000ms);
  EXPECT_EQ(s.document["summary"], s.summary);
}

TEST(ParseScenario, DefaultsWhenOptionalSectionsAreAbsent) {
  const scenario s = parse_scenario(minimal(""), "t.toml", "x");
  EXPECT_EQ(s.id, "x");
  EXPECT_TRUE(s.client.empty());
  EXPECT_TRUE(s.rfc.empty());
  EXPECT_TRUE(s.skip_rules.empty());
  EXPECT_EQ(s.client_timeout(), 2000ms);
  EXPECT_EQ(s.timeout, 10000ms);
}

TEST(ParseScenario, SingleStringListIsAccepted) {
  const scenario s = parse_scenario("rfc = \"RFC 1939\"\n" + minimal(""), "t.toml", "");
  EXPECT_EQ(s.rfc, std::vector<std::string>{"RFC 1939"});
}

TEST(ParseScenario, ModelModeIsAccepted) {
  const scenario s = parse_scenario(
      "protocol = \"pop3\"\nsummary = \"s\"\n[server]\nmode = \"model\"\n", "t.toml", "");
  EXPECT_EQ(s.server["mode"], "model");
}

TEST(ParseScenario, TomlSyntaxErrorNamesTheRightLine) {
  const std::string text =
      "protocol = \"smtp\"\n"
      "summary = \"s\"\n"
      "\n"
      "bad = \"unterminated\n"
      "[server]\n"
      "mode = \"script\"\n";
  const std::string what = error_of(text);
  EXPECT_EQ(what.rfind("t.toml:4: TOML syntax: ", 0), 0u) << what;
}

TEST(ParseScenario, TomlSyntaxErrorDeepInAMultiLineArray) {
  const std::string what =
      error_of(minimal("step = [\n  { send = \"a\" },\n  { send = = \"b\" },\n]\n"));
  EXPECT_EQ(what.rfind("t.toml:7: TOML syntax: ", 0), 0u) << what;
}

TEST(ParseScenario, TomlDuplicateKeyNamesTheSecondDefinition) {
  const std::string what = error_of("protocol = \"smtp\"\nsummary = \"s\"\nprotocol = \"pop3\"\n");
  EXPECT_EQ(what.rfind("t.toml:3: TOML syntax: ", 0), 0u) << what;
  EXPECT_NE(what.find("protocol"), std::string::npos) << what;
}

TEST(ParseScenario, LineNumbersSurviveCrlfLineEndings) {
  const std::string what =
      error_of("protocol = \"smtp\"\r\nsummary = \"s\"\r\n[server]\r\nmode = \"odd\"\r\n");
  EXPECT_EQ(what, "t.toml:4: unknown server mode 'odd' (script or model)");
}

TEST(ParseScenario, MissingProtocol) {
  EXPECT_EQ(error_of("summary = \"s\"\n[server]\nmode = \"script\"\n"),
            "t.toml:1: missing required key 'protocol'");
}

TEST(ParseScenario, ProtocolNotAString) {
  EXPECT_EQ(error_of("summary = \"s\"\nprotocol = 25\n[server]\nmode = \"script\"\n"),
            "t.toml:2: 'protocol' must be a string");
}

TEST(ParseScenario, MissingSummary) {
  EXPECT_EQ(error_of("protocol = \"smtp\"\n[server]\nmode = \"script\"\n"),
            "t.toml:1: missing required key 'summary'");
}

TEST(ParseScenario, MissingServer) {
  EXPECT_EQ(error_of("protocol = \"smtp\"\nsummary = \"s\"\n"), "t.toml:1: missing [server] table");
}

TEST(ParseScenario, ServerWithoutMode) {
  EXPECT_EQ(error_of("protocol = \"smtp\"\nsummary = \"s\"\n\n[server]\nport = 1\n"),
            "t.toml:4: [server] needs mode = \"script\" or \"model\"");
}

TEST(ParseScenario, BadMode) {
  EXPECT_EQ(error_of("protocol = \"smtp\"\nsummary = \"s\"\n[server]\n\nmode = \"scripted\"\n"),
            "t.toml:5: unknown server mode 'scripted' (script or model)");
}

TEST(ParseScenario, UnknownTopLevelKey) {
  EXPECT_EQ(error_of("protocol = \"smtp\"\nsummary = \"s\"\nprotcol = \"x\"\n"),
            "t.toml:3: unknown key 'protcol'");
}

TEST(ParseScenario, UnknownTopLevelTable) {
  EXPECT_EQ(error_of(minimal("\n[servre]\nmode = \"script\"\n")), "t.toml:6: unknown key 'servre'");
}

TEST(ParseScenario, UnknownKeyWithSlashStillNamesItsLine) {
  EXPECT_EQ(error_of("protocol = \"smtp\"\n\"a/b\" = 1\n"), "t.toml:2: unknown key 'a/b'");
}

TEST(ParseScenario, IdThatDoesNotMatchThePath) {
  const std::string what = [] {
    try {
      (void)parse_scenario("id = \"smtp/other\"\n" + minimal(""), "t.toml", "smtp/this");
    } catch (const scenario_error& e) {
      return std::string(e.what());
    }
    return std::string();
  }();
  EXPECT_EQ(what, "t.toml:1: id 'smtp/other' does not match the file's path; expected 'smtp/this'");
}

TEST(ParseScenario, ClientStepWithoutOp) {
  EXPECT_EQ(error_of(minimal("[[client]]\nop = \"a\"\n\n[[client]]\nargs = {}\n")),
            "t.toml:8: a client step needs op = \"...\"");
}

TEST(ParseScenario, ClientStepOpNotAString) {
  EXPECT_EQ(error_of(minimal("[[client]]\nop = 1\n")),
            "t.toml:5: a client step needs op = \"...\"");
}

TEST(ParseScenario, UnknownClientStepKey) {
  EXPECT_EQ(error_of(minimal("[[client]]\nop = \"a\"\nexpcet = {}\n")),
            "t.toml:7: unknown client step key 'expcet' (op, args, expect, timeout_ms)");
}

TEST(ParseScenario, ClientArgsNotATable) {
  EXPECT_EQ(error_of(minimal("[[client]]\nop = \"a\"\nargs = [1, 2]\n")),
            "t.toml:7: 'args' must be a table");
}

TEST(ParseScenario, ClientExpectNotATable) {
  EXPECT_EQ(error_of(minimal("[[client]]\nop = \"a\"\nexpect = \"ok\"\n")),
            "t.toml:7: 'expect' must be a table");
}

TEST(ParseScenario, ClientNotAnArrayOfTables) {
  EXPECT_EQ(error_of(minimal("[client]\nop = \"a\"\n")),
            "t.toml:5: 'client' must be an array of tables ([[client]])");
}

TEST(ParseScenario, ClientOptionsTimeoutNotAnInteger) {
  EXPECT_EQ(error_of(minimal("[client_options]\ntimeout_ms = 1.5\n")),
            "t.toml:6: timeout_ms must be a positive integer (milliseconds, at most 3600000)");
}

TEST(ParseScenario, NegativeOrZeroTimeoutsAreRejectedWithTheirLine) {
  EXPECT_EQ(error_of(minimal("[client_options]\ntimeout_ms = -5\n")),
            "t.toml:6: timeout_ms must be a positive integer (milliseconds, at most 3600000)");
  EXPECT_EQ(error_of(minimal("[judge]\ntimeout_ms = 0\n")),
            "t.toml:6: timeout_ms must be a positive integer (milliseconds, at most 3600000)");
  EXPECT_EQ(error_of(minimal("[[client]]\nop = \"a\"\ntimeout_ms = -1\n")),
            "t.toml:7: timeout_ms must be a positive integer (milliseconds, at most 3600000)");
  EXPECT_EQ(error_of(minimal("[[client]]\nop = \"a\"\ntimeout_ms = 3600001\n")),
            "t.toml:7: timeout_ms must be a positive integer (milliseconds, at most 3600000)");
}

TEST(ParseScenario, StepTimeoutIsKeptPerStep) {
  auto s = parse_scenario(
      minimal("[[client]]\nop = \"a\"\ntimeout_ms = 50\n[[client]]\nop = \"b\"\n"), "t.toml", "");
  ASSERT_EQ(s.client.size(), 2u);
  EXPECT_EQ(s.client[0].timeout, std::chrono::milliseconds(50));
  EXPECT_FALSE(s.client[1].timeout.has_value());
}

TEST(ParseScenario, JudgeTimeoutNotAnInteger) {
  EXPECT_EQ(error_of(minimal("[judge]\nskip_rules = []\ntimeout_ms = \"3s\"\n")),
            "t.toml:7: timeout_ms must be a positive integer (milliseconds, at most 3600000)");
}

TEST(ParseScenario, UnknownJudgeKey) {
  EXPECT_EQ(error_of(minimal("[judge]\nskip = [\"X\"]\n")),
            "t.toml:6: unknown judge key 'skip' (skip_rules, expect_fail, timeout_ms)");
}

TEST(ParseScenario, ListElementNotAString) {
  EXPECT_EQ(error_of(minimal("[judge]\nskip_rules = [\n  \"A\",\n  2,\n]\n")),
            "t.toml:8: expected a string");
}

// Limits: hostile input is refused with file:line before the TOML parser recurses into it.

std::string nested(const std::string& open, const std::string& inner, const std::string& close,
                   int levels) {
  std::string out;
  for (int i = 0; i < levels; ++i)
    out += open;
  out += inner;
  for (int i = 0; i < levels; ++i)
    out += close;
  return out;
}

std::string dotted_key(int parts) {
  std::string key = "a";
  for (int i = 1; i < parts; ++i)
    key += ".a";
  return key;
}

const std::string too_deep =
    "nested deeper than 64 levels (arrays, tables and dotted keys together)";

TEST(ScenarioLimits, ThousandsOfNestedArraysAreRefusedWithTheirLine) {
  EXPECT_EQ(error_of(minimal("\nrfc = " + nested("[", "", "]", 8000) + "\n")),
            "t.toml:6: " + too_deep);
}

TEST(ScenarioLimits, ThousandsOfNestedInlineTablesAreRefusedWithTheirLine) {
  EXPECT_EQ(error_of(minimal("[client_options]\nx = " + nested("{a=", "1", "}", 8000) + "\n")),
            "t.toml:6: " + too_deep);
}

TEST(ScenarioLimits, ArraysOfInlineTablesCountEveryLevel) {
  EXPECT_EQ(error_of(minimal("x = " + nested("[{a=", "1", "}]", 40) + "\n")),
            "t.toml:5: " + too_deep);
}

TEST(ScenarioLimits, LongDottedKeysAndTableHeadersAreRefused) {
  // Without the limit the parser takes minutes on a key of 500,000 parts.
  EXPECT_EQ(error_of(minimal("[client_options]\n" + dotted_key(8000) + " = 1\n")),
            "t.toml:6: " + too_deep);
  EXPECT_EQ(error_of(minimal("[client_options]\n" + dotted_key(500000) + " = 1\n")),
            "t.toml:6: " + too_deep);
  EXPECT_EQ(error_of(minimal("\n[client_options." + dotted_key(8000) + "]\n")),
            "t.toml:6: " + too_deep);
  EXPECT_EQ(error_of(minimal("[[" + dotted_key(64) + "]]\n")), "t.toml:5: " + too_deep);
}

TEST(ScenarioLimits, DepthCountsTablesKeysAndArraysTogether) {
  // [client_options.a] is depth 2 and b.c puts the array at depth 4: 61 arrays reach 64.
  const std::string head = "[client_options.a]\nb.c = ";
  EXPECT_EQ(error_of(minimal(head + nested("[", "", "]", 61) + "\n")), "");
  EXPECT_EQ(error_of(minimal(head + nested("[", "", "]", 62) + "\n")), "t.toml:6: " + too_deep);
}

TEST(ScenarioLimits, ExactlyTheLimitIsAccepted) {
  // rfc is at depth 1, so 64 arrays end at depth 64: refused for its type, not its depth.
  EXPECT_EQ(error_of("rfc = " + nested("[", "", "]", 64) + "\n" + minimal("")),
            "t.toml:1: expected a string");
  EXPECT_EQ(error_of("rfc = " + nested("[", "", "]", 65) + "\n" + minimal("")),
            "t.toml:1: " + too_deep);
}

TEST(ScenarioLimits, BracketsInStringsAndCommentsDoNotCount) {
  const std::string deep = std::string(200, '[') + std::string(200, '{');
  const std::string text = "protocol = \"smtp\" # " + deep + "\n" +          //
                           "summary = \"" + deep + "\\\"" + deep + "\"\n" +  //
                           "rfc = ['" + deep + "', \"\"\"\n" + deep + "\n\"\"\"\"\", '''" + deep +
                           "'''']\n" +  //
                           "[server]\nmode = \"model\"\n";
  const scenario s = parse_scenario(text, "t.toml", "");
  EXPECT_EQ(s.summary, deep + "\"" + deep);
  ASSERT_EQ(s.rfc.size(), 3u);
  EXPECT_EQ(s.rfc[0], deep);
  EXPECT_EQ(s.rfc[1], deep + "\n\"\"");
  EXPECT_EQ(s.rfc[2], deep + "'");
  // A quoted key is one part however many brackets it holds.
  EXPECT_EQ(error_of(minimal("[client_options]\n\"[[[\".'{{{' = 1\n")), "");
}

TEST(ScenarioLimits, IntegersOutside64BitsAreRefusedWithTheirLine) {
  EXPECT_EQ(error_of(minimal("[client_options]\n\ncode = 99999999999999999999\n")),
            "t.toml:7: integer 99999999999999999999 does not fit in 64 bits");
  EXPECT_EQ(error_of(minimal("[client_options]\ncode = -9223372036854775809\n")),
            "t.toml:6: integer -9223372036854775809 does not fit in 64 bits");
  EXPECT_EQ(error_of(minimal("[client_options]\ncode = 0x1_0000_0000_0000_0000\n")),
            "t.toml:6: integer 0x1_0000_0000_0000_0000 does not fit in 64 bits");
  EXPECT_EQ(error_of(minimal("[client_options]\nx = 1e999\n")),
            "t.toml:6: float 1e999 is out of range");
}

TEST(ScenarioLimits, LongBinaryIntegersNeverReachTheParser) {
  // toml11 doubles a signed place value per binary digit: past 62 digits that overflows
  // (undefined behaviour), even for leading zeros.
  EXPECT_EQ(
      error_of(minimal("[client_options]\ncodes = [1, 2,\n  0b1" + std::string(64, '0') + "]\n")),
      "t.toml:7: binary integer 0b1" + std::string(37, '0') + "... has more than 62 digits");
  EXPECT_EQ(error_of(minimal("[client_options]\nx = 0b" + std::string(70, '0') + "1\n")),
            "t.toml:6: binary integer 0b" + std::string(38, '0') + "... has more than 62 digits");
  const scenario s = parse_scenario(
      minimal("[client_options]\nx = 0b" + std::string(62, '1') + "\ny = 0b1_0\n"), "t.toml", "");
  EXPECT_EQ(s.client_options["x"].get<std::int64_t>(), (std::int64_t{1} << 62) - 1);
  EXPECT_EQ(s.client_options["y"].get<std::int64_t>(), 2);
}

TEST(ScenarioLimits, TheWholeInt64RangeIsKept) {
  const scenario s = parse_scenario(minimal("[client_options]\nmax = 9_223_372_036_854_775_807\n"
                                            "min = -9223372036854775808\nhex = 0x7FFF_FFFF\n"
                                            "pos = +42\ninf = inf\nf = 1.5e300\n"),
                                    "t.toml", "");
  EXPECT_EQ(s.client_options["max"].get<std::int64_t>(), INT64_MAX);
  EXPECT_EQ(s.client_options["min"].get<std::int64_t>(), INT64_MIN);
  EXPECT_EQ(s.client_options["hex"].get<std::int64_t>(), 0x7FFFFFFF);
  EXPECT_EQ(s.client_options["pos"].get<std::int64_t>(), 42);
  EXPECT_EQ(s.client_options["f"].get<double>(), 1.5e300);
}

TEST(ScenarioLimits, LinesStayRightInALargeFile) {
  // 40,000 steps (about 900 KB): every line comes from the line index.
  std::string text = "protocol = \"smtp\"\nsummary = \"s\"\n";
  for (int i = 0; i < 40000; ++i)
    text += "[[client]]\nop = \"noop\"\n";
  text += "[server]\nmode = \"model\"\n";
  const scenario s = parse_scenario(text, "t.toml", "");
  ASSERT_EQ(s.client.size(), 40000u);
  EXPECT_EQ(s.where("/client/0/op"), "t.toml:4");
  EXPECT_EQ(s.where("/client/39999"), "t.toml:80001");
  EXPECT_EQ(s.where("/client/39999/op"), "t.toml:80002");
  EXPECT_EQ(s.where("/server/mode"), "t.toml:80004");
}

TEST(ScenarioWhere, NestedPointersResolveToTheirOwnLine) {
  const scenario s = parse_scenario(valid_text, "t.toml", "");
  EXPECT_EQ(s.where(""), "t.toml:1");
  EXPECT_EQ(s.where("/protocol"), "t.toml:2");
  EXPECT_EQ(s.where("/client/0"), "t.toml:7");
  EXPECT_EQ(s.where("/client/0/op"), "t.toml:8");
  EXPECT_EQ(s.where("/client/0/args/to/0"), "t.toml:10");
  EXPECT_EQ(s.where("/client/0/args/to/1"), "t.toml:11");
  EXPECT_EQ(s.where("/client/1/op"), "t.toml:15");
  EXPECT_EQ(s.where("/server/step/1/send/1"), "t.toml:27");
  EXPECT_EQ(s.where("/judge/timeout_ms"), "t.toml:32");
}

TEST(ScenarioWhere, MissingPointerFallsBackToNearestAncestor) {
  const scenario s = parse_scenario(valid_text, "t.toml", "");
  EXPECT_EQ(s.where("/client/0/args/cc/3"), "t.toml:9");
  EXPECT_EQ(s.where("/server/step/9/send"), "t.toml:23");
  EXPECT_EQ(s.where("/nothing/here"), "t.toml:1");
}

TEST(ScenarioWhere, PointerWithoutLeadingSlashTerminates) {
  const scenario s = parse_scenario(valid_text, "t.toml", "");
  EXPECT_EQ(s.where("client/0"), "t.toml:1");
}

TEST(ScenarioWhere, WithoutLinesItIsJustTheFile) {
  scenario s;
  s.file = "f.toml";
  EXPECT_EQ(s.where("/a/b"), "f.toml");
}

TEST(ScenarioFail, ThrowsWithLocation) {
  const scenario s = parse_scenario(valid_text, "t.toml", "");
  try {
    s.fail("/server/step/0/send", "not a reply");
    FAIL() << "fail() returned";
  } catch (const scenario_error& e) {
    EXPECT_STREQ(e.what(), "t.toml:24: not a reply");
  }
}

// A scratch folder removed at the end of the test.
class ScenarioFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("ph_model_tests_" + std::to_string(std::random_device{}()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(root_);
  }
  void TearDown() override { fs::remove_all(root_); }

  fs::path write(const fs::path& rel, const std::string& text) {
    fs::path p = root_ / rel;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }

  // The what() of the scenario_error that loading `file` throws ("" if none).
  static std::string load_error(const std::string& file) {
    try {
      (void)load_scenario(file);
    } catch (const scenario_error& e) {
      return e.what();
    }
    return "";
  }

  fs::path root_;
};

TEST_F(ScenarioFiles, LoadDerivesIdFromTheScenariosFolder) {
  const fs::path p = write("repo/scenarios/smtp/data-dot-stuffing.toml", valid_text);
  const scenario s = load_scenario(p.string());
  EXPECT_EQ(s.id, "smtp/data-dot-stuffing");
  EXPECT_EQ(s.file, p.string());
  EXPECT_EQ(s.client.size(), 2u);
}

TEST_F(ScenarioFiles, LoadRejectsADeclaredIdThatDiffersFromThePath) {
  const fs::path p = write("scenarios/smtp/renamed.toml", valid_text);
  try {
    (void)load_scenario(p.string());
    FAIL() << "loaded";
  } catch (const scenario_error& e) {
    EXPECT_EQ(std::string(e.what()),
              p.string() +
                  ":1: id 'smtp/data-dot-stuffing' does not match the file's path; expected "
                  "'smtp/renamed'");
  }
}

TEST_F(ScenarioFiles, LoadOutsideScenariosUsesTheStem) {
  const fs::path p = write("elsewhere/one.toml", minimal(""));
  EXPECT_EQ(load_scenario(p.string()).id, "one");
}

TEST_F(ScenarioFiles, LoadMissingFileNamesIt) {
  const std::string p = (root_ / "absent.toml").string();
  EXPECT_EQ(load_error(p), p + ": cannot open file (No such file or directory)");
}

TEST_F(ScenarioFiles, OnlyRegularFilesAreRead) {
  const std::string fifo = (root_ / "fifo.toml").string();
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  // Opening a FIFO for reading blocks until a writer comes: it must not be opened at all.
  EXPECT_EQ(
      load_error(fifo),
      fifo + ": not a regular file (a FIFO, device or socket); scenarios are read from files");
  EXPECT_EQ(load_error("/dev/null"),
            "/dev/null: not a regular file (a FIFO, device or socket); "
            "scenarios are read from files");
  const fs::path dir = root_ / "folder.toml";
  fs::create_directories(dir);
  EXPECT_EQ(load_error(dir.string()), dir.string() + ": is a folder, not a scenario file");
}

TEST_F(ScenarioFiles, FilesOverTheSizeLimitAreRefusedWithTheLineWhereItIsCrossed) {
  // Four short lines, then a comment that runs past 4 MiB.
  const fs::path p = write("big.toml", minimal("# " + std::string(scenario_max_bytes, 'x') + "\n"));
  EXPECT_EQ(load_error(p.string()),
            p.string() + ":5: larger than 4194304 bytes (4 MiB), the limit for a scenario");
  // At the limit exactly it loads.
  const std::string head = minimal("# ");
  const fs::path fits =
      write("fits.toml", head + std::string(scenario_max_bytes - head.size() - 1, 'x') + "\n");
  ASSERT_EQ(fs::file_size(fits), scenario_max_bytes);
  EXPECT_EQ(load_error(fits.string()), "");
}

TEST_F(ScenarioFiles, LoadErrorNamesTheFileAndLine) {
  const fs::path p = write("scenarios/pop3/x.toml", "protocol = \"pop3\"\nsummary = 1\n");
  try {
    (void)load_scenario(p.string());
    FAIL() << "loaded";
  } catch (const scenario_error& e) {
    EXPECT_EQ(std::string(e.what()), p.string() + ":2: 'summary' must be a string");
  }
}

TEST_F(ScenarioFiles, FindListsTomlFilesRecursivelySorted) {
  write("s/smtp/b.toml", "");
  write("s/smtp/a.toml", "");
  write("s/pop3/deep/c.toml", "");
  write("s/README.md", "");
  write("s/smtp/notes.toml.bak", "");
  const auto files = find_scenario_files({(root_ / "s").string()});
  const std::vector<std::string> want = {(root_ / "s/pop3/deep/c.toml").string(),
                                         (root_ / "s/smtp/a.toml").string(),
                                         (root_ / "s/smtp/b.toml").string()};
  EXPECT_EQ(files, want);
}

TEST_F(ScenarioFiles, FindKeepsExplicitFilesAndRemovesDuplicates) {
  const fs::path a = write("s/a.toml", "");
  const std::string missing = (root_ / "missing.toml").string();
  const auto files = find_scenario_files({a.string(), missing, (root_ / "s").string()});
  const std::vector<std::string> want = {missing, a.string()};
  EXPECT_EQ(files, want);
}

TEST(GlobMatch, Star) {
  EXPECT_TRUE(glob_match("smtp/*", "smtp/data-dot-stuffing"));
  EXPECT_TRUE(glob_match("*", ""));
  EXPECT_TRUE(glob_match("*dot*", "smtp/data-dot-stuffing"));
  EXPECT_TRUE(glob_match("s*p/*-*-*", "smtp/data-dot-stuffing"));
  EXPECT_TRUE(glob_match("**", "abc"));
  EXPECT_FALSE(glob_match("pop3/*", "smtp/data"));
  EXPECT_FALSE(glob_match("*x", "smtp"));
  EXPECT_TRUE(glob_match("a*b*c", "aXbYbZc"));
  EXPECT_FALSE(glob_match("a*b*c", "aXbYbZ"));
}

TEST(GlobMatch, QuestionMark) {
  EXPECT_TRUE(glob_match("pop?/*", "pop3/uidl"));
  EXPECT_FALSE(glob_match("pop?", "pop"));
  EXPECT_FALSE(glob_match("pop?", "pop33"));
  EXPECT_TRUE(glob_match("?", "*"));
}

TEST(GlobMatch, Exact) {
  EXPECT_TRUE(glob_match("", ""));
  EXPECT_FALSE(glob_match("", "a"));
  EXPECT_TRUE(glob_match("EHLO x", "EHLO x"));
  EXPECT_FALSE(glob_match("EHLO", "EHLO x"));
}

TEST(GlobMatch, CaseInsensitiveOnlyWhenAsked) {
  EXPECT_FALSE(glob_match("ehlo *", "EHLO client.test"));
  EXPECT_TRUE(glob_match("ehlo *", "EHLO client.test", true));
  EXPECT_TRUE(glob_match("MAIL FROM:<?@*>", "mail from:<a@test>", true));
}

TEST(GlobMatch, StarInTheTextIsNotMistakenForTheWildcard) {
  // A literal '*' in the text must not consume the pattern's '*' as an exact match.
  EXPECT_TRUE(glob_match("*b", "*ab"));
  EXPECT_TRUE(glob_match("AUTH *", "AUTH * PLAIN"));
  EXPECT_TRUE(glob_match("*x*", "**ax"));
}

}  // namespace
}  // namespace ph::harness
