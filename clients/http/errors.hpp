#pragma once

#include <stdexcept>
#include <string>

namespace ph::clients::http {

/// What went wrong, in the scenario vocabulary's terms (and requests' exception names).
enum class errc {
  connection_error = 1,  ///< name resolution, connect, or the peer closed before a response
  timeout,               ///< connect or read deadline expired
  too_many_redirects,    ///< more redirects than max_redirects
  invalid_url,           ///< the URL (or a Location) cannot be parsed or has no http(s) scheme
  protocol_error,        ///< a response that breaks RFC 9112 framing or grammar
  tls_error,             ///< TLS handshake or certificate verification failed
  http_error,            ///< raise_for_status() on a 4xx or 5xx response
};

/// "connection_error", "timeout", ... (the scenario vocabulary's error names).
const char* to_string(errc e) noexcept;

/// Base of every exception the HTTP client throws; code() tells them apart.
class error : public std::runtime_error {
 public:
  error(errc code, const std::string& what) : std::runtime_error(what), code_(code) {}
  errc code() const noexcept { return code_; }

 private:
  errc code_;
};

/// Thrown only by response::raise_for_status() (HTTP status is data otherwise).
class http_error : public error {
 public:
  http_error(int status, const std::string& what)
      : error(errc::http_error, what), status_(status) {}
  int status() const noexcept { return status_; }

 private:
  int status_;
};

}  // namespace ph::clients::http
