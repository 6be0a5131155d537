#pragma once
// Names the failures every driver shares — the transport of clients/net and anything that is
// not a protocol error — in the scenario vocabulary (scenarios/README.md, "Error names"). A
// driver's describe_error() names its protocol's reply errors and hands the rest here.

#include <exception>

#include <nlohmann/json.hpp>

namespace ph::harness::drivers {

// {"error": "timeout" | "disconnected" | "protocol_error" | "tls_error" | "connect_failed" |
//  "system_error" | "exception", "message": ...}
nlohmann::json describe_common_error(std::exception_ptr error);

// A client's own failures that are not replies: `NotSupported` ("not_supported": the server
// lacks what the op needs), any other `ClientError` ("client_error"), else the common ones.
template <class NotSupported, class ClientError>
nlohmann::json describe_client_error(std::exception_ptr error) {
  try {
    std::rethrow_exception(error);
  } catch (const NotSupported& e) {
    return {{"error", "not_supported"}, {"message", e.what()}};
  } catch (const ClientError& e) {
    return {{"error", "client_error"}, {"message", e.what()}};
  } catch (...) {
    return describe_common_error(std::current_exception());
  }
}

}  // namespace ph::harness::drivers
