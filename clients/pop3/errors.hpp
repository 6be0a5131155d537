#pragma once

#include <stdexcept>
#include <string>

#include "clients/pop3/response.hpp"

namespace ph::clients::pop3 {

/// Base of the POP3 client's exceptions (as Python's poplib.error_proto). Thrown as such when a
/// call is refused locally (an argument with CR, LF or NUL, a command over 255 octets, STLS
/// twice). Transport failures are not in this family: they are std::system_error (net::error).
class error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The server does not offer what the call needs (STLS not in CAPA, no APOP timestamp, a SASL
/// mechanism not advertised or not implemented).
class not_supported : public error {
 public:
  using error::error;
};

/// The server answered -ERR.
class response_error : public error {
 public:
  /// what() is "<context>: -ERR <text>" (context may be empty).
  response_error(const std::string& context, pop3::response r);
  /// The text after "-ERR ", as sent.
  const std::string& text() const { return response_.text; }
  /// The RFC 2449 response code ("AUTH", "IN-USE", "SYS/TEMP"), "" when none.
  const std::string& code() const { return response_.code; }
  const pop3::response& response() const { return response_; }

 private:
  pop3::response response_;
};

}  // namespace ph::clients::pop3
