#pragma once
// The judge's own reading of an HTTP/1.1 transcript: the client stream of a connection split
// into requests (request line, raw field lines, body framed by Content-Length or chunked and
// de-chunked here), the server stream into responses (status, fields, framing including HEAD,
// 1xx, 204, 304 and close-delimited bodies), paired in order with 1xx responses set aside
// (RFC 9112 §9.3). Sans-I/O and independent of clients/ and fakeservers/ (see rule.hpp).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "harness/rules/lexical.hpp"
#include "harness/rules/line_session.hpp"
#include "harness/rules/rule.hpp"  // excerpt()
#include "vocabulary/transcript.hpp"

namespace ph::harness::rules::http {

// One field line as sent. Lines end at LF so that a bare-LF client stays in step; `crlf`
// says whether the CR was there.
struct field {
  std::string name;        // as spelled, up to the colon (may hold whitespace: a syntax error)
  std::string value;       // OWS trimmed; obs-fold continuations joined with one SP
  std::string raw;         // the line(s) without the final terminator
  std::size_t offset = 0;  // of the line's first byte in the stream
  bool has_colon = true;
  bool folded = false;  // continued by an obs-fold line (RFC 9112 §5.2)
};

enum class framing : std::uint8_t { none, content_length, chunked, other_coding, bad_length };

// A line-level defect in a message head or chunked framing: where and what.
struct line_defect {
  std::size_t offset = 0;
  std::string what;
};

struct request {
  std::size_t start = 0;       // offset of the request line
  std::size_t extra_crlf = 0;  // empty-line bytes that preceded the request line
  std::size_t extra_at = 0;    // offset of the first of them
  std::string line;            // request line without terminator
  std::string method, target, version;
  std::size_t line_parts = 0;  // pieces the request line splits into at single SPs
  std::vector<field> fields;
  bool head_complete = false;
  std::size_t body_start = 0;
  std::size_t end = 0;  // offset after the whole message
  framing frame = framing::none;
  std::optional<std::uint64_t> content_length;
  std::string body;               // the content (de-chunked)
  std::size_t body_received = 0;  // content octets actually present
  bool complete = false;          // the whole message is in the stream
  std::vector<field> trailers;
  std::vector<line_defect> defects;  // bare LF / bare CR in the head or chunk framing
  std::string chunk_error;           // first chunked-framing error, empty if none
  std::size_t chunk_error_at = 0;
  int first_event = -1;
  int head_event = -1;       // event holding the end of the head
  int last_event = -1;       // event holding the last byte of the message
  int response = -1;         // index of the final response that answers it, -1 if none
  std::vector<int> interim;  // 1xx responses before the final one

  // Field values by name (case-insensitive), in order.
  [[nodiscard]] std::vector<const field*> all(std::string_view name) const;
  // The first field with `name`, or nullptr.
  [[nodiscard]] const field* get(std::string_view name) const;
  // The field's comma-separated members, lower-cased and trimmed, over every line.
  [[nodiscard]] std::vector<std::string> tokens(std::string_view name) const;
  [[nodiscard]] bool has_token(std::string_view name, std::string_view token) const;
  // Content was sent or announced (a non-zero Content-Length or chunked).
  [[nodiscard]] bool has_content() const;
};

struct response {
  std::size_t start = 0;
  std::size_t end = 0;
  std::string status_line;
  std::string version;
  int code = 0;  // 0 when the status line is malformed
  std::vector<field> fields;
  std::string body;
  bool complete = false;
  int first_event = -1;
  int last_event = -1;
  int request = -1;  // the request it answers

  [[nodiscard]] const field* get(std::string_view name) const;
  [[nodiscard]] std::vector<const field*> all(std::string_view name) const;
  [[nodiscard]] bool has_token(std::string_view name, std::string_view token) const;
  // The response ends the connection: Connection: close, or HTTP/1.0 without keep-alive.
  [[nodiscard]] bool closes() const;
};

struct session {
  bool tls = false;         // the requests went over TLS (https)
  std::string server_host;  // from the channel's server endpoint
  std::optional<std::uint16_t> server_port;
  std::string client;  // the client's bytes (after the TLS handshake under TLS)
  std::string server;
  std::vector<std::pair<std::size_t, int>> client_events;  // (stream offset, event index)
  std::vector<std::pair<std::size_t, int>> server_events;
  std::vector<request> requests;
  std::vector<response> responses;
  std::size_t junk_at = std::string::npos;  // client bytes left over that form no request
  int end_event = -1;                       // first close/reset on the control channel
  bool client_closed_first = false;

  [[nodiscard]] std::string scheme() const { return tls ? "https" : "http"; }
  [[nodiscard]] int client_event_at(std::size_t offset) const;
  [[nodiscard]] int server_event_at(std::size_t offset) const;
  [[nodiscard]] const response* response_to(const request& r) const;
};

// Reads the control channel of an HTTP transcript. Never throws on malformed input; linear
// in the transcript size (chunk sizes are bounded by the bytes present).
session parse_session(const transcript& t);

// Case and string helpers the rules share.
using lexical::trim;  // WSP on both sides
using ph::ascii::lower;
using rules::line::iequals;
// RFC 9110 §5.6.2 token.
bool is_token(std::string_view s);

}  // namespace ph::harness::rules::http
