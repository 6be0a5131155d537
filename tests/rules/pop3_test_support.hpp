#pragma once
// In-memory POP3 transcripts for the rule tests, and helpers to run one rule on them.

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "harness/rules/pop3/pop3_rules.hpp"
#include "harness/rules/rule.hpp"
#include "tests/rules/rule_test_support.hpp"
#include "vocabulary/transcript.hpp"

namespace ph::harness::rules::pop3::test {

// The RFC 1939 §7 example: greeting timestamp, secret and the digest of both.
inline constexpr std::string_view apop_stamp = "<1896.697170952@dbc.mtview.ca.us>";
inline constexpr std::string_view apop_secret = "tanstaaf";
inline constexpr std::string_view apop_digest = "c4c9334bac560ecc979e58001b3e22fb";

// Builds a transcript event by event; each call appends exactly one event on channel 0.
class transcript_builder {
 public:
  transcript_builder& client(std::string bytes) {
    return add(event_kind::data, direction::client_to_server, std::move(bytes));
  }
  transcript_builder& server(std::string bytes) {
    return add(event_kind::data, direction::server_to_client, std::move(bytes));
  }
  transcript_builder& tls_start() {
    return add(event_kind::tls_start, direction::server_to_client, "");
  }
  transcript_builder& tls_ready() {
    return add(event_kind::tls_ready, direction::server_to_client, "TLSv1.3");
  }
  transcript_builder& tls_failed() {
    return add(event_kind::tls_failed, direction::server_to_client, "bad record");
  }
  transcript_builder& client_close() {
    return add(event_kind::close, direction::client_to_server, "");
  }
  transcript_builder& server_close() {
    return add(event_kind::close, direction::server_to_client, "");
  }
  transcript_builder& note(std::string text) {
    return add(event_kind::note, direction::server_to_client, std::move(text));
  }
  // The greeting with the RFC 1939 §7 example timestamp.
  transcript_builder& greet() {
    return server("+OK POP3 server ready " + std::string(apop_stamp) + "\r\n");
  }
  // "CAPA" and a +OK listing `caps`.
  transcript_builder& capa(const std::vector<std::string>& caps) {
    client("CAPA\r\n");
    std::string r = "+OK capability list follows\r\n";
    for (const auto& c : caps)
      r += c + "\r\n";
    return server(r + ".\r\n");
  }
  // USER/PASS answered +OK: four events.
  transcript_builder& login() {
    client("USER alice\r\n").server("+OK\r\n");
    return client("PASS secret\r\n").server("+OK maildrop locked and ready\r\n");
  }

  // Index of the last event added.
  [[nodiscard]] int last() const { return static_cast<int>(t_.events.size()) - 1; }
  [[nodiscard]] const transcript& get() const { return t_; }
  transcript& get() { return t_; }

 private:
  transcript_builder& add(event_kind kind, direction dir, std::string bytes) {
    event e;
    e.kind = kind;
    e.dir = dir;
    e.channel = 0;
    e.at = std::chrono::microseconds(1000 * static_cast<long>(t_.events.size()));
    e.bytes = std::move(bytes);
    t_.events.push_back(std::move(e));
    return *this;
  }

  transcript t_{1, {{"control", "127.0.0.1:40000", "127.0.0.1:110"}}, {}};
};

using rule_testing::describe;
using rule_testing::expect_fail;
using rule_testing::expect_na;
using rule_testing::expect_pass;

inline const rule* find_rule(std::string_view id) {
  return rule_testing::find_rule("pop3", id);
}

inline rule_result run(std::string_view id, const transcript& t, const context& ctx = {}) {
  return rule_testing::run_rule("pop3", id, t, ctx);
}

// A well-behaved session: greeting with timestamp, CAPA, STLS, CAPA again, USER/PASS (or
// AUTH PLAIN with an initial response), STAT, LIST, RETR 1 (with a stuffed line), DELE 1,
// QUIT and the server's close.
inline transcript_builder clean_session(bool auth_plain = false) {
  transcript_builder b;
  b.greet().capa({"TOP", "UIDL", "USER", "STLS", "SASL PLAIN", "RESP-CODES"});
  b.client("STLS\r\n").server("+OK begin TLS negotiation\r\n").tls_start().tls_ready();
  b.capa({"TOP", "UIDL", "USER", "SASL PLAIN", "RESP-CODES"});
  if (auth_plain) {
    b.client("AUTH PLAIN AGFsaWNlAHNlY3JldA==\r\n").server("+OK logged in\r\n");
  } else {
    b.login();
  }
  b.client("STAT\r\n").server("+OK 2 320\r\n");
  b.client("LIST\r\n").server("+OK 2 messages\r\n1 120\r\n2 200\r\n.\r\n");
  b.client("RETR 1\r\n").server("+OK 120 octets\r\nSubject: hi\r\n\r\n..dot\r\n");
  b.server("last line\r\n.\r\n");
  b.client("DELE 1\r\n").server("+OK message 1 deleted\r\n");
  b.client("QUIT\r\n").server("+OK bye\r\n").server_close();
  return b;
}

}  // namespace ph::harness::rules::pop3::test
