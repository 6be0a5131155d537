#pragma once
// In-memory HTTP transcripts for the rule tests, and helpers to run one rule on them.

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <string_view>

#include "harness/rules/http/http_rules.hpp"
#include "harness/rules/rule.hpp"
#include "tests/rules/rule_test_support.hpp"
#include "vocabulary/transcript.hpp"

namespace ph::harness::rules::http::test {

// Builds a transcript event by event; each call appends exactly one event on channel 0.
class transcript_builder {
 public:
  explicit transcript_builder(std::string server_endpoint = "127.0.0.1:8080")
      : t_{1, {{"control", "127.0.0.1:40000", std::move(server_endpoint)}}, {}} {}

  transcript_builder& client(std::string bytes) {
    return add(event_kind::data, direction::client_to_server, std::move(bytes));
  }
  transcript_builder& server(std::string bytes) {
    return add(event_kind::data, direction::server_to_client, std::move(bytes));
  }
  transcript_builder& tls() {
    add(event_kind::tls_start, direction::server_to_client, "");
    return add(event_kind::tls_ready, direction::server_to_client, "TLSv1.3");
  }
  transcript_builder& client_close() {
    return add(event_kind::close, direction::client_to_server, "");
  }
  transcript_builder& server_close() {
    return add(event_kind::close, direction::server_to_client, "");
  }
  // A 200 response with `body`.
  transcript_builder& ok(std::string_view body = "ok") {
    return server("HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" +
                  std::string(body));
  }

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

  transcript t_;
};

using rule_testing::describe;
using rule_testing::expect_fail;
using rule_testing::expect_na;
using rule_testing::expect_pass;

inline const rule* find_rule(std::string_view id) {
  return rule_testing::find_rule("http", id);
}

inline rule_result run(std::string_view id, const transcript& t, const context& ctx = {}) {
  return rule_testing::run_rule("http", id, t, ctx);
}

// A GET with the usual fields of a well-behaved client, for host:port 127.0.0.1:8080.
inline std::string get(std::string_view target, std::string_view extra = "") {
  return "GET " + std::string(target) +
         " HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: ph/1\r\nAccept: */*\r\n"
         "Accept-Encoding: gzip, deflate\r\n" +
         std::string(extra) + "\r\n";
}

inline std::string post(std::string_view target, std::string_view body,
                        std::string_view extra = "") {
  return "POST " + std::string(target) +
         " HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\n" + std::string(extra) + "\r\n" + std::string(body);
}

// A clean keep-alive session: GET, POST with Content-Length, chunked POST, a 302 followed
// on the same connection (events 0 to 9).
inline transcript_builder clean_session() {
  transcript_builder b;
  b.client(get("/index.html?q=a%20b")).ok("hello");
  b.client(post("/form", "a=1&b=2", "Content-Type: application/x-www-form-urlencoded\r\n")).ok();
  b.client(
      "POST /upload HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\n\r\n");
  b.ok();
  b.client(get("/old", "Cookie: sid=1; lang=en\r\n"));
  b.server("HTTP/1.1 302 Found\r\nLocation: /new/../fresh\r\nContent-Length: 0\r\n\r\n");
  b.client(get("/fresh", "Cookie: sid=1; lang=en\r\n")).ok();
  return b;
}

}  // namespace ph::harness::rules::http::test
