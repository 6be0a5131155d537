#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "clients/net/line_stream.hpp"
#include "clients/pop3/errors.hpp"
#include "clients/pop3/response.hpp"

namespace ph::clients::pop3 {

struct options {
  /// Deadline of every network call (connect, each command write, each line read).
  std::chrono::milliseconds timeout{30000};
  /// Used by connect_tls() and stls(); server_name defaults to the host connected to.
  net::tls_options tls;
  /// Longest line accepted (status or body line), CRLF excluded.
  std::size_t max_line = 64 * 1024;
  /// Largest multi-line body accepted (RETR, TOP, LIST, UIDL, CAPA).
  std::size_t max_response_octets = 64 * 1024 * 1024;
  /// Refuse (pop3::error) to send USER, PASS or AUTH unless TLS is active (RFC 2595 §2.3: a
  /// client MUST be configurable to refuse cleartext passwords). APOP, which sends no password,
  /// stays allowed.
  bool require_tls = false;
  /// Commands retr_all() keeps in flight when the server advertises PIPELINING (at least 1).
  /// A RETR line is about a dozen octets: 256 of them (3 KiB) fit any socket buffer, so neither
  /// side blocks on the other while commands wait to be sent, and a server that answers a batch
  /// at a time (Dovecot) gets whole mailboxes of a few hundred messages in one go.
  std::size_t pipeline_window = 256;
};

/// STAT's answer (RFC 1939 §5): number of messages and their total size in octets.
struct maildrop_stat {
  std::uint64_t count = 0;
  std::uint64_t size = 0;
};

/// A synchronous POP3 client (RFC 1939) with the reach of Python's poplib: USER/PASS, APOP,
/// AUTH PLAIN (RFC 5034, RFC 4616), CAPA and extended response codes (RFC 2449), STLS
/// (RFC 2595), STAT, LIST, RETR, TOP, DELE, RSET, NOOP, UIDL, QUIT, and RETR pipelining
/// (RFC 2449 §6.6).
///
/// Every verb throws response_error when the server answers -ERR (carrying its text and its
/// RFC 2449 response code). Multi-line responses end only at the line "." and come back
/// un-byte-stuffed. Transport failures, timeouts and malformed responses throw std::system_error
/// (net::error) whose what() names the step, e.g. "reading reply to RETR: timed out"; after a
/// malformed response or a line over the limit the connection is closed without QUIT (QUIT would
/// commit deletions over a dialogue that is out of step, RFC 1939 §6).
///
/// Every command is refused with pop3::error before anything is sent when an argument contains
/// CR, LF or NUL, or the command line would exceed 255 octets with its CRLF (RFC 2449 §4).
///
/// No network I/O happens in constructors or the destructor (which closes without QUIT). A
/// moved-from client may only be destroyed or assigned to.
class client {
 public:
  explicit client(options opts = {});
  ~client();
  client(client&&) noexcept;
  client& operator=(client&&) noexcept;
  client(const client&) = delete;
  client& operator=(const client&) = delete;

  /// Connects and reads the greeting. A -ERR greeting closes the connection and throws
  /// response_error.
  response connect(const std::string& host, std::uint16_t port = 110);
  /// As connect(), over implicit TLS (RFC 8314; port 995).
  response connect_tls(const std::string& host, std::uint16_t port = 995);
  /// The greeting's text (after "+OK ").
  const std::string& welcome() const;

  /// CAPA (RFC 2449 §5): returns and caches tag (upper-case) -> parameters.
  std::map<std::string, std::string> capa();
  /// The capabilities of the last successful CAPA since connect or STLS (empty if none).
  const std::map<std::string, std::string>& capabilities() const;
  bool has_capability(std::string_view tag) const;

  /// USER name (RFC 1939 §7).
  response user(const std::string& name);
  /// PASS password (RFC 1939 §7).
  response pass(const std::string& password);
  /// APOP name digest (RFC 1939 §7), the digest made from the greeting's timestamp. Throws
  /// not_supported when the greeting has no timestamp.
  response apop(const std::string& name, const std::string& secret);
  /// AUTH (RFC 5034) with PLAIN (RFC 4616: an initial response, "=" when empty, unless the
  /// command would exceed 255 octets, then the answer to the first "+" challenge), LOGIN (the
  /// user name, then the password, each base64 on its own challenge) or CRAM-MD5 (RFC 2195).
  /// A challenge that is not base64, or comes after the mechanism is done, is cancelled with
  /// "*". Throws not_supported for another mechanism, or when a cached CAPA lists SASL without
  /// it; response_error on a negative final reply.
  response auth(const std::string& mechanism, const std::string& user, const std::string& password);
  /// STLS (RFC 2595 §4) and the TLS handshake, then CAPA again. Issues CAPA first when the
  /// capabilities are not known; throws not_supported unless STLS is advertised, pop3::error when
  /// TLS is already active or the session is authenticated, net::error(tls_failed) when the
  /// handshake or verification fails (the connection is then closed). Cached capabilities and
  /// bytes received before the handshake are discarded.
  response stls();

  /// STAT (RFC 1939 §5).
  maildrop_stat stat();
  /// LIST (RFC 1939 §5): message number -> size. Sizes are never used to frame data.
  std::map<std::uint64_t, std::uint64_t> list();
  /// LIST n.
  scan_listing list(std::uint64_t which);
  /// RETR n (RFC 1939 §5).
  multiline retr(std::uint64_t which);
  /// TOP n lines (RFC 1939 §7).
  multiline top(std::uint64_t which, std::uint64_t lines);
  /// RETR of every message in numbers, in order. With PIPELINING advertised by the cached CAPA,
  /// keeps up to options::pipeline_window RETRs in flight (RFC 2449 §6.6); else lock-step. Every
  /// response is read before the first -ERR met is thrown as response_error.
  std::vector<multiline> retr_all(const std::vector<std::uint64_t>& numbers);
  response dele(std::uint64_t which);
  response rset();
  response noop();
  /// UIDL (RFC 1939 §7): message number -> unique-id.
  std::map<std::uint64_t, std::string> uidl();
  /// UIDL n.
  uid_listing uidl(std::uint64_t which);
  /// QUIT, then close. Transport failures are swallowed (the response is then {}); -ERR (e.g.
  /// deletions not done, RFC 1939 §6) throws response_error after closing. Does nothing on a
  /// closed client.
  response quit();
  /// Closes without QUIT. Never throws.
  void close() noexcept;

  bool is_connected() const;
  bool tls_active() const;
  void set_timeout(std::chrono::milliseconds timeout);

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace ph::clients::pop3
