#pragma once
// One workload per protocol: a client session that performs one benchmark operation at a
// time. Adding a protocol to `bench` is a workload and a row in workloads.cpp.

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

struct workload_row {
  std::string_view protocol;
  std::vector<std::string> ops;
  // Throws std::invalid_argument for options the protocol cannot honour (no network I/O).
  std::unique_ptr<workload> (*make)(const options&, const std::string& ca_pem);
  // The [server.model] TOML `bench --fake` serves, "" for the protocol's default model.
  std::string (*fake_model)(const options&);
};

const std::vector<workload_row>& workload_table();

}  // namespace ph::harness::bench
