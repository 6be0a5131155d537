#pragma once
// A scenario's [server] table compiled once: what every connection of its fake server uses.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "fakeservers/engine/script.hpp"
#include "fakeservers/model/model_loop.hpp"

namespace ph::fakeservers {

struct server_config {
  const dialect* d = nullptr;
  std::vector<script_step> steps;             // script mode
  std::vector<override_rule> overrides;       // model mode
  std::shared_ptr<const model_server> model;  // model mode
  write_faults faults;                        // [server.faults], every connection
  std::optional<std::string> implicit_tls;    // certificate name when tls = "implicit"
  session_limits limits;                      // the dialect's line limit, [server] overrides
};

// Checks and compiles the scenario's [server] for dialect `d` (its protocol's); throws
// ph::scenario_error naming file:line (validate_server reports the same errors).
server_config compile_server(const dialect& d, const ph::scenario& scen);

}  // namespace ph::fakeservers
