#pragma once
// A driver performs a scenario's client steps with an in-tree client: it maps each
// `op` and its `args` to a client-library call and reports the outcome as JSON. The drivers in
// harness/drivers/ hold each protocol's ops in one op table (drivers/op_table.hpp) that both
// validate() and perform() read.

#include <chrono>
#include <cstdint>
#include <exception>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "vocabulary/scenario.hpp"

namespace ph::harness {

struct endpoint {
  std::string host;
  std::uint16_t port = 0;
  std::string ca_pem;  // trust anchor for the fake server's certificate
};

// One client, alive for one scenario run.
class client_session {
 public:
  virtual ~client_session() = default;
  // Performs one step; returns its outcome ({"code": 250, ...}). Throws what the client
  // library throws; the driver's describe_error() names it.
  virtual nlohmann::json perform(const client_step& step) = 0;
  // The deadline of every network wait from now on (a step's `timeout_ms`).
  virtual void set_timeout(std::chrono::milliseconds timeout) = 0;
};

// A protocol's driver: the four functions its harness/drivers/<protocol>_driver.cpp supplies.
struct driver {
  // Checks [client_options] and every step's op and args (what `protoharness check` reports);
  // throws scenario_error naming file:line.
  void (*validate)(const scenario& scen);
  std::unique_ptr<client_session> (*start)(const scenario& scen, const endpoint& ep);
  // The scenario vocabulary's name for an exception thrown by perform(), plus details
  // (code, refused recipients, ...): {"error": "recipients_refused", "message": ...}.
  nlohmann::json (*describe_error)(std::exception_ptr error);
  // Strings that reports must redact for this scenario (passwords and their encodings).
  std::vector<std::string> (*secrets)(const scenario& scen);
};

}  // namespace ph::harness
