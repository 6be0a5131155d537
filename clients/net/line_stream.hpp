#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "clients/net/errors.hpp"

namespace ph::clients::net {

/// How a TLS client session is set up (implicit TLS or an in-protocol upgrade such as STARTTLS).
struct tls_options {
  /// Verify the peer's certificate chain and its name. On by default.
  bool verify = true;
  /// Extra trust anchors as PEM text. When ca_pem or ca_file is set, they are used instead of the
  /// system trust store.
  std::string ca_pem;
  /// A PEM file of trust anchors (see ca_pem).
  std::string ca_file;
  /// Name sent as SNI (DNS names only, never IP literals) and checked against the certificate
  /// (RFC 6125, via OpenSSL's host checks). Empty: the host given to connect().
  std::string server_name;
};

/// An address and port as text, e.g. {"127.0.0.1", 25} or {"::1", 25}; an IPv4-mapped IPv6
/// address is reported as IPv4.
struct endpoint {
  std::string address;
  std::uint16_t port = 0;
  bool is_v6() const { return address.find(':') != std::string::npos; }
  /// "127.0.0.1:25" or "[::1]:25".
  std::string to_string() const;
};

/// A blocking byte stream over TCP or TLS with line framing and deadlines, shared by the protocol
/// clients. Each instance owns its own I/O context; it is not thread-safe (one caller at a time).
///
/// Every public call that touches the network completes within the timeout or throws
/// net::error(errc::timed_out) after closing the connection; no handler is left pending. Other
/// failures throw net::error with errc::connection_closed, malformed_reply, line_too_long,
/// tls_failed or connect_failed. After any of them the stream should be treated as unusable and
/// closed (the framing is no longer trustworthy).
///
/// Constructors and the destructor do no network I/O other than closing the socket. A moved-from
/// stream may only be destroyed or assigned to.
class line_stream {
 public:
  static constexpr std::size_t default_max_line = 64 * 1024;

  explicit line_stream(std::chrono::milliseconds timeout = std::chrono::seconds(30));
  ~line_stream();
  line_stream(line_stream&&) noexcept;
  line_stream& operator=(line_stream&&) noexcept;
  line_stream(const line_stream&) = delete;
  line_stream& operator=(const line_stream&) = delete;

  /// The deadline applied to each subsequent call.
  void set_timeout(std::chrono::milliseconds timeout);
  std::chrono::milliseconds timeout() const;

  /// Longest line read_line() accepts, CRLF excluded.
  void set_max_line(std::size_t octets);
  std::size_t max_line() const;

  /// Acknowledge received data at once (TCP_QUICKACK, re-armed before every read) instead of
  /// delaying the ACK. A server that writes a reply in several pieces without TCP_NODELAY holds
  /// each later piece (Nagle) until the earlier one is acknowledged: against a delayed ACK that
  /// costs up to 40 ms per reply. Off by default; Linux only (ignored elsewhere).
  void set_quick_ack(bool on);

  /// Resolves host and connects over TCP (TCP_NODELAY on). Throws connect_failed or timed_out.
  void connect(const std::string& host, std::uint16_t port);
  /// Connects and performs a TLS client handshake at once (implicit TLS). Throws tls_failed if the
  /// handshake or certificate verification fails.
  void connect_tls(const std::string& host, std::uint16_t port, const tls_options& tls = {});
  /// Upgrades the open TCP connection to TLS (client side). Any bytes received before the
  /// handshake and not yet consumed are discarded first, so a peer cannot inject plaintext that
  /// would be read as if it came over TLS (RFC 3207 §4.2, RFC 2595 §4).
  void start_tls(const tls_options& tls = {});

  /// Writes all of data.
  void write(std::string_view data);
  /// Sends data as TCP urgent data (MSG_OOB; the urgent mark is its last octet), as the Telnet
  /// Synch needs (RFC 854, used by FTP ABOR, RFC 959 §4.1.3). Plain TCP only: throws
  /// net::error(tls_failed) while TLS is active (TLS cannot carry out-of-band data).
  void write_urgent(std::string_view data);
  /// Reads one line and returns it without its CRLF. CRLF is the only line terminator: a LF not
  /// preceded by CR throws malformed_reply as soon as it is seen (a bare LF never ends a line;
  /// RFC 5321 §2.3.8). A line longer than max_line() throws line_too_long; end of stream throws
  /// connection_closed. After malformed_reply or line_too_long the connection stays open (its
  /// buffered input discarded) so the protocol client can still end the session, e.g. QUIT.
  std::string read_line();
  /// Reads exactly n octets (buffered bytes first). End of stream throws connection_closed.
  std::string read_exact(std::size_t n);
  /// Returns the buffered bytes if any, else waits for at least one octet and returns what
  /// arrived. Returns an empty string only at an orderly end of stream.
  std::string read_some();
  /// As read_some(), for bulk data without a copy: the octets go to sink as a view that is valid
  /// only during the call. Returns how many were handed over, 0 only at an orderly end of stream.
  std::size_t read_some(const std::function<void(std::string_view)>& sink);
  /// Number of received octets not yet returned by a read call.
  std::size_t buffered() const;

  /// Graceful close: a TLS close_notify (best effort, bounded by the timeout and at most one
  /// second), then the TCP close. Never throws; idempotent.
  void close() noexcept;

  bool is_open() const;
  bool tls_active() const;
  /// Throws net::error(connection_closed) when not connected.
  endpoint local_address() const;
  endpoint peer_address() const;
  /// The host name given to the last connect call.
  const std::string& host() const;

 private:
  friend class listener;
  struct impl;
  std::unique_ptr<impl> impl_;
};

/// A TCP listener for a single inbound connection (e.g. an FTP active-mode data connection).
/// listen() binds and listens at once, so the peer may connect as soon as it returns; accept()
/// waits within the timeout. Constructors and the destructor do no network I/O other than
/// closing the socket.
class listener {
 public:
  explicit listener(std::chrono::milliseconds timeout = std::chrono::seconds(30));
  ~listener();
  listener(listener&&) noexcept;
  listener& operator=(listener&&) noexcept;
  listener(const listener&) = delete;
  listener& operator=(const listener&) = delete;

  /// Binds to address (an IP literal) on an ephemeral port and listens; returns the bound
  /// endpoint. Throws net::error(connect_failed) on failure.
  endpoint listen(const std::string& address);
  /// Waits for one connection and returns it as a line_stream with the given per-call timeout;
  /// host() of the result is the peer's address. Throws net::error(timed_out) when no peer
  /// connects within this listener's timeout (the listener is then closed), connect_failed on
  /// other failures.
  line_stream accept(std::chrono::milliseconds stream_timeout);
  /// Stops listening. Never throws; idempotent.
  void close() noexcept;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace ph::clients::net
