#pragma once
// One FTP control connection's data connections (RFC 959 §3.2, §3.3): the listener a PASV or
// EPSV opened or the target a PORT or EPRT named, and the open data connection with its own
// transcript channel "data N", TLS (RFC 4217 PROT P), reads and writes. At most one is pending
// or open at a time. The session holds it as its extra connections (session::extra), so it
// lasts as long as the control connection in model and script mode alike.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "fakeservers/engine/session.hpp"

namespace ph::fakeservers::ftp {

class data_channel final : public session::extra {
 public:
  // The session's data channel, made (and attached to it) on first use.
  static data_channel& of(session& s);

  explicit data_channel(session& s);
  ~data_channel() override;
  data_channel(const data_channel&) = delete;
  data_channel& operator=(const data_channel&) = delete;

  // The session deadline fired or the server stopped: closes the listener and the connection.
  void expire() override;

  // Opens a listener on the control connection's local address, port 0 (for a PASV/EPSV
  // reply), replacing any pending one; returns its port. Throws std::system_error.
  std::uint16_t listen();
  // The control connection's local address, e.g. "127.0.0.1" or "::1".
  std::string local_address() const;
  // Remembers an active-mode target (PORT/EPRT). Only loopback (127.0.0.0/8, ::1) is
  // accepted; false (and nothing remembered) otherwise or when `host` is no address.
  bool target(const std::string& host, std::uint16_t port);
  // True when a listener or an active target waits for open().
  bool pending() const;
  // Establishes the pending data connection: accepts on the listener (passive) or connects
  // to the target (active), bounded by the session deadline. False when nothing is pending
  // or it failed (noted).
  awaitable<bool> open();
  bool connected() const;
  // Drops a pending listener or target without connecting.
  void discard();
  // Server side of TLS on the open data connection (PROT P); false when the handshake failed.
  awaitable<bool> start_tls(const std::string& certificate = "server");
  // Writes bytes on the data connection; false when the client closed or reset it.
  awaitable<bool> send(std::string_view bytes);
  // Reads the data connection until the client closes it; nullopt if it was reset or failed.
  awaitable<std::optional<std::string>> read_all();
  // Orderly close of the data connection by the server (close_notify under TLS, then FIN).
  awaitable<void> close();
  // RST on the data connection.
  void reset();
  // Waits (recording) until the client closes the data connection or the deadline fires.
  awaitable<void> wait_close();

 private:
  struct link;  // the open data connection
  awaitable<std::size_t> read_some(std::string& into);
  void record(ph::event_kind kind, ph::direction dir, std::string bytes, int channel) {
    s_.record_on(channel, kind, dir, std::move(bytes));
  }

  session& s_;
  std::unique_ptr<asio::ip::tcp::acceptor> listener_;
  std::optional<asio::ip::tcp::endpoint> target_;
  std::unique_ptr<link> data_;
  int count_ = 0;  // data connections opened so far: the next is "data <count_ + 1>"
};

}  // namespace ph::fakeservers::ftp
