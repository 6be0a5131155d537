#include "reports/html_report.hpp"

#include <regex>

#include <gtest/gtest.h>

#include "tests/reports/sample_results.hpp"

namespace ph::reports {
namespace {

using json = nlohmann::json;
using namespace testing;

// The JSON document embedded in the page.
json embedded(const std::string& page) {
  const std::string open = "<script id=\"ph-data\" type=\"application/json\">";
  const auto at = page.find(open);
  EXPECT_NE(at, std::string::npos);
  const auto end = page.find("</script>", at);
  return json::parse(page.substr(at + open.size(), end - at - open.size()));
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
    ++n;
  return n;
}

ph::scenario_result with_script() {
  auto r = failing_result();
  ph::script_step_trace tr;
  tr.connection = 1;
  tr.step = 2;
  tr.where = "sample.toml:12";
  tr.read = ph::script_read::line;
  tr.expected = "EHLO client.test";
  tr.actual = "EHLO  client.test\r\n";
  tr.actual_bytes = tr.actual.size();
  tr.reached = true;
  tr.matched = false;
  tr.mismatch = "sample.toml:12: step 2: script expected 'EHLO client.test'";
  tr.event = 1;
  tr.sent = "503 no\r\n";
  r.script = {tr};
  return r;
}

TEST(HtmlReport, ThePageIsSelfContained) {
  const std::string page = html_report({with_script()}, run_info{}, {});
  EXPECT_EQ(page.rfind("<!doctype html>", 0), 0u);
  EXPECT_EQ(page.find("{{"), std::string::npos) << "a template marker was left";
  // Nothing the browser would fetch: no external scripts, styles, images, fonts or requests.
  for (const char* pattern : {R"(<script[^>]+src=)", R"(<link\b)", R"(<img\b)", R"(@import)",
                              R"(url\()", R"(\bfetch\()", R"(XMLHttpRequest)", R"(@font-face)"})
    EXPECT_FALSE(std::regex_search(page, std::regex(pattern))) << pattern;
  EXPECT_EQ(count(page, "<script"), 2u);
}

TEST(HtmlReport, DataCannotCloseItsScriptElement) {
  auto r = result_with({c(0, "</script><script>alert(1)</script><!--\r\n")});
  const std::string page = html_report({r}, run_info{}, {});
  EXPECT_EQ(count(page, "</script"), 2u);
  EXPECT_EQ(page.find("<!--"), std::string::npos);
  const json data = embedded(page);
  EXPECT_EQ(data["scenarios"][0]["conns"][0]["ev"][0][5][0],
            "</script><script>alert(1)</script><!--␍␊");
}

TEST(HtmlReport, EmbedsWhatTheViewNeeds) {
  run_info info;
  info.command = "protoharness run scenarios/";
  info.paths = {"scenarios/"};
  auto r = with_script();
  r.tags = {"data"};
  const json data = embedded(html_report({r}, info, {}));
  EXPECT_EQ(data, html_data({r}, info, {}));
  EXPECT_EQ(data["run"]["command"], "protoharness run scenarios/");
  EXPECT_EQ(data["counts"]["FAIL"], 1);
  const json& s = data["scenarios"][0];
  EXPECT_EQ(s["id"], "smtp/sample");
  EXPECT_EQ(s["v"], "FAIL");
  EXPECT_EQ(s["tags"], json::array({"data"}));
  // The script step beside the client's line, cut where they differ.
  const json& st = s["script"][0];
  EXPECT_EQ(st["act"], "EHLO  client.test");
  EXPECT_EQ(st["eol"], "␍␊");
  EXPECT_EQ(st["d"]["e"], json::array({"EHLO ", "", "client.test"}));
  EXPECT_EQ(st["d"]["a"], json::array({"EHLO ", " ", "client.test"}));
  EXPECT_EQ(st["sent"], json::array({"503 no␍␊"}));
  // Failing rules only, RFC links and evidence; the first divergence (the script step at
  // event 1 comes before the rule's evidence at event 5).
  ASSERT_EQ(s["rules"].size(), 2u);
  EXPECT_EQ(s["rules"][1]["id"], "SMTP-DOT-STUFF");
  EXPECT_EQ(s["rules"][1]["rfc"][0][1], "https://www.rfc-editor.org/rfc/rfc5321#section-4.5.2");
  EXPECT_EQ(s["rules"][1]["ev"][0], json::array({1, 5, ".starts with a dot␍␊"}));
  EXPECT_EQ(s["div"]["src"], "script");
  EXPECT_EQ(s["div"]["ev"], 1);
  EXPECT_EQ(s["steps"][0]["ok"], false);
  // The transcript: one row per line, events keep their index.
  const json& ev = s["conns"][0]["ev"];
  EXPECT_EQ(ev.size(), 7u);
  EXPECT_EQ(ev[2][0], 2);
  EXPECT_EQ(ev[2][5], json::array({"250-fake.test␍␊", "250 8BITMIME␍␊"}));
}

TEST(HtmlReport, CredentialsAreMaskedUnlessAskedNotTo) {
  auto r = result_with({c(0, "AUTH PLAIN AHRlc3QAc2VjcmV0\r\n"), c(10, "PASS hunter2\r\n")});
  r.secrets = {"hunter2"};
  ph::step_result st;
  st.op = "login";
  st.expect = {{"text", "hunter2 ok"}};
  st.outcome = {{"text", "hunter2 ok"}};
  r.steps = {st};
  auto page = html_report({r}, run_info{}, {});
  EXPECT_EQ(page.find("hunter2"), std::string::npos);
  EXPECT_EQ(page.find("AHRlc3QAc2VjcmV0"), std::string::npos);
  EXPECT_NE(page.find("AUTH PLAIN ***"), std::string::npos);
  render_options keep;
  keep.redact = false;
  page = html_report({r}, run_info{}, keep);
  EXPECT_NE(page.find("PASS hunter2"), std::string::npos);
  EXPECT_NE(page.find("AHRlc3QAc2VjcmV0"), std::string::npos);
}

TEST(HtmlReport, LongDataIsElided) {
  const std::string big(100000, 'x');
  std::vector<ph::event> events = {c(0, big)};
  for (int i = 0; i < 10; ++i)
    events.push_back(c(10 + i, std::string(4000, 'y')));  // one run, past the run's budget
  events.push_back(s(100, "250 ok\r\n"));
  auto r = result_with(events);
  json ev = html_data({r}, run_info{}, {})["scenarios"][0]["conns"][0]["ev"];
  ASSERT_EQ(ev[0][1], "data");
  EXPECT_EQ(ev[0][5][0].get<std::string>().size(), 4096u);
  EXPECT_EQ(ev[0][6]["more"], 100000 - 4096);
  EXPECT_EQ(ev[0][6]["sha"].get<std::string>().size(), 64u);
  // The rest of the run (8 KiB embedded in all) becomes one summary row.
  std::size_t embedded_bytes = 0;
  std::size_t i = 0;
  for (; i < ev.size() && ev[i][1] == "data"; ++i)
    for (const auto& row : ev[i][5])
      embedded_bytes += row.get<std::string>().size();
  EXPECT_LE(embedded_bytes, 8u * 1024);
  ASSERT_LT(i, ev.size());
  EXPECT_EQ(ev[i][1], "elided");
  const std::size_t elided_events = ev[i][6]["n"].get<std::size_t>();
  EXPECT_EQ(ev[i][6]["last"], 10);
  EXPECT_EQ(i + elided_events, 11u);
  // The server's reply after the run is embedded again.
  EXPECT_EQ(ev.back()[5][0], "250 ok␍␊");
  render_options full;
  full.full_data = true;
  ev = html_data({r}, run_info{}, full)["scenarios"][0]["conns"][0]["ev"];
  EXPECT_EQ(ev.size(), 12u);
  EXPECT_EQ(ev[0][5][0].get<std::string>().size(), big.size());
}

TEST(HtmlReport, LongOutcomesAreCut) {
  auto r = result_with({c(0, "RETR 1\r\n")}, "pop3");
  ph::step_result st;
  st.op = "retr";
  st.outcome = {{"lines", json::array()}, {"text", std::string(2000, 'z')}};
  for (int i = 0; i < 100; ++i)
    st.outcome["lines"].push_back("line");
  r.steps = {st};
  const json out = html_data({r}, run_info{}, {})["scenarios"][0]["steps"][0]["out"];
  EXPECT_EQ(out["lines"].size(), 25u);
  EXPECT_EQ(out["lines"].back(), "… (76 more items)");
  EXPECT_LT(out["text"].get<std::string>().size(), 600u);
}

}  // namespace
}  // namespace ph::reports
