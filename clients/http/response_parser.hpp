#pragma once

// Sans-I/O parsing of HTTP/1.1 responses (RFC 9112): bytes in, a head and a body out, no socket.
// Every violation throws http::error with errc::protocol_error.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "clients/http/headers.hpp"

namespace ph::clients::http {

/// A response's status line and header fields.
struct response_head {
  int version_major = 1;
  int version_minor = 1;
  int status = 0;
  std::string reason;
  http::headers fields;
};

/// Parses "HTTP/1.1 200 OK" (RFC 9112 §4: HTTP-version SP 3DIGIT SP [reason-phrase]); a missing
/// reason (with or without its SP) is accepted. Throws protocol_error otherwise.
response_head parse_status_line(std::string_view line);

/// Accumulates a response head. feed() consumes bytes up to and including the empty line that ends
/// the head and no further, so the caller keeps the rest for the body. CRLF ends a line; a bare LF
/// is accepted too (RFC 9112 §2.2) and a trailing CR is dropped. obs-fold continuation lines are
/// replaced by a SP (RFC 9112 §5.2). A head over max_head octets, a field line without a colon or
/// with an empty name, a field line holding a CR (other than the line end) or a NUL (RFC 9110
/// §5.5), or a bad status line throws protocol_error. Trailer fields are read the same way.
class head_parser {
 public:
  explicit head_parser(std::size_t max_head = 64 * 1024) : max_head_(max_head) {}
  /// Returns how many octets of data were consumed (all of them unless the head ended inside).
  std::size_t feed(std::string_view data);
  bool done() const noexcept { return done_; }
  /// The parsed head; valid once done().
  const response_head& head() const noexcept { return head_; }
  response_head& head() noexcept { return head_; }
  /// Octets consumed so far (0 means nothing of a response has arrived yet).
  std::size_t consumed() const noexcept { return total_; }

 private:
  void line(std::string_view l);

  std::size_t max_head_;
  std::size_t total_ = 0;
  std::string partial_;
  bool have_status_ = false;
  bool done_ = false;
  response_head head_;
};

/// How a response body is delimited.
enum class body_kind { none, length, chunked, until_close };

struct body_framing {
  body_kind kind = body_kind::none;
  std::uint64_t length = 0;  // for body_kind::length
};

/// RFC 9112 §6.3: no body for HEAD, 1xx, 204 and 304; Transfer-Encoding whose final coding is
/// chunked: chunked, any other: until close; otherwise Content-Length; otherwise until close.
/// Throws protocol_error for Transfer-Encoding together with Content-Length (§6.3 item 3: a
/// request-smuggling signal), for Content-Length values that differ or are not 1*DIGIT (item 5),
/// and for a length that overflows 64 bits.
body_framing framing_for(const response_head& head, std::string_view request_method);

/// Decodes a body under the given framing. feed() appends payload octets to `out` and returns how
/// many input octets it used; it stops at the end of the message, leaving what follows unread.
/// Chunked (RFC 9112 §7.1): hex chunk sizes (overflow-checked, at most 16 digits), chunk
/// extensions ignored, trailer fields collected into trailers() (never merged into the head).
class body_decoder {
 public:
  explicit body_decoder(body_framing framing, std::size_t max_line = 8 * 1024);
  std::size_t feed(std::string_view data, std::string& out);
  /// As feed(data, out), handing payload to emit as views into data (no copy).
  std::size_t feed(std::string_view data, const std::function<void(std::string_view)>& emit);
  /// The connection reached end of stream. Fine for until_close (the body is complete); otherwise
  /// throws connection_error when the body was cut short.
  void on_eof();
  bool done() const noexcept { return state_ == state::done; }
  const http::headers& trailers() const noexcept { return trailers_; }
  const body_framing& framing() const noexcept { return framing_; }

 private:
  enum class state { data, size_line, chunk_data, chunk_crlf, trailer, done };
  bool take_line(std::string_view data, std::size_t& used, std::string& line_out);
  void size_line(std::string_view l);
  void trailer_line(std::string_view l);

  body_framing framing_;
  std::size_t max_line_;
  state state_ = state::data;
  std::uint64_t remaining_ = 0;
  std::string partial_;
  http::headers trailers_;
};

}  // namespace ph::clients::http
