#pragma once
// A scripted or model fake server for one scenario, on 127.0.0.1 (or ::1) and an ephemeral
// port. It records every byte both ways per connection and judges nothing itself beyond
// script matches: the rules in harness/rules read its transcripts.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "vocabulary/scenario.hpp"
#include "vocabulary/script_trace.hpp"
#include "vocabulary/transcript.hpp"

namespace ph::fakeservers {

// A protocol's server side (fakeservers/engine/dialect.hpp): the `dialect` column of its row
// in the protocol registry (harness::find_protocol(name)->dialect, harness/protocols.hpp).
class dialect;

struct server_options {
  std::string bind = "127.0.0.1";
  std::uint16_t port = 0;  // 0: ephemeral
  // Bound on one connection's life; a stalled client or a stall fault ends here.
  std::chrono::milliseconds session_timeout{10000};
  // false: a finished connection's record is handed to the on_connection_done callback and
  // then released, so a long-running server (serve under load) does not grow; connections()
  // is then empty.
  bool keep_records = true;
  // Replace, for every connection, the dialect's line limit (or the scenario's [server]
  // line_limit) and the transcript limit (or [server] transcript_limit): serve's
  // --line-limit and --transcript-limit. Checked against the same ranges (line_limit_range,
  // transcript_limit_range); outside them the constructor throws scenario_error.
  std::optional<std::size_t> line_limit;
  std::optional<std::size_t> transcript_limit;
};

// The accepted values of a line limit and a transcript limit, in octets.
inline constexpr std::size_t min_line_limit = 16, max_line_limit = std::size_t{1} << 30;
inline constexpr std::size_t min_transcript_limit = 4096,
                             max_transcript_limit = std::size_t{1} << 40;

// What one client connection produced.
struct connection_record {
  ph::transcript transcript;
  std::vector<std::string> problems;  // script mismatches, "file:line: ..." where known
  std::vector<std::string> errors;  // the server itself failed (a harness fault, not the client's)
  std::vector<ph::script_step_trace> script;  // script mode: each step, expected and actual
};

class fake_server {
 public:
  // Serves `scen` with dialect `d`, its protocol's (which outlives the server). Validates
  // the scenario's server side; throws ph::scenario_error naming file:line.
  fake_server(const dialect& d, const ph::scenario& scen, server_options opts);
  ~fake_server();
  fake_server(const fake_server&) = delete;
  fake_server& operator=(const fake_server&) = delete;

  // Binds, listens and starts serving on a background thread; returns the bound port.
  // Throws std::system_error when the address cannot be bound.
  std::uint16_t start();

  // Called on the server thread each time a connection has ended, with a copy of its record
  // (moved when keep_records is false). Called outside the server's lock: it may block to
  // apply back-pressure (the server then serves nobody until it returns), but must not call
  // back into this server.
  void on_connection_done(std::function<void(connection_record)> callback);

  // Blocks until every accepted connection has ended (and at least `min_connections`
  // were accepted) or `deadline` passes. Returns true when all ended in time.
  bool wait_idle(int min_connections, std::chrono::milliseconds deadline);

  // Stops accepting, closes open connections (noted in their transcripts) and joins the
  // thread. Idempotent.
  void stop();

  // The finished connections in accept order. Call after stop().
  [[nodiscard]] std::vector<connection_record> connections() const;

  [[nodiscard]] std::uint16_t port() const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

// Checks a scenario's server side, spoken with dialect `d`, without running it
// (protoharness check).
void validate_server(const dialect& d, const ph::scenario& scen);

// The test CA (PEM) that signs the fake servers' certificates: trust it in a client under
// test. The server certificate names localhost, fake.test, 127.0.0.1 and ::1.
const char* test_ca_pem();

}  // namespace ph::fakeservers
