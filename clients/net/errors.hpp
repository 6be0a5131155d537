#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>

namespace ph::clients::net {

/// Transport failures of the client library. They are thrown as std::system_error whose code is in
/// net::category() and whose what() names the operation, e.g.
/// "reading reply to RCPT: timed out after 500 ms".
enum class errc {
  timed_out = 1,      ///< the per-call deadline expired; the connection has been closed
  connection_closed,  ///< the peer closed (or reset) the connection
  malformed_reply,    ///< bytes that break the protocol's framing or reply grammar (e.g. a bare LF)
  line_too_long,      ///< a line or reply exceeded the configured limit
  tls_failed,         ///< TLS handshake or record-layer failure (incl. certificate verification)
  connect_failed,     ///< name resolution or TCP connect failed
};

/// The "protoharness.net" error category.
const std::error_category& category() noexcept;

std::error_code make_error_code(errc e) noexcept;

/// A transport failure. Catch it as std::system_error; code() is in net::category() (or, for
/// failures the library cannot classify, the OS category). Unlike a plain std::system_error, what()
/// is exactly the message given, which names what was being done: callers add context with
/// with_context() without repeating the category's text.
class error : public std::system_error {
 public:
  error(std::error_code ec, const std::string& what);
  const char* what() const noexcept override { return what_.what(); }
  /// The same failure with "doing: " prepended to what().
  error with_context(std::string_view doing) const;

 private:
  std::runtime_error what_;  // nothrow-copyable storage for the message
};

}  // namespace ph::clients::net

template <>
struct std::is_error_code_enum<ph::clients::net::errc> : std::true_type {};
