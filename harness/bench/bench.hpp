#pragma once
// `protoharness bench`: the in-tree client against any server, real or fake, with
// operations per second, MB/s, a latency histogram, errors by kind and client CPU time.
// Runs are always bounded (by count or duration).

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "harness/bench/histogram.hpp"

namespace ph::harness::bench {

// scheme://[user[:password]@]host[:port][/path]
struct target {
  std::string scheme;
  std::string user;
  std::string password;
  std::string host;
  std::uint16_t port = 0;
  std::string path;
};

// Throws std::invalid_argument naming what is wrong.
target parse_target(std::string_view url);

struct options {
  target where;
  std::string op;
  int connections = 1;
  std::uint64_t count = 0;                // operations in all (0: use duration)
  std::chrono::milliseconds duration{0};  // (0: use count)
  std::uint64_t warmup = 0;               // operations per connection before measuring
  std::size_t size = 1024;                // message / body size where the op sends one
  int recipients = 1;                     // SMTP: recipients per message
  std::uint64_t per_connection = 0;       // operations before reconnecting (0: never)
  bool fake = false;                      // start the protocol's model fake server in-process
  bool keepalive = true;                  // HTTP: reuse the connection (false: one per request)
  bool active = false;                    // FTP: PORT/EPRT data connections instead of passive
  bool tls = false;       // SMTP STARTTLS, FTP AUTH TLS + PROT P, POP3 STLS, NNTP STARTTLS
  bool insecure = false;  // with tls: skip certificate verification (a real server's own)
  std::chrono::milliseconds timeout{10000};          // every client network wait
  std::function<void(const std::string&)> progress;  // a line per second on long runs
  // --op idle: called once all connections are open (with how many are held).
  std::function<void(std::size_t)> on_ready;
  const std::atomic<bool>* stop = nullptr;  // --op idle: set to end the hold early
};

struct result {
  std::string protocol;
  std::string op;
  std::string url;
  int connections = 0;
  std::uint64_t ops = 0;
  std::uint64_t bytes = 0;
  double seconds = 0;
  double client_cpu_seconds = 0;  // CPU time of the client threads only
  histogram latency;
  std::map<std::string, std::uint64_t> errors;  // by error name, as scenarios name them

  [[nodiscard]] double ops_per_second() const { return seconds > 0 ? ops / seconds : 0; }
  [[nodiscard]] double mb_per_second() const { return seconds > 0 ? bytes / seconds / 1e6 : 0; }
  [[nodiscard]] nlohmann::json to_json() const;
  [[nodiscard]] std::string table() const;
};

// Raises the soft RLIMIT_NOFILE towards `want` as far as the hard limit allows; returns the
// soft limit now in force.
std::size_t raise_file_limit(std::size_t want);

// Runs the benchmark (--op idle, any scheme: opens opts.connections connections one after
// another, reads the greeting where the server speaks first, and holds them all for
// opts.duration, 10 s by default, to measure a server's memory per idle connection); throws
// std::invalid_argument for an unknown protocol or op.
result run(const options& opts);

// The ops a protocol's bench supports, for help and errors.
std::vector<std::string> ops_for(std::string_view protocol);

// nullopt when `current` is within `tolerance_pct` of `baseline` (a JSON written by
// to_json()) on ops/s and MB/s, else what regressed.
std::optional<std::string> regression(const result& current, const nlohmann::json& baseline,
                                      double tolerance_pct);

}  // namespace ph::harness::bench
