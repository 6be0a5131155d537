#pragma once
// `protoharness serve`: a fake server (a scenario's or a model) that judges every client
// connecting to it. The server's io thread only serves; judging and reporting run on a
// judge thread behind a bounded queue, so one large connection does not hold up the others,
// and each transcript is released once it has been judged and reported.

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>

#include "fakeservers/fake_server.hpp"
#include "fakeservers/relay.hpp"
#include "vocabulary/result.hpp"
#include "vocabulary/scenario.hpp"

namespace ph::harness {

struct serve_options {
  fakeservers::server_options server;  // keep_records is ignored: records are always released
  // Return once this many connections have been judged (0: until `stop`).
  std::uint64_t count = 0;
  // Finished connections waiting for the judge. When the queue is full the server pauses
  // (it serves nobody) until the judge has made room: back-pressure, nothing dropped.
  std::size_t queue_limit = 256;
  // Called on the judge thread for each connection, in the order they ended. The result
  // holds the connection's transcript; it is released when the callback returns unless
  // the callback moves it away.
  std::function<void(scenario_result&)> on_result;
  // Called once, with the bound port, as soon as the server listens.
  std::function<void(std::uint16_t)> on_listening;
  // When no finished connection has come for this long after a burst, the judge hands the
  // memory the burst freed back to the system (malloc_trim), so RSS returns near its idle
  // size instead of staying at the burst's peak.
  std::chrono::milliseconds trim_after{200};
};

struct serve_stats {
  std::uint64_t judged = 0;
  std::array<std::uint64_t, verdict_kinds> verdicts{};  // by ph::verdict
  std::uint64_t pauses = 0;    // times the server waited for room in the queue
  std::size_t peak_queue = 0;  // most connections waiting for the judge at once
  std::uint64_t trims = 0;     // times freed memory was handed back after a burst

  [[nodiscard]] std::uint64_t count(verdict v) const {
    return verdicts[static_cast<std::size_t>(v)];
  }
};

// Serves until opts.count connections have been judged or `stop` becomes true, then stops
// the server (connections still open are ended and judged too) and returns once every
// finished connection has been judged. Throws std::system_error when the address cannot be
// bound, scenario_error for an invalid server side.
serve_stats serve(const scenario& scen, const serve_options& opts, const std::atomic<bool>& stop);

// protoharness record: relays every client to `relay`'s upstream instead of serving it, and
// judges each relayed connection as serve() does (opts.server is not used). `scen` names the
// protocol and the judge's settings.
serve_stats record(const scenario& scen, const fakeservers::relay_options& relay,
                   const serve_options& opts, const std::atomic<bool>& stop);

}  // namespace ph::harness
