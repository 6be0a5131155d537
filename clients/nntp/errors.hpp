#pragma once

#include <stdexcept>
#include <string>

namespace ph::clients::nntp {

/// Base of the NNTP client's exceptions (as Python's nntplib.NNTPError). Thrown as is when the
/// client refuses a call locally: CR, LF or NUL in an argument, a command line over 512 octets
/// (RFC 3977 §3.1), an invalid message-id or range, an article without the required headers.
/// Transport failures are not in this family: they are std::system_error (net::error) with the
/// net category; a reply that breaks the grammar, or a code the command does not allow, is
/// net::error(malformed_reply).
class error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The server does not advertise what the call needs (e.g. STARTTLS, RFC 4642 §2.1).
class not_supported : public error {
 public:
  using error::error;
};

/// A 4xx or 5xx reply (RFC 3977 §3.2). what() is "<context>: <code> <text>".
class response_error : public error {
 public:
  response_error(const std::string& context, int code, std::string text);
  int code() const { return code_; }
  /// The status line after the code and its space.
  const std::string& text() const { return text_; }

 private:
  int code_;
  std::string text_;
};

/// A 4xx reply: the command failed but may succeed later or in another state (411 no such group,
/// 423/430 no such article, 480 authentication required, 400 service discontinued, ...).
class temporary_error : public response_error {
 public:
  using response_error::response_error;
};

/// A 5xx reply: the command is unknown, not permitted or malformed (500, 501, 502, 503, 580).
class permanent_error : public response_error {
 public:
  using response_error::response_error;
};

}  // namespace ph::clients::nntp
