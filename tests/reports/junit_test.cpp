#include "reports/junit.hpp"

#include <gtest/gtest.h>

#include "reports/encoding.hpp"
#include "tests/reports/sample_results.hpp"

namespace ph::reports {
namespace {

using namespace testing;

// A small XML 1.0 well-formedness check, enough for what junit_xml writes: balanced tags,
// quoted attributes without '<', only known entities and character references, no
// characters XML forbids, valid UTF-8. Returns "" or what is wrong.
std::string xml_problem(const std::string& xml) {
  if (!is_valid_utf8(xml)) return "not UTF-8";
  for (unsigned char b : xml)
    if (b < 0x20 && b != '\t' && b != '\n' && b != '\r') return "control byte " + std::to_string(b);
  auto entity_ok = [&](std::size_t at) {
    const std::size_t semi = xml.find(';', at);
    if (semi == std::string::npos) return false;
    const std::string name = xml.substr(at + 1, semi - at - 1);
    if (name == "amp" || name == "lt" || name == "gt" || name == "quot" || name == "apos")
      return true;
    return name.size() > 1 && name[0] == '#' &&
           name.find_first_not_of("0123456789", 1) == std::string::npos;
  };
  std::vector<std::string> stack;
  std::size_t i = 0;
  if (xml.rfind("<?xml ", 0) == 0) i = xml.find("?>") + 2;
  bool root_seen = false;
  while (i < xml.size()) {
    if (xml[i] == '&') {
      if (!entity_ok(i)) return "bad entity at " + std::to_string(i);
      ++i;
      continue;
    }
    if (xml[i] != '<') {
      if (stack.empty() && xml[i] != '\n' && xml[i] != ' ') return "text outside root";
      ++i;
      continue;
    }
    const bool closing = xml[i + 1] == '/';
    std::size_t j = i + (closing ? 2 : 1);
    const std::size_t name_end = xml.find_first_of(" />", j);
    const std::string name = xml.substr(j, name_end - j);
    if (name.empty()) return "empty tag name at " + std::to_string(i);
    j = name_end;
    while (j < xml.size() && xml[j] != '>' && xml[j] != '/') {
      if (xml[j] == ' ') {
        ++j;
        continue;
      }
      const std::size_t eq = xml.find('=', j);
      if (eq == std::string::npos || xml[eq + 1] != '"')
        return "unquoted attribute at " + std::to_string(j);
      const std::size_t close = xml.find('"', eq + 2);
      for (std::size_t k = eq + 2; k < close; ++k) {
        if (xml[k] == '<') return "'<' in attribute at " + std::to_string(k);
        if (xml[k] == '&' && !entity_ok(k))
          return "bad entity in attribute at " + std::to_string(k);
      }
      j = close + 1;
    }
    const bool self_closing = xml[j] == '/';
    if (closing) {
      if (stack.empty() || stack.back() != name) return "mismatched </" + name + ">";
      stack.pop_back();
    } else if (!self_closing) {
      if (stack.empty() && root_seen) return "second root element";
      root_seen = true;
      stack.push_back(name);
    }
    i = xml.find('>', j) + 1;
  }
  return stack.empty() ? "" : "unclosed <" + stack.back() + ">";
}

std::string between(const std::string& text, const std::string& open, const std::string& close) {
  const std::size_t b = text.find(open);
  if (b == std::string::npos) return "";
  const std::size_t e = text.find(close, b + open.size());
  return text.substr(b + open.size(), e - b - open.size());
}

// The attributes after the name in one protocol's <testsuite> tag ("" when there is none).
std::string suite_tag(const std::string& xml, const std::string& protocol) {
  return between(xml, "<testsuite name=\"protoharness." + protocol + "\"", ">");
}

run_info info() {
  run_info i;
  i.tool_version = "0.1.0";
  i.started_at = "2024-05-01T12:00:00.000Z";
  i.wall_time = 2500000us;
  i.jobs = 2;
  i.client = "in-tree";
  i.hostname = "ci-1";
  return i;
}

TEST(XmlEscape, MarkupCharacters) {
  EXPECT_EQ(xml_escape("a<b & \"c\" 'd' >"), "a&lt;b &amp; \"c\" 'd' &gt;");
  EXPECT_EQ(xml_escape("a<b & \"c\" 'd'", true), "a&lt;b &amp; &quot;c&quot; &apos;d&apos;");
}

TEST(XmlEscape, ControlBytesAreShownVisibly) {
  EXPECT_EQ(xml_escape(std::string("x\0y\x1b\x0b", 5)), "x\\x00y\\x1B\\x0B");
  EXPECT_EQ(xml_escape("\xFF\xEF\xBF\xBF"), "\\xFF\\xEF\\xBF\\xBF");
  EXPECT_EQ(xml_escape("é§"), "é§");
}

TEST(XmlEscape, WhitespaceInAttributesSurvivesNormalisation) {
  EXPECT_EQ(xml_escape("a\tb\r\nc", true), "a&#9;b&#13;&#10;c");
  EXPECT_EQ(xml_escape("a\tb\r\nc", false), "a\tb&#13;\nc");
}

TEST(Junit, AllPassingIsWellFormedAndCounted) {
  auto a = result_with({c(0, "QUIT\r\n")});
  auto b = result_with({}, "pop3");
  const std::string xml = junit_xml({a, b}, info(), {});
  EXPECT_EQ(xml_problem(xml), "");
  EXPECT_NE(xml.find("<testsuites name=\"protoharness\" tests=\"2\" failures=\"0\" errors=\"0\""),
            std::string::npos);
  EXPECT_NE(xml.find("<testsuite name=\"protoharness.smtp\" tests=\"1\""), std::string::npos);
  EXPECT_NE(xml.find("<testsuite name=\"protoharness.pop3\" tests=\"1\""), std::string::npos);
  EXPECT_NE(xml.find("<testcase classname=\"protoharness.smtp\" name=\"smtp/sample\" "
                     "time=\"0.012\" file=\"scenarios/smtp/sample.toml\"/>"),
            std::string::npos);
  EXPECT_EQ(xml.find("<system-out>"), std::string::npos);  // passing cases stay small
}

TEST(Junit, FailureMessageNamesTheFirstMustRuleAndItsEvidence) {
  const std::string xml = junit_xml({failing_result()}, info(), {});
  ASSERT_EQ(xml_problem(xml), "");
  EXPECT_NE(suite_tag(xml, "smtp").find(" failures=\"1\" errors=\"0\" "), std::string::npos)
      << suite_tag(xml, "smtp");
  const std::string message = between(xml, "<failure message=\"", "\"");
  EXPECT_EQ(message,
            "SMTP-DOT-STUFF (RFC 5321 §4.5.2, MUST): body line starting with &apos;.&apos; was "
            "not doubled at conn 1, event 5: .starts with a dot␍␊");
  EXPECT_NE(xml.find("type=\"SMTP-DOT-STUFF\""), std::string::npos);

  const std::string body = between(xml.substr(xml.find("<failure")), "\">", "</failure>");
  EXPECT_NE(body.find("Failing rules:"), std::string::npos);
  EXPECT_NE(body.find("SMTP-QUIT (RFC 5321 §4.1.1.10, SHOULD): no QUIT before close"),
            std::string::npos);
  EXPECT_NE(body.find("Problems:\n  server step 4: expected \"QUIT\", got end of input"),
            std::string::npos);
  EXPECT_NE(body.find("step 1 sendmail: expected error SMTPDataError"), std::string::npos);

  const std::string out = between(xml, "<system-out>", "</system-out>");
  EXPECT_NE(out.find("   1.200 C: Subject: x␍␊"), std::string::npos);
}

// Each <testsuite> counts its own protocol's verdicts; the <testsuites> total is their sum.
TEST(Junit, EachSuiteCountsItsOwnFailuresAndErrors) {
  auto with = [](std::string protocol, ph::verdict v) {
    auto r = result_with({}, std::move(protocol));
    r.final = v;
    if (v == ph::verdict::error) r.problems = {"fake server: cannot bind"};
    return r;
  };
  using ph::verdict;
  const std::string xml = junit_xml(
      {with("smtp", verdict::fail), with("pop3", verdict::pass), with("smtp", verdict::fail),
       with("nntp", verdict::error), with("smtp", verdict::warn), with("pop3", verdict::error),
       with("smtp", verdict::error)},
      info(), {});
  ASSERT_EQ(xml_problem(xml), "");
  EXPECT_NE(xml.find("<testsuites name=\"protoharness\" tests=\"7\" failures=\"2\" errors=\"3\""),
            std::string::npos);
  EXPECT_NE(suite_tag(xml, "smtp").find(" tests=\"4\" failures=\"2\" errors=\"1\" "),
            std::string::npos)
      << suite_tag(xml, "smtp");
  EXPECT_NE(suite_tag(xml, "pop3").find(" tests=\"2\" failures=\"0\" errors=\"1\" "),
            std::string::npos)
      << suite_tag(xml, "pop3");
  EXPECT_NE(suite_tag(xml, "nntp").find(" tests=\"1\" failures=\"0\" errors=\"1\" "),
            std::string::npos)
      << suite_tag(xml, "nntp");
}

TEST(Junit, FailureWithoutRulesUsesTheFirstProblem) {
  auto r = result_with({});
  r.final = ph::verdict::fail;
  r.problems = {"client outcome: expected refused = [], got error timeout"};
  const std::string xml = junit_xml({r}, info(), {});
  EXPECT_EQ(xml_problem(xml), "");
  EXPECT_EQ(between(xml, "<failure message=\"", "\""),
            "client outcome: expected refused = [], got error timeout");
}

TEST(Junit, ErrorVerdictUsesErrorElement) {
  auto r = result_with({});
  r.final = ph::verdict::error;
  r.problems = {"fake server: cannot bind", "second"};
  r.client_log = "stderr <of> the client\x01";
  const std::string xml = junit_xml({r}, info(), {});
  ASSERT_EQ(xml_problem(xml), "");
  EXPECT_NE(suite_tag(xml, "smtp").find(" failures=\"0\" errors=\"1\" "), std::string::npos)
      << suite_tag(xml, "smtp");
  EXPECT_EQ(between(xml, "<error message=\"", "\""), "fake server: cannot bind");
  EXPECT_NE(xml.find("Problems:\n  fake server: cannot bind\n  second\n</error>"),
            std::string::npos);
  EXPECT_EQ(between(xml, "<system-err>", "</system-err>"), "stderr &lt;of&gt; the client\\x01");
  EXPECT_EQ(xml.find("<failure"), std::string::npos);
}

TEST(Junit, WarnPassesButListsShouldFindings) {
  auto r = failing_result();
  r.final = ph::verdict::warn;
  r.rules.pop_back();  // keep only the SHOULD rule
  r.problems.clear();
  const std::string xml = junit_xml({r}, info(), {});
  ASSERT_EQ(xml_problem(xml), "");
  EXPECT_EQ(xml.find("<failure"), std::string::npos);
  EXPECT_EQ(xml.find("<error"), std::string::npos);
  const std::string out = between(xml, "<system-out>", "</system-out>");
  EXPECT_EQ(out.rfind("SHOULD-level findings:\n  SMTP-QUIT (RFC 5321 §4.1.1.10, SHOULD): no QUIT "
                      "before close\n",
                      0),
            0u)
      << out;
  EXPECT_NE(out.find("# smtp/sample · conn 1"), std::string::npos);
}

TEST(Junit, HostileTextIsEscaped) {
  auto r = failing_result();
  r.id = "smtp/<&\">";
  r.rules[1].message = "saw <CR> & \"quote\" and \x01\x02 bytes";
  r.rules[1].evidence[0].excerpt = std::string("\0\x7f\xff]]>\r\n", 8);
  r.connections[0].events.push_back(c(2000, std::string("bin\0\x1b<&>\xfe\r\n", 11)));
  const std::string xml = junit_xml({r}, info(), {});
  ASSERT_EQ(xml_problem(xml), "");
  EXPECT_NE(xml.find("name=\"smtp/&lt;&amp;&quot;&gt;\""), std::string::npos);
  const std::string message = between(xml, "<failure message=\"", "\" type");
  EXPECT_NE(message.find("saw &lt;CR&gt; &amp; &quot;quote&quot; and \\x01\\x02 bytes"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("event 5: \\x00\\x7F\\xFF]]&gt;␍␊"), std::string::npos) << message;
  EXPECT_NE(xml.find("C: bin\\x00\\x1B&lt;&amp;&gt;\\xFE␍␊"), std::string::npos);
}

TEST(Junit, RedactsTranscriptAndMessages) {
  auto r = failing_result();
  r.secrets = {"hunter2"};
  r.problems = {"server step 3: expected \"EHLO *\", got \"AUTH PLAIN AGJvYgBodW50ZXIy\""};
  r.connections[0].events.push_back(c(3000, "AUTH PLAIN AGJvYgBodW50ZXIy\r\n"));
  r.connections[0].events.push_back(c(3100, "hunter2\r\n"));
  const std::string xml = junit_xml({r}, info(), {});
  EXPECT_EQ(xml.find("hunter2"), std::string::npos);
  EXPECT_EQ(xml.find("AGJvYgBodW50ZXIy"), std::string::npos);
  EXPECT_NE(xml.find("C: AUTH PLAIN ***␍␊"), std::string::npos);

  render_options keep;
  keep.redact = false;
  EXPECT_NE(junit_xml({r}, info(), keep).find("hunter2"), std::string::npos);
}

TEST(Junit, RunInfoProperties) {
  const std::string xml = junit_xml({result_with({})}, info(), {});
  EXPECT_NE(xml.find("timestamp=\"2024-05-01T12:00:00.000Z\" hostname=\"ci-1\""),
            std::string::npos);
  EXPECT_NE(xml.find("<property name=\"tool_version\" value=\"0.1.0\"/>"), std::string::npos);
  EXPECT_NE(xml.find("<property name=\"client\" value=\"in-tree\"/>"), std::string::npos);
  EXPECT_NE(xml.find("time=\"2.500\""), std::string::npos);
}

TEST(Junit, FailureMessageIsTheFirstDivergence) {
  auto r = failing_result();
  ph::script_step_trace tr;
  tr.connection = 1;
  tr.step = 2;
  tr.reached = true;
  tr.matched = false;
  tr.event = 1;  // before the MUST rule's evidence (event 5)
  tr.mismatch = "sample.toml:9: step 2: script expected 'EHLO client.test', client sent 'HELO x'";
  r.script = {tr};
  const std::string xml = junit_xml({r}, info(), {});
  ASSERT_EQ(xml_problem(xml), "");
  EXPECT_EQ(between(xml, "<failure message=\"", "\""),
            "sample.toml:9: step 2: script expected &apos;EHLO client.test&apos;, client sent "
            "&apos;HELO x&apos;");
  EXPECT_NE(xml.find("type=\"mismatch\""), std::string::npos);
}

TEST(Junit, AReportOverTheLimitCutsTranscriptsAndSaysSo) {
  std::vector<ph::scenario_result> results;
  for (int i = 0; i < 4; ++i) {
    auto r = failing_result();
    r.id = "smtp/big-" + std::to_string(i);
    for (int k = 0; k < 400; ++k)
      r.connections[0].events.push_back(c(2000 + k, "NOOP line " + std::to_string(k) + "\r\n"));
    results.push_back(r);
  }
  render_options options;
  const std::string whole = junit_xml(results, info(), options);
  EXPECT_EQ(whole.find("truncated"), std::string::npos);
  options.max_junit_bytes = whole.size() / 2;
  const std::string xml = junit_xml(results, info(), options);
  ASSERT_EQ(xml_problem(xml), "");
  EXPECT_LE(xml.size(), options.max_junit_bytes);
  EXPECT_GT(xml.size(), options.max_junit_bytes * 9 / 10);  // the cut is not wastefully short
  EXPECT_NE(xml.find("<property name=\"transcripts_truncated\" value=\"every transcript cut to"),
            std::string::npos);
  EXPECT_NE(xml.find("… transcript truncated: "), std::string::npos);
  EXPECT_NE(xml.find("transcripts/smtp__big-3.txt"), std::string::npos);
  // Each cut ends at a line end, and the failure messages are whole.
  EXPECT_NE(xml.find("␍␊\n… transcript truncated"), std::string::npos);
  EXPECT_NE(xml.find("was not doubled at conn 1, event 5"), std::string::npos);
}

TEST(Junit, EmptyRunIsWellFormed) {
  const std::string xml = junit_xml({}, info(), {});
  EXPECT_EQ(xml_problem(xml), "");
  EXPECT_NE(xml.find("tests=\"0\""), std::string::npos);
}

}  // namespace
}  // namespace ph::reports
