#include "fakeservers/engine/script.hpp"
#include "tests/fakeservers/dialect_of.hpp"

#include <gtest/gtest.h>

namespace ph::fakeservers {
namespace {

// A script scenario whose second step is `step` (TOML lines); the step's keys start on line 8.
ph::scenario script_with(const std::string& step) {
  return ph::parse_scenario(
      "protocol = \"smtp\"\nsummary = \"t\"\n[server]\nmode = \"script\"\n[[server.step]]\n"
      "send = \"220 hi\"\n[[server.step]]\n" +
          step + "\nsend = \"250 ok\"\n",
      "t.toml", "t");
}

std::vector<script_step> steps_of(const std::string& step) {
  return parse_script(script_with(step), test::dialect_of("smtp"));
}

// The scenario_error parsing `step` throws ("" if none).
std::string error_of(const std::string& step) {
  try {
    (void)steps_of(step);
  } catch (const ph::scenario_error& e) {
    return e.what();
  }
  return "";
}

// A TOML basic string holding `s` (only backslashes and quotes need escaping here).
std::string toml_string(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '\\' || c == '"') out += '\\';
    out += c;
  }
  return out + "\"";
}

bool re_matches(const std::string& pattern, const std::string& line) {
  const auto steps = steps_of("expect_re = " + toml_string(pattern));
  return line_matches(steps.at(1), line);
}

TEST(ScriptExpectRe, CorpusPatternsMatchTheWholeLine) {
  EXPECT_TRUE(re_matches("(PORT|EPRT) .*", "PORT 127,0,0,1,4,1"));
  EXPECT_TRUE(re_matches("(PORT|EPRT) .*", "EPRT |1|127.0.0.1|1025|"));
  EXPECT_FALSE(re_matches("(PORT|EPRT) .*", "XPORT 1"));  // anchored at both ends
  EXPECT_FALSE(re_matches("PORT", "PORT 1"));
  EXPECT_TRUE(
      re_matches("MAIL FROM:<a@client\\.test> SIZE=[0-9]+", "MAIL FROM:<a@client.test> SIZE=1234"));
  EXPECT_FALSE(
      re_matches("MAIL FROM:<a@client\\.test> SIZE=[0-9]+", "MAIL FROM:<a@clientXtest> SIZE=1234"));
  // Telnet IP and Synch before ABOR (RFC 959 §4.1.3): bytes that are not UTF-8.
  EXPECT_TRUE(re_matches("[\\s\\S]*ABOR",
                         "\xff\xf4\xff\xf2"
                         "ABOR"));
  EXPECT_TRUE(re_matches("[Aa][Uu][Tt][Hh] [Pp][Ll][Aa][Ii][Nn] AHRlc3QAc2VjcmV0",
                         "auth PLAIN AHRlc3QAc2VjcmV0"));
  EXPECT_TRUE(re_matches("dGVzdA==", "dGVzdA=="));
  EXPECT_FALSE(re_matches("dGVzdA==", "DGVZDA=="));  // case-sensitive, as ECMAScript
  EXPECT_TRUE(re_matches("(?i)ehlo .*", "EHLO client.test"));
}

TEST(ScriptExpectRe, MatchesBytes) {
  EXPECT_TRUE(re_matches("A.B",
                         "A\xff"
                         "B"));  // one byte, valid UTF-8 or not
  EXPECT_TRUE(re_matches("caf\xc3\xa9 .*", "caf\xc3\xa9 ok"));
  EXPECT_TRUE(re_matches("x\\x00y", std::string("x\0y", 3)));
}

TEST(ScriptExpectRe, HugePatternsAreRefusedWithTheirLine) {
  // 30,000 nested groups crashed std::regex's recursive compiler.
  const std::string nested = std::string(30000, '(') + "a" + std::string(30000, ')');
  EXPECT_EQ(error_of("expect_re = \"" + nested + "\""),
            "t.toml:8: expect_re is 60001 bytes long; the limit is 4096");
}

TEST(ScriptExpectRe, PatternsThatCompileTooLargeAreRefused) {
  std::string pattern;
  for (int i = 0; i < 100; ++i)
    pattern += "[a-z]{1000}";  // 1,100 bytes, 100,000 instructions
  EXPECT_EQ(error_of("expect_re = \"" + pattern + "\""),
            "t.toml:8: expect_re is too complex: it compiles to more than RE2's 1024 KiB budget");
}

TEST(ScriptExpectRe, DeepButShortPatternsWork) {
  const std::string nested = std::string(2000, '(') + "a" + std::string(2000, ')');
  EXPECT_TRUE(re_matches(nested, "a"));
  EXPECT_FALSE(re_matches(nested, "b"));
}

TEST(ScriptExpectRe, LongLinesDoNotExhaustTheStack) {
  // std::regex recursed once per character here.
  EXPECT_TRUE(re_matches("(a|b)*c", std::string(200000, 'a') + "c"));
  EXPECT_FALSE(re_matches("(a*)*b", std::string(100000, 'a')));
}

TEST(ScriptExpectRe, InvalidPatternsNameTheirLine) {
  EXPECT_EQ(error_of("expect_re = \"(a\""), "t.toml:8: invalid regular expression: missing ): (a");
  // RE2 has no backreferences or lookaround (they need backtracking).
  EXPECT_EQ(error_of("expect_re = \"(a)\\\\1\""),
            "t.toml:8: invalid regular expression: invalid escape sequence: \\1");
  EXPECT_EQ(error_of("expect_re = \"(?=a)\""),
            "t.toml:8: invalid regular expression: invalid perl operator: (?=");
}

TEST(ScriptExpectRe, GlobStepsStillMatchCaseInsensitively) {
  const auto steps = steps_of("expect = \"ehlo *\"");
  EXPECT_TRUE(line_matches(steps.at(1), "EHLO client.test"));
  EXPECT_FALSE(line_matches(steps.at(1), "HELO client.test"));
  EXPECT_FALSE(line_matches(steps.at(0), "anything"));  // a step that sends only
}

}  // namespace
}  // namespace ph::fakeservers
