#pragma once

#include <stdexcept>
#include <string>

#include "clients/ftp/reply.hpp"

namespace ph::clients::ftp {

/// Base of the FTP client's exceptions (as Python's ftplib.Error). Thrown as such when a call is
/// refused locally (CR or LF in an argument, a transfer while one is in progress). Transport
/// failures are not in this family: they are std::system_error (net::error) with the net
/// category (timed_out, connection_closed, malformed_reply, line_too_long, tls_failed,
/// connect_failed).
class error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The server answered with a reply the call cannot accept; what() is "<context>: <code> <text>".
class reply_error : public error {
 public:
  reply_error(const std::string& context, ftp::reply r);
  int code() const { return reply_.code; }
  /// The reply's text (reply::text()).
  std::string text() const { return reply_.text(); }
  const ftp::reply& reply() const { return reply_; }

 private:
  ftp::reply reply_;
};

/// A 4xx reply (ftplib.error_temp).
class transient_error : public reply_error {
 public:
  using reply_error::reply_error;
};

/// A 5xx reply (ftplib.error_perm).
class permanent_error : public reply_error {
 public:
  using reply_error::reply_error;
};

/// A well-formed reply of a class the step does not allow, e.g. 1xx or 3xx where 2xx was due
/// (ftplib.error_reply), or a 2xx whose required content (a 227 address, a 213 number) is
/// missing.
class protocol_error : public reply_error {
 public:
  using reply_error::reply_error;
};

}  // namespace ph::clients::ftp
