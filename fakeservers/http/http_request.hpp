#pragma once
// An HTTP/1.1 request as the fake server reads it: the head's grammar and the body's framing
// (RFC 9112), sans-I/O, and the reads that frame a request over a session.
// Its parsing is its own: nothing is shared with clients/ or harness/rules/.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fakeservers/engine/session.hpp"
#include "vocabulary/ascii.hpp"

namespace ph::fakeservers::http {

// A request as the puppet read it. Field names keep the client's spelling.
struct request {
  std::string raw;  // every byte read for this request: head, body framing, trailers
  std::string method, target, version;
  std::vector<std::pair<std::string, std::string>> fields;  // values with OWS trimmed
  std::vector<std::pair<std::string, std::string>> trailers;
  std::string body;  // the content: de-chunked when the request was chunked
  bool chunked = false;

  // The field's values (name case-insensitive), joined with ", " (RFC 9110 §5.3); nullopt
  // when absent.
  [[nodiscard]] std::optional<std::string> field(std::string_view name) const;
  // True when a comma-separated field lists `token` (case-insensitive), e.g. Connection: close.
  [[nodiscard]] bool has_token(std::string_view name, std::string_view token) const;
};

// Parses a request head: the request line (unless `with_request_line` is false) and the
// field lines through the empty line, as read (CRLF or bare LF line ends; RFC 9112 §2.2
// lets a server skip empty lines before the request line). Fills method/target/version and
// fields; on a malformed head returns a description of the fault (RFC 9112 §3, §5).
std::optional<std::string> parse_head(std::string_view head, bool with_request_line, request& out);

// How the request's body is delimited (RFC 9112 §6.3): "none", "chunked", "length:N", or
// an error message starting with "error:" (a Transfer-Encoding that does not end in
// chunked, an invalid or conflicting Content-Length).
std::string body_framing(const request& req);

// Decodes a complete chunked body (RFC 9112 §7.1), raw through its trailer section; nullopt
// when it is malformed or incomplete. Trailer fields are appended to `trailers` when given.
std::optional<std::string> dechunk(
    std::string_view raw, std::vector<std::pair<std::string, std::string>>* trailers = nullptr);

// ASCII lower case; case-insensitive comparison; optional whitespace trimmed.
using ph::ascii::iequals;
using ph::ascii::lower;
std::string_view trim_ows(std::string_view v);

// RFC 9110 §5.6.2: a token (tchar).
bool is_token(std::string_view s);

// Reads field lines (and the request line first when asked) through the empty line.
// nullopt at EOF before the head is complete. A request line past the line limit is
// answered 414 (RFC 9110 §15.5.15); more than 200 lines end the read (parse_head says so).
awaitable<std::optional<std::string>> read_head(session& s, bool with_request_line);

// Reads a chunked body raw, through the trailer section's empty line (RFC 9112 §7.1).
// A malformed chunk-size line ends the read: the bytes so far are returned.
awaitable<std::optional<std::string>> read_chunked(session& s);

// The request's body per its framing (body_framing); error text leaves it unread.
awaitable<std::optional<std::string>> read_body(session& s, const std::string& framing);

}  // namespace ph::fakeservers::http
