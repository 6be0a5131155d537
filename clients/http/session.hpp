#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "clients/http/cookies.hpp"
#include "clients/http/errors.hpp"
#include "clients/http/headers.hpp"
#include "clients/http/multipart.hpp"
#include "clients/net/line_stream.hpp"

namespace ph::clients::http {

using query_list = std::vector<std::pair<std::string, std::string>>;

/// Per-request options, as requests' keyword arguments. At most one of data, form, json is used
/// (data, then json, then form/files).
struct request_options {
  /// Appended to the URL's query, form-encoded.
  query_list params;
  /// Override the session's defaults field by field (case-insensitive).
  http::headers headers;
  /// A raw body, sent as is (no Content-Type unless given in headers).
  std::optional<std::string> data;
  /// Form fields: application/x-www-form-urlencoded, or multipart/form-data with files.
  std::optional<query_list> form;
  /// Serialized JSON text, sent with Content-Type: application/json.
  std::optional<std::string> json;
  /// Uploads (RFC 7578): field name -> file; forces multipart/form-data.
  std::vector<std::pair<std::string, file_part>> files;
  /// Basic credentials (RFC 7617): user, password. Credentials in the URL are used otherwise.
  std::optional<std::pair<std::string, std::string>> auth;
  /// Connect and read deadline; the session's when unset.
  std::optional<std::chrono::milliseconds> timeout;
  /// Follow redirects; default true, except through head() (as requests).
  std::optional<bool> allow_redirects;
  std::optional<int> max_redirects;
  /// stream: when set, body octets are handed over as they arrive (one call per read) and the
  /// response's content stays empty.
  std::function<void(std::string_view)> on_data;
  /// Send "Expect: 100-continue" and wait (bounded) before the body (RFC 9110 §10.1.1).
  bool expect_continue = false;
};

struct session_options {
  /// Connect and read deadline of each network wait.
  std::chrono::milliseconds timeout{30000};
  /// For https URLs; verification is on unless turned off.
  net::tls_options tls;
  int max_redirects = 30;
  /// Sent with every request unless the request overrides them.
  http::headers headers;
  /// How long to wait for 100 Continue before sending the body anyway.
  std::chrono::milliseconds continue_timeout{1000};
  /// Bodies at least this large get Expect: 100-continue automatically (0: never).
  std::size_t expect_continue_threshold = 1024 * 1024;
  /// Largest response head and body accepted.
  std::size_t max_head = 64 * 1024;
  std::size_t max_body = 256 * 1024 * 1024;
};

/// A received response. HTTP status is data: only raise_for_status() throws on it.
struct response {
  int status = 0;
  std::string reason;
  int version_major = 1;
  int version_minor = 1;
  http::headers headers;
  /// Chunked trailer fields (RFC 9112 §7.1.2), kept apart from headers.
  http::headers trailers;
  /// The body as received (empty when streamed through on_data).
  std::string content;
  /// The URL this response came from (after redirects: the last one).
  std::string url;
  /// The method of the request that produced it.
  std::string method;
  /// The redirect responses that led here, oldest first.
  std::vector<response> history;
  /// From sending the request to the end of the head.
  std::chrono::nanoseconds elapsed{0};

  bool ok() const noexcept { return status < 400; }
  /// The charset parameter of Content-Type, lower-case; "iso-8859-1" for text/* without one (RFC
  /// 2616's default, which requests keeps); "" otherwise.
  std::string encoding() const;
  /// content decoded by encoding() into UTF-8 (UTF-8 when unknown; invalid sequences become
  /// U+FFFD).
  std::string text() const;
  /// Throws http_error for 4xx and 5xx.
  void raise_for_status() const;
};

/// A requests-style HTTP/1.1 client session (RFC 9110, RFC 9112): default headers, a cookie jar
/// (RFC 6265), keep-alive connections pooled per origin, redirects, Basic auth, form, JSON and
/// multipart bodies, HTTPS.
///
/// Requests carry Host first and exactly once, an origin-form target and never userinfo. A
/// connection is reused only after a completely framed response without "Connection: close"
/// (HTTP/1.0: only with keep-alive); a request that fails on a reused connection before any
/// response octet arrives is retried once on a new one. Redirects (301, 302, 303, 307, 308) are
/// followed up to max_redirects (then too_many_redirects); Authorization and a caller-set Cookie
/// are never sent to another origin. Errors are http::error with a code in errc.
///
/// Not thread-safe. No network I/O in constructors or the destructor.
class session {
 public:
  explicit session(session_options opts = {});
  ~session();
  session(session&&) noexcept;
  session& operator=(session&&) noexcept;
  session(const session&) = delete;
  session& operator=(const session&) = delete;

  /// Sends a request and reads the response (following redirects unless told not to).
  response request(std::string_view method, std::string_view url, const request_options& opts = {});
  response get(std::string_view url, const request_options& opts = {});
  response head(std::string_view url, const request_options& opts = {});
  response post(std::string_view url, const request_options& opts = {});
  response put(std::string_view url, const request_options& opts = {});
  response patch(std::string_view url, const request_options& opts = {});
  response delete_(std::string_view url, const request_options& opts = {});
  response options(std::string_view url, const request_options& opts = {});

  cookie_jar& cookies();
  session_options& settings();
  /// Closes every pooled connection.
  void close() noexcept;
  /// Connections opened so far (to observe reuse).
  std::size_t connections_opened() const noexcept;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace ph::clients::http
