#pragma once
// In-memory SMTP transcripts for the rule tests, and helpers to run one rule on them.

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "harness/rules/rule.hpp"
#include "harness/rules/smtp/smtp_rules.hpp"
#include "tests/rules/rule_test_support.hpp"
#include "vocabulary/transcript.hpp"

namespace ph::harness::rules::smtp::test {

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
  transcript_builder& client_reset() {
    return add(event_kind::reset, direction::client_to_server, "");
  }
  transcript_builder& note(std::string text) {
    return add(event_kind::note, direction::server_to_client, std::move(text));
  }
  // Greeting, "EHLO client.example" and a 250 reply listing `extensions`.
  transcript_builder& greet_ehlo(const std::vector<std::string>& extensions) {
    server("220 mx.server.example ESMTP\r\n");
    client("EHLO client.example\r\n");
    return ehlo_reply(extensions);
  }
  transcript_builder& ehlo_reply(const std::vector<std::string>& extensions) {
    std::string r = extensions.empty() ? "250 mx.server.example\r\n" : "250-mx.server.example\r\n";
    for (std::size_t i = 0; i < extensions.size(); ++i)
      r += (i + 1 == extensions.size() ? "250 " : "250-") + extensions[i] + "\r\n";
    return server(r);
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

  transcript t_{1, {{"control", "127.0.0.1:40000", "127.0.0.1:25"}}, {}};
};

using rule_testing::describe;
using rule_testing::expect_fail;
using rule_testing::expect_na;
using rule_testing::expect_pass;

inline const rule* find_rule(std::string_view id) {
  return rule_testing::find_rule("smtp", id);
}

inline rule_result run(std::string_view id, const transcript& t, const context& ctx = {}) {
  return rule_testing::run_rule("smtp", id, t, ctx);
}

// A message that satisfies every RFC 5322 rule, dot-stuffed on the wire.
inline std::string clean_message_wire() {
  return "Date: Tue, 1 Jul 2025 10:00:00 +0000\r\n"
         "From: Alice <alice@client.example>\r\n"
         "To: bob@server.example\r\n"
         "Subject: hello\r\n"
         "Message-ID: <20250701100000.1@client.example>\r\n"
         "\r\n"
         "Hi Bob,\r\n"
         "..a line that starts with a dot\r\n"
         "Regards\r\n";
}

// Size of clean_message_wire() once un-stuffed (RFC 1870 §3).
inline std::size_t clean_message_size() {
  return clean_message_wire().size() - 1;
}

// A well-behaved session: greeting, EHLO (PIPELINING 8BITMIME SIZE STARTTLS AUTH), STARTTLS,
// EHLO again, AUTH PLAIN, a pipelined MAIL/RCPT/DATA, the message in two reads, QUIT.
inline transcript_builder clean_session() {
  transcript_builder b;
  const std::vector<std::string> ext = {"PIPELINING", "8BITMIME", "SIZE 10000000", "STARTTLS",
                                        "AUTH PLAIN LOGIN"};
  b.greet_ehlo(ext);
  b.client("STARTTLS\r\n").server("220 2.0.0 ready\r\n").tls_start().tls_ready();
  b.client("EHLO client.example\r\n");
  b.ehlo_reply({"PIPELINING", "8BITMIME", "SIZE 10000000", "AUTH PLAIN LOGIN"});
  b.client("AUTH PLAIN AGFsaWNlAHNlY3JldA==\r\n").server("235 2.7.0 ok\r\n");
  b.client("MAIL FROM:<alice@client.example> SIZE=" + std::to_string(clean_message_size()) +
           " BODY=8BITMIME\r\nRCPT TO:<bob@server.example>\r\nDATA\r\n");
  b.server("250 2.1.0 ok\r\n250 2.1.5 ok\r\n354 go ahead\r\n");
  const std::string msg = clean_message_wire();
  b.client(msg.substr(0, 50)).client(msg.substr(50) + ".\r\n");
  b.server("250 2.0.0 queued\r\n");
  b.client("QUIT\r\n").server("221 2.0.0 bye\r\n").server_close();
  return b;
}

// Greeting, EHLO with `extensions`, MAIL, RCPT and DATA answered 354: events 0 to 8.
inline transcript_builder up_to_data(const std::vector<std::string>& extensions = {}) {
  transcript_builder b;
  b.greet_ehlo(extensions);
  b.client("MAIL FROM:<alice@client.example>\r\n").server("250 ok\r\n");
  b.client("RCPT TO:<bob@server.example>\r\n").server("250 ok\r\n");
  b.client("DATA\r\n").server("354 go ahead\r\n");
  return b;
}

// The end-of-data reply, QUIT, 221 and the server's close.
inline transcript_builder& finish(transcript_builder& b) {
  b.server("250 queued\r\n").client("QUIT\r\n").server("221 bye\r\n").server_close();
  return b;
}

// A full session sending `wire` (already dot-stuffed, without the final ".CRLF") as content
// at event 9.
inline transcript_builder session_with_content(const std::string& wire,
                                               const std::vector<std::string>& ext = {}) {
  transcript_builder b = up_to_data(ext);
  b.client(wire + ".\r\n");
  return finish(b);
}

}  // namespace ph::harness::rules::smtp::test
