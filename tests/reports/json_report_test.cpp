#include "reports/json_report.hpp"

#include <gtest/gtest.h>

#include "reports/encoding.hpp"
#include "tests/reports/sample_results.hpp"

namespace ph::reports {
namespace {

using namespace testing;
using json = nlohmann::json;

run_info info() {
  run_info i;
  i.tool_version = "0.1.0";
  i.started_at = "2024-05-01T12:00:00.000Z";
  i.wall_time = 1500us;
  i.jobs = 4;
  i.client = "python3 client.py";
  i.hostname = "ci-1";
  return i;
}

TEST(JsonReport, RoundTripsWithSchemaRunAndCounts) {
  auto pass = result_with({c(0, "QUIT\r\n")}, "pop3");
  const std::string text = json_report_text({failing_result(), pass}, info(), {});
  const json j = json::parse(text);
  EXPECT_EQ(j["schema"], "protoharness.report/1");
  EXPECT_EQ(j["run"]["tool_version"], "0.1.0");
  EXPECT_EQ(j["run"]["started_at"], "2024-05-01T12:00:00.000Z");
  EXPECT_DOUBLE_EQ(j["run"]["wall_time_ms"].get<double>(), 1.5);
  EXPECT_EQ(j["run"]["jobs"], 4);
  EXPECT_EQ(j["run"]["client"], "python3 client.py");
  EXPECT_EQ(j["run"]["hostname"], "ci-1");
  EXPECT_EQ(j["counts"], json({{"total", 2}, {"PASS", 1}, {"WARN", 0}, {"FAIL", 1}, {"ERROR", 0}}));
  ASSERT_EQ(j["scenarios"].size(), 2u);
  EXPECT_EQ(j, json_report({failing_result(), pass}, info(), {}));
}

TEST(JsonReport, ScenarioFields) {
  const json j = scenario_json(failing_result(), {});
  EXPECT_EQ(j["id"], "smtp/sample");
  EXPECT_EQ(j["file"], "scenarios/smtp/sample.toml");
  EXPECT_EQ(j["protocol"], "smtp");
  EXPECT_EQ(j["summary"], "a sample");
  EXPECT_EQ(j["verdict"], "FAIL");
  EXPECT_DOUBLE_EQ(j["duration_ms"].get<double>(), 12.345);
  EXPECT_EQ(j["bytes"]["client_to_server"], 18 + 6 + 37);
  EXPECT_EQ(j["bytes"]["server_to_client"], 21 + 29 + 8 + 8);
  EXPECT_EQ(j["ops"], 1);
  EXPECT_EQ(j["problems"], json({"server step 4: expected \"QUIT\", got end of input"}));

  ASSERT_EQ(j["rules"].size(), 2u);
  const json& rule = j["rules"][1];
  EXPECT_EQ(rule["id"], "SMTP-DOT-STUFF");
  EXPECT_EQ(rule["rfc"], "RFC 5321 §4.5.2");
  EXPECT_EQ(rule["level"], "MUST");
  EXPECT_EQ(rule["outcome"], "fail");
  EXPECT_EQ(rule["message"], "body line starting with '.' was not doubled");
  EXPECT_EQ(rule["evidence"],
            json::parse(R"([{"connection":1,"event":5,"excerpt":".starts with a dot\r\n"}])"));

  ASSERT_EQ(j["steps"].size(), 1u);
  EXPECT_EQ(j["steps"][0]["op"], "sendmail");
  EXPECT_EQ(j["steps"][0]["outcome"], json({{"refused", json::object()}}));
  EXPECT_EQ(j["steps"][0]["matched"], false);
  EXPECT_EQ(j["steps"][0]["mismatch"], "expected error SMTPDataError");
  EXPECT_DOUBLE_EQ(j["steps"][0]["elapsed_ms"].get<double>(), 1.5);

  ASSERT_EQ(j["transcripts"].size(), 1u);
  const json& t = j["transcripts"][0];
  EXPECT_EQ(t["connection"], 1);
  EXPECT_EQ(
      t["channels"][0],
      json({{"label", "control"}, {"client", "127.0.0.1:40122"}, {"server", "127.0.0.1:39001"}}));
  ASSERT_EQ(t["events"].size(), 7u);
  EXPECT_EQ(t["events"][1], json({{"kind", "data"},
                                  {"dir", "client_to_server"},
                                  {"channel", 0},
                                  {"t_us", 311},
                                  {"text", "EHLO client.test\r\n"}}));
}

TEST(JsonReport, BinaryDataIsBase64) {
  const std::string bin("\x00\xff\xfe\r\n", 5);
  auto r = result_with({s(0, bin), c(1, "caf\xC3\xA9\r\n")});
  r.rules = {{&testing::must_rule, ph::outcome::fail, "m", {{1, 0, bin}}}};
  const json j = json::parse(json_report_text({r}, info(), {}));
  const json& events = j["scenarios"][0]["transcripts"][0]["events"];
  EXPECT_EQ(events[0]["base64"], base64_encode(bin));
  EXPECT_FALSE(events[0].contains("text"));
  EXPECT_EQ(events[1]["text"], "café\r\n");
  EXPECT_EQ(j["scenarios"][0]["rules"][0]["evidence"][0]["excerpt_base64"], "AP/+DQo=");
}

TEST(JsonReport, NonDataEvents) {
  auto r = result_with({ev(event_kind::tls_ready, direction::server_to_client, 9, "TLSv1.3"),
                        ev(event_kind::close, direction::client_to_server, 10, "")});
  const json j = scenario_json(r, {});
  const json& events = j["transcripts"][0]["events"];
  EXPECT_EQ(events[0]["kind"], "tls-ready");
  EXPECT_EQ(events[0]["text"], "TLSv1.3");
  EXPECT_EQ(events[1]["kind"], "close");
  EXPECT_EQ(events[1]["dir"], "client_to_server");
}

TEST(JsonReport, RedactionMatchesTheTextForm) {
  auto r = result_with({
      c(0, "AUTH LOGIN\r\n"),
      s(1, "334 VXNlcm5hbWU6\r\n"),
      c(2, "Ym9i\r\n"),
      c(3, "PASS hunter2\r\n"),
  });
  r.secrets = {"hunter2"};
  r.problems = {"the client sent hunter2"};
  ph::step_result st;
  st.op = "login";
  st.outcome = {{"message", "bad password hunter2"}, {"list", {"hunter2", 1}}};
  r.steps = {st};
  const std::string text = json_report_text({r}, info(), {});
  EXPECT_EQ(text.find("hunter2"), std::string::npos);
  EXPECT_EQ(text.find("Ym9i"), std::string::npos);
  const json j = json::parse(text)["scenarios"][0];
  EXPECT_EQ(j["transcripts"][0]["events"][2]["text"], "***\r\n");
  EXPECT_EQ(j["steps"][0]["outcome"]["list"], json({"***", 1}));
  // Byte counts describe the wire, not the redacted view.
  EXPECT_EQ(j["bytes"]["client_to_server"], 12 + 6 + 14);

  render_options keep;
  keep.redact = false;
  EXPECT_NE(json_report_text({r}, info(), keep).find("hunter2"), std::string::npos);
}

TEST(JsonReport, LongEventsAreCutUnlessFullData) {
  const std::string big(100000, 'a');
  const auto r = result_with({c(0, big)});
  const json cut = scenario_json(r, {})["transcripts"][0]["events"][0];
  EXPECT_EQ(cut["text"].get<std::string>().size(), 4096u);
  EXPECT_EQ(cut["omitted_bytes"], 100000 - 4096);
  EXPECT_EQ(cut["sha256"], sha256_hex(big));
  render_options full;
  full.full_data = true;
  const json whole = scenario_json(r, full)["transcripts"][0]["events"][0];
  EXPECT_EQ(whole["text"], big);
  EXPECT_FALSE(whole.contains("omitted_bytes"));
}

TEST(JsonReport, InvalidUtf8InMessagesDoesNotThrow) {
  auto r = result_with({});
  r.problems = {"bad \xff byte"};
  std::string text;
  ASSERT_NO_THROW(text = json_report_text({r}, info(), {}));
  EXPECT_TRUE(json::accept(text));
}

TEST(JsonReport, RuleWithoutInfoHasNullId) {
  auto r = result_with({});
  r.rules = {{nullptr, ph::outcome::pass, "ok", {}}};
  EXPECT_TRUE(scenario_json(r, {})["rules"][0]["id"].is_null());
}

TEST(JsonReport, ElidedTranscriptAndCutEvidence) {
  auto r = result_with({});
  ph::transcript& t = r.connections.front();
  t.events.clear();
  ph::transcript_recorder rec(t, 2 * ph::transcript_recorder::event_cost + 10);
  rec.add(s(0, "220 hi\r\n"));
  const std::string line = "EHLO " + std::string(1000, 'x') + "\r\n";
  rec.add(c(1000, line));
  rec.finish();
  ph::evidence ev{1, 1, line.substr(0, 80), line.size(), sha256_hex(line)};
  r.rules = {{&must_rule, ph::outcome::fail, "too long", {ev}}};

  const json j = scenario_json(r, {});
  const json& el = j["transcripts"][0]["elided"];
  EXPECT_EQ(el["event"], 2);
  EXPECT_EQ(el["limit"], 2 * ph::transcript_recorder::event_cost + 10);
  EXPECT_EQ(el["client_bytes"], line.size() - 2);
  EXPECT_EQ(el["client_sha256"], sha256_hex(line.substr(2)));
  EXPECT_EQ(el["server_bytes"], 0);
  EXPECT_EQ(j["transcripts"][0]["events"][2]["kind"], "note");
  EXPECT_EQ(j["bytes"]["client_to_server"], line.size());  // kept and dropped
  const json& je = j["rules"][0]["evidence"][0];
  EXPECT_EQ(je["excerpt"], line.substr(0, 80));
  EXPECT_EQ(je["length"], line.size());
  EXPECT_EQ(je["sha256"], sha256_hex(line));
}

}  // namespace
}  // namespace ph::reports
