#pragma once
// In-memory NNTP transcripts for the rule tests, and helpers to run one rule on them.

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "harness/rules/nntp/nntp_rules.hpp"
#include "harness/rules/rule.hpp"
#include "tests/rules/rule_test_support.hpp"
#include "vocabulary/transcript.hpp"

namespace ph::harness::rules::nntp::test {

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
  // A 101 response listing `caps` (one capability line each).
  transcript_builder& caps(const std::vector<std::string>& caps) {
    std::string r = "101 Capability list:\r\n";
    for (const auto& c : caps)
      r += c + "\r\n";
    return server(r + ".\r\n");
  }
  // The greeting and CAPABILITIES answered with `list`: events 0 to 2.
  transcript_builder& greet_caps(const std::vector<std::string>& list) {
    server("200 news.server.example ready, posting allowed\r\n");
    client("CAPABILITIES\r\n");
    return caps(list);
  }
  // QUIT, 205 and the server's close.
  transcript_builder& quit() { return client("QUIT\r\n").server("205 bye\r\n").server_close(); }

  [[nodiscard]] int last() const { return static_cast<int>(t_.events.size()) - 1; }
  [[nodiscard]] const transcript& get() const { return t_; }

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

  transcript t_{1, {{"control", "127.0.0.1:40000", "127.0.0.1:119"}}, {}};
};

using rule_testing::describe;
using rule_testing::expect_fail;
using rule_testing::expect_na;
using rule_testing::expect_pass;

inline const rule* find_rule(std::string_view id) {
  return rule_testing::find_rule("nntp", id);
}

inline rule_result run(std::string_view id, const transcript& t, const context& ctx = {}) {
  return rule_testing::run_rule("nntp", id, t, ctx);
}

// A well-formed proto-article as it goes on the wire (dot-stuffed, without ".CRLF").
inline std::string clean_article_wire() {
  return "From: Alice <alice@client.example>\r\n"
         "Newsgroups: misc.test,alt.test\r\n"
         "Subject: hello\r\n"
         "Date: Tue, 1 Jul 2025 10:00:00 +0000\r\n"
         "Message-ID: <20250701100000.1@client.example>\r\n"
         "\r\n"
         "Hi all,\r\n"
         "..a line that starts with a dot\r\n";
}

// A whole well-behaved reader session, as nntplib or the in-tree client would run it:
// greeting, CAPABILITIES, MODE READER, CAPABILITIES again, GROUP, OVER, ARTICLE, POST with
// 340/240, QUIT (events 0 to 19; the article is event 15).
inline transcript_builder clean_reader_session() {
  transcript_builder b;
  b.greet_caps({"VERSION 2", "MODE-READER"});
  b.client("MODE READER\r\n").server("200 Posting allowed\r\n");
  b.client("CAPABILITIES\r\n");
  b.caps({"VERSION 2", "READER", "POST", "OVER", "LIST ACTIVE NEWSGROUPS OVERVIEW.FMT"});
  b.client("GROUP misc.test\r\n").server("211 3 1 3 misc.test\r\n");
  b.client("OVER 1-3\r\n");
  b.server(
      "224 Overview information follows\r\n"
      "1\thello\talice@x.example\t1 Jul 2025 10:00:00 +0000\t<a1@x.example>\t\t120\t4\r\n"
      "2\tre: hello\tbob@x.example\t1 Jul 2025 11:00:00 +0000\t<a2@x.example>\t<a1@x.example>"
      "\t130\t5\r\n"
      ".\r\n");
  b.client("ARTICLE 1\r\n");
  b.server(
      "220 1 <a1@x.example>\r\nFrom: alice@x.example\r\nSubject: hello\r\n\r\nbody\r\n"
      "..dotted\r\n.\r\n");
  b.client("POST\r\n").server("340 send article\r\n");
  b.client(clean_article_wire() + ".\r\n").server("240 article received\r\n");
  return b.quit();
}

// Greeting, CAPABILITIES (READER POST), POST answered 340: events 0 to 4.
inline transcript_builder up_to_article() {
  transcript_builder b;
  b.greet_caps({"VERSION 2", "READER", "POST"});
  b.client("POST\r\n").server("340 send article\r\n");
  return b;
}

// A session posting `wire` (already stuffed, without ".CRLF") as event 5.
inline transcript_builder session_posting(const std::string& wire) {
  transcript_builder b = up_to_article();
  b.client(wire + ".\r\n").server("240 article received\r\n");
  return b.quit();
}

}  // namespace ph::harness::rules::nntp::test
