#pragma once
// Names the failures every driver shares — the transport of clients/net and anything that is
// not a protocol error — in the scenario vocabulary (scenarios/README.md, "Error names").

#include <exception>

#include <nlohmann/json.hpp>

namespace ph::harness::drivers {

// {"error": "timeout" | "disconnected" | "protocol_error" | "tls_error" | "connect_failed" |
//  "system_error" | "exception", "message": ...}
nlohmann::json describe_common_error(std::exception_ptr error);

}  // namespace ph::harness::drivers
