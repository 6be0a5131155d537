#pragma once
// The HTTP/1.1 server side: script blocks (a request, its head, its rest, a chunked body)
// and a model server over declared routes. RFC 9112 (message syntax and framing),
// RFC 9110 (semantics: HEAD, 1xx, 204/304, redirects, Basic auth via RFC 7617).
// Its request parsing is its own: nothing is shared with clients/ or harness/rules/.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fakeservers/engine/dialect.hpp"

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

class http_dialect final : public dialect {
 public:
  void validate(const harness::scenario& scen) const override;
  awaitable<void> serve_model(session& s) const override;
  // "request" (line, fields and body per its framing), "request-head" (line and fields),
  // "request-rest" (fields and body, after a step `expect`ed the request line),
  // "head-rest" (fields only, after `expect`), "request-body" (the body of the head read
  // last by "request-head"/"head-rest", per its framing: a script can send 100 Continue
  // between the two), "chunked-body" (a chunked body through its trailers).
  std::vector<std::string> block_kinds() const override;
  awaitable<std::optional<std::string>> read_block(session& s,
                                                   std::string_view kind) const override;
  std::string mismatch_reply() const override;
  line_limit command_line_limit() const override;
};

}  // namespace ph::fakeservers::http
