#pragma once
// One workload per protocol: a client session that performs one benchmark operation at a
// time. Adding a protocol to `bench` is a workload_set here and the `workloads` column of its
// row in the protocol registry (harness/protocols.cpp).

#include <cstddef>
#include <memory>

#include "harness/bench/bench.hpp"

namespace ph::harness::bench {

class workload {
 public:
  virtual ~workload() = default;
  // Connects (and logs in, selects a group...). Throws what the client throws.
  virtual void open() = 0;
  // One operation; returns the payload bytes it moved.
  virtual std::size_t once() = 0;
  // Ends the session politely (QUIT), never throws.
  virtual void close() noexcept = 0;
};

// A protocol's bench column: its ops, its workload and the model `bench --fake` serves.
struct workload_set {
  std::string_view url;  // the URL bench takes, for help: "pop3://user:pass@host:port"
  std::vector<std::string> ops;
  // Throws std::invalid_argument for options the protocol cannot honour (no network I/O).
  std::unique_ptr<workload> (*make)(const options&, const std::string& ca_pem);
  // The [server.model] TOML `bench --fake` serves, "" for the protocol's default model.
  std::string (*fake_model)(const options&);
};

extern const workload_set smtp_workloads;
extern const workload_set pop3_workloads;
extern const workload_set nntp_workloads;
extern const workload_set ftp_workloads;
extern const workload_set http_workloads;

}  // namespace ph::harness::bench
