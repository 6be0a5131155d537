#include "clients/net/errors.hpp"

namespace ph::clients::net {
namespace {

class net_category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "protoharness.net"; }

  std::string message(int ev) const override {
    switch (static_cast<errc>(ev)) {
      case errc::timed_out:
        return "operation timed out";
      case errc::connection_closed:
        return "connection closed by peer";
      case errc::malformed_reply:
        return "malformed reply from peer";
      case errc::line_too_long:
        return "line or reply exceeds the configured limit";
      case errc::tls_failed:
        return "TLS failure";
      case errc::connect_failed:
        return "could not connect";
    }
    return "unknown protoharness.net error";
  }
};

}  // namespace

const std::error_category& category() noexcept {
  static const net_category instance;
  return instance;
}

std::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), category()};
}

error::error(std::error_code ec, const std::string& what)
    : std::system_error(ec, what), what_(what) {}

error error::with_context(std::string_view doing) const {
  std::string what(doing);
  what += ": ";
  what += what_.what();
  return error(code(), what);
}

}  // namespace ph::clients::net
