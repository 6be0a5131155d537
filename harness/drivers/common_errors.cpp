#include "harness/drivers/common_errors.hpp"

#include <system_error>

#include "clients/net/errors.hpp"

namespace ph::harness::drivers {

namespace net = ph::clients::net;

nlohmann::json describe_common_error(std::exception_ptr error) {
  try {
    std::rethrow_exception(error);
  } catch (const std::system_error& e) {
    std::string name = "system_error";
    if (e.code().category() == net::category()) {
      switch (static_cast<net::errc>(e.code().value())) {
        case net::errc::timed_out:
          name = "timeout";
          break;
        case net::errc::connection_closed:
          name = "disconnected";
          break;
        case net::errc::malformed_reply:
        case net::errc::line_too_long:
          name = "protocol_error";
          break;
        case net::errc::tls_failed:
          name = "tls_error";
          break;
        case net::errc::connect_failed:
          name = "connect_failed";
          break;
      }
    }
    return {{"error", name}, {"message", e.what()}};
  } catch (const std::exception& e) {
    return {{"error", "exception"}, {"message", e.what()}};
  } catch (...) {
    return {{"error", "exception"}, {"message", "unknown exception"}};
  }
}

}  // namespace ph::harness::drivers
