#include "clients/http/errors.hpp"

namespace ph::clients::http {

const char* to_string(errc e) noexcept {
  switch (e) {
    case errc::connection_error:
      return "connection_error";
    case errc::timeout:
      return "timeout";
    case errc::too_many_redirects:
      return "too_many_redirects";
    case errc::invalid_url:
      return "invalid_url";
    case errc::protocol_error:
      return "protocol_error";
    case errc::tls_error:
      return "tls_error";
    case errc::http_error:
      return "http_error";
  }
  return "error";
}

}  // namespace ph::clients::http
