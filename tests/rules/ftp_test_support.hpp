#pragma once
// In-memory FTP transcripts (control and data channels) for the rule tests, and helpers to
// run one rule on them.

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "harness/rules/ftp/ftp_rules.hpp"
#include "harness/rules/rule.hpp"
#include "tests/rules/rule_test_support.hpp"
#include "vocabulary/transcript.hpp"

namespace ph::harness::rules::ftp::test {

// Builds a transcript event by event; each call appends exactly one event. `on(n)` switches
// the channel later calls write to (0 = control).
class transcript_builder {
 public:
  transcript_builder& on(int channel) {
    channel_ = channel;
    return *this;
  }
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
    return add(event_kind::tls_failed, direction::server_to_client, "timeout");
  }
  transcript_builder& client_close() {
    return add(event_kind::close, direction::client_to_server, "");
  }
  transcript_builder& server_close() {
    return add(event_kind::close, direction::server_to_client, "");
  }
  // Opens data channel "data N" (N = channel index) and switches to it.
  transcript_builder& open_data(bool client_connected = true) {
    const int n = static_cast<int>(t_.channels.size());
    t_.channels.push_back({"data " + std::to_string(n), "127.0.0.1:4100" + std::to_string(n),
                           "127.0.0.1:5000" + std::to_string(n)});
    channel_ = n;
    return add(event_kind::open,
               client_connected ? direction::client_to_server : direction::server_to_client, "");
  }
  transcript_builder& greet() { return server("220 fake.test FTP ready\r\n"); }
  transcript_builder& cmd(std::string line, std::string reply) {
    client(line + "\r\n");
    return server(reply + "\r\n");
  }
  transcript_builder& login() {
    cmd("USER alice", "331 password please");
    return cmd("PASS secret", "230 logged in");
  }
  // EPSV, a passive data channel, RETR with 150, `payload` on the data channel, the server's
  // close, 226 — on channel 0 at the end. `tls` protects the data channel.
  transcript_builder& retr(std::string path, std::string payload, bool tls = false) {
    cmd("EPSV", "229 Entering Extended Passive Mode (|||50001|)");
    open_data();
    if (tls) tls_start().tls_ready();
    on(0).cmd("RETR " + path, "150 opening data connection");
    on(static_cast<int>(t_.channels.size()) - 1).server(std::move(payload)).server_close();
    return on(0).server("226 transfer complete\r\n");
  }
  transcript_builder& stor(std::string path, std::string payload, bool tls = false) {
    cmd("EPSV", "229 Entering Extended Passive Mode (|||50002|)");
    open_data();
    if (tls) tls_start().tls_ready();
    on(0).cmd("STOR " + path, "150 ok to send data");
    on(static_cast<int>(t_.channels.size()) - 1).client(std::move(payload)).client_close();
    return on(0).server("226 transfer complete\r\n");
  }

  // Index of the last event added.
  [[nodiscard]] int last() const { return static_cast<int>(t_.events.size()) - 1; }
  [[nodiscard]] const transcript& get() const { return t_; }

 private:
  transcript_builder& add(event_kind kind, direction dir, std::string bytes) {
    event e;
    e.kind = kind;
    e.dir = dir;
    e.channel = channel_;
    e.at = std::chrono::microseconds(1000 * static_cast<long>(t_.events.size()));
    e.bytes = std::move(bytes);
    t_.events.push_back(std::move(e));
    return *this;
  }

  int channel_ = 0;
  transcript t_{1, {{"control", "127.0.0.1:40000", "127.0.0.1:21"}}, {}};
};

using rule_testing::describe;
using rule_testing::expect_fail;
using rule_testing::expect_na;
using rule_testing::expect_pass;

inline const rule* find_rule(std::string_view id) {
  return rule_testing::find_rule("ftp", id);
}

inline rule_result run(std::string_view id, const transcript& t, const context& ctx = {}) {
  return rule_testing::run_rule("ftp", id, t, ctx);
}

// A well-behaved explicit-TLS session: greeting, FEAT, AUTH TLS and handshake, PBSZ 0,
// PROT P, USER/PASS, TYPE I, EPSV + RETR over a protected data channel, EPSV + STOR,
// QUIT and the server's close.
inline transcript_builder clean_session() {
  transcript_builder b;
  b.greet();
  b.client("FEAT\r\n")
      .server(
          "211-Features:\r\n AUTH TLS\r\n PBSZ\r\n PROT\r\n SIZE\r\n MDTM\r\n REST STREAM\r\n"
          " MLST type*;size*;modify*;\r\n EPSV\r\n UTF8\r\n211 End\r\n");
  b.cmd("AUTH TLS", "234 proceed").tls_start().tls_ready();
  b.cmd("PBSZ 0", "200 PBSZ=0").cmd("PROT P", "200 protection set to private");
  b.login().cmd("TYPE I", "200 binary").cmd("SIZE a.bin", "213 5");
  b.retr("a.bin", "hello", true);
  b.stor("up.bin", std::string("\x00\x01\n\x02", 4), true);
  b.cmd("QUIT", "221 bye").server_close();
  return b;
}

}  // namespace ph::harness::rules::ftp::test
