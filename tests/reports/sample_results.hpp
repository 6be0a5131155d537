#pragma once
// Hand-made results for the report tests.

#include <string>
#include <vector>

#include "harness/protocols.hpp"
#include "vocabulary/result.hpp"
#include "vocabulary/transcript.hpp"

namespace ph::reports::testing {

using ph::direction;
using ph::event_kind;
using namespace std::chrono_literals;

inline const ph::rule_info must_rule{
    "SMTP-DOT-STUFF", "smtp", "RFC 5321 §4.5.2",
    ph::level::must,  "MUST", "Body lines starting with '.' are doubled"};
inline const ph::rule_info should_rule{"SMTP-QUIT",       "smtp",   "RFC 5321 §4.1.1.10",
                                       ph::level::should, "SHOULD", "The client ends with QUIT"};

inline ph::event ev(event_kind kind, direction dir, long long at_us, std::string bytes,
                    int channel = 0) {
  return {kind, dir, channel, std::chrono::microseconds(at_us), std::move(bytes)};
}
inline ph::event c(long long at_us, std::string bytes, int channel = 0) {
  return ev(event_kind::data, direction::client_to_server, at_us, std::move(bytes), channel);
}
inline ph::event s(long long at_us, std::string bytes, int channel = 0) {
  return ev(event_kind::data, direction::server_to_client, at_us, std::move(bytes), channel);
}

inline ph::transcript one_connection(std::vector<ph::event> events) {
  ph::transcript t;
  t.connection = 1;
  t.channels = {{"control", "127.0.0.1:40122", "127.0.0.1:39001"}};
  t.events = std::move(events);
  return t;
}

// The credential forms of a protocol's registry row, as the runner gives them to a result.
inline ph::redaction_forms forms_of(std::string_view protocol) {
  const ph::protocol_row* row = harness::find_protocol(protocol);
  return row ? row->redaction : ph::redaction_forms{};
}

inline ph::scenario_result result_with(std::vector<ph::event> events,
                                       std::string protocol = "smtp") {
  ph::scenario_result r;
  r.id = protocol + "/sample";
  r.file = "scenarios/" + protocol + "/sample.toml";
  r.redaction = forms_of(protocol);
  r.protocol = std::move(protocol);
  r.summary = "a sample";
  r.duration = 12345us;
  r.connections.push_back(one_connection(std::move(events)));
  return r;
}

// A FAIL: a MUST rule broken with evidence, a SHOULD rule broken, a problem and a step
// that did not match.
inline ph::scenario_result failing_result() {
  ph::scenario_result r = result_with({
      s(0, "220 fake.test ESMTP\r\n"),
      c(311, "EHLO client.test\r\n"),
      s(402, "250-fake.test\r\n250 8BITMIME\r\n"),
      c(900, "DATA\r\n"),
      s(950, "354 go\r\n"),
      c(1200, "Subject: x\r\n\r\n.starts with a dot\r\n.\r\n"),
      s(1300, "250 ok\r\n"),
  });
  r.final = ph::verdict::fail;
  ph::rule_result must{&must_rule,
                       ph::outcome::fail,
                       "body line starting with '.' was not doubled",
                       {{1, 5, ".starts with a dot\r\n"}}};
  ph::rule_result should{&should_rule, ph::outcome::fail, "no QUIT before close", {}};
  r.rules = {should, must};
  r.problems = {"server step 4: expected \"QUIT\", got end of input"};
  ph::step_result step;
  step.op = "sendmail";
  step.outcome = {{"refused", nlohmann::json::object()}};
  step.matched = false;
  step.mismatch = "expected error SMTPDataError";
  step.elapsed = 1500us;
  r.steps = {step};
  return r;
}

}  // namespace ph::reports::testing
