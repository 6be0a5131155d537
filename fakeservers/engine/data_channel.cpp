// The session's data channels (FTP): passive listeners, active targets, and the data
// connection's transcript channel, TLS, reads and writes.

#include "fakeservers/engine/data_channel.hpp"

#include <fmt/format.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

namespace ph::fakeservers {

using asio::use_awaitable;
using ph::direction;
using ph::event_kind;
constexpr auto no_throw = asio::as_tuple(use_awaitable);

namespace {

std::string endpoint_text(const asio::ip::tcp::endpoint& e) {
  return e.address().is_v6() ? fmt::format("[{}]:{}", e.address().to_string(), e.port())
                             : fmt::format("{}:{}", e.address().to_string(), e.port());
}

bool loopback(const asio::ip::address& a) {
  if (a.is_v4()) return a.to_v4().to_bytes()[0] == 127;
  const auto v6 = a.to_v6();
  return v6.is_loopback() ||
         (v6.is_v4_mapped() &&
          asio::ip::make_address_v4(asio::ip::v4_mapped, v6).to_bytes()[0] == 127);
}

}  // namespace

std::string session::local_address() const {
  boost::system::error_code ec;
  auto local = socket_.local_endpoint(ec);
  if (ec) return "127.0.0.1";
  return local.address().to_string();
}

std::uint16_t session::data_listen() {
  data_discard();
  boost::system::error_code ec;
  auto local = socket_.local_endpoint(ec);
  asio::ip::address addr = ec ? asio::ip::make_address("127.0.0.1") : local.address();
  auto l = std::make_unique<asio::ip::tcp::acceptor>(socket_.get_executor());
  asio::ip::tcp::endpoint ep(addr, 0);
  l->open(ep.protocol());
  l->bind(ep);
  l->listen(1);
  std::uint16_t port = l->local_endpoint().port();
  listener_ = std::move(l);
  note(fmt::format("data listener on {}", endpoint_text(listener_->local_endpoint())));
  return port;
}

bool session::data_target(const std::string& host, std::uint16_t port) {
  boost::system::error_code ec;
  auto addr = asio::ip::make_address(host, ec);
  // A fake server never connects beyond the loopback interface, whatever a script or a
  // client names (RFC 2577 §3: the PORT "bounce" attack).
  if (ec || !loopback(addr) || port == 0) {
    note(fmt::format("refused active-mode target {}:{} (loopback only)", host, port));
    return false;
  }
  data_discard();
  target_ = asio::ip::tcp::endpoint(addr, port);
  return true;
}

bool session::data_pending() const {
  return listener_ != nullptr || target_.has_value();
}

bool session::data_connected() const {
  return data_ && data_->open;
}

void session::data_discard() {
  boost::system::error_code ignored;
  if (listener_) listener_->close(ignored);
  listener_.reset();
  target_.reset();
}

awaitable<bool> session::data_open() {
  if (data_ && data_->open) co_return true;
  if (!data_pending() || expired_) co_return false;
  auto chan = std::make_unique<data_channel>(socket_.get_executor(), tls_context("server"));
  bool passive = listener_ != nullptr;
  boost::system::error_code ec;
  // Visible to on_deadline() while the accept or connect is pending.
  data_ = std::move(chan);
  auto& sock = data_->stream.next_layer();
  if (passive) {
    auto [aec, accepted] = co_await listener_->async_accept(no_throw);
    ec = aec;
    if (!ec) sock = std::move(accepted);
    data_discard();
  } else {
    auto to = *target_;
    target_.reset();
    auto [cec] = co_await sock.async_connect(to, no_throw);
    ec = cec;
  }
  if (ec || expired_) {
    note(fmt::format("data connection ({}) failed: {}",
                     passive ? "passive accept" : "active connect",
                     ec ? ec.message() : "deadline"));
    data_.reset();
    co_return false;
  }
  sock.set_option(asio::ip::tcp::no_delay(true), ec);
  ph::channel_info ch;
  ch.label = fmt::format("data {}", ++data_count_);
  boost::system::error_code ignored;
  auto local = sock.local_endpoint(ignored);
  auto remote = sock.remote_endpoint(ignored);
  ch.client_endpoint = endpoint_text(remote);
  ch.server_endpoint = endpoint_text(local);
  data_->index = recorder_.add_channel(ch);
  record(event_kind::open, passive ? direction::client_to_server : direction::server_to_client,
         passive ? ch.client_endpoint + " -> " + ch.server_endpoint
                 : ch.server_endpoint + " -> " + ch.client_endpoint,
         data_->index);
  co_return true;
}

awaitable<bool> session::data_start_tls(const std::string& certificate) {
  if (!data_connected()) co_return false;
  auto& d = *data_;
  record(event_kind::tls_start, direction::server_to_client, "server awaits the TLS handshake",
         d.index);
  auto& sock = d.stream.next_layer();
  unsigned char first = 0;
  auto [pec, pn] = co_await sock.async_receive(asio::buffer(&first, 1),
                                               asio::socket_base::message_peek, no_throw);
  if (pec || pn == 0) {
    record(event_kind::tls_failed, direction::client_to_server,
           "client closed the data connection before the TLS handshake", d.index);
    d.open = false;
    co_return false;
  }
  if (first != 0x16) {
    char buf[4096];
    auto [ec, n] = co_await sock.async_read_some(asio::buffer(buf), no_throw);
    record(event_kind::data, direction::client_to_server, std::string(buf, n), d.index);
    record(event_kind::tls_failed, direction::client_to_server,
           fmt::format("client sent plaintext (first byte 0x{:02x}) instead of a TLS ClientHello",
                       first),
           d.index);
    data_reset();
    co_return false;
  }
  if (certificate != "server")
    SSL_set_SSL_CTX(d.stream.native_handle(), tls_context(certificate).native_handle());
  auto [hec] = co_await d.stream.async_handshake(asio::ssl::stream_base::server, no_throw);
  if (hec) {
    record(event_kind::tls_failed, direction::client_to_server,
           "TLS handshake failed: " + hec.message(), d.index);
    data_reset();
    co_return false;
  }
  d.tls = true;
  SSL* ssl = d.stream.native_handle();
  record(event_kind::tls_ready, direction::server_to_client,
         fmt::format("{} {}", SSL_get_version(ssl), SSL_get_cipher_name(ssl)), d.index);
  co_return true;
}

awaitable<bool> session::data_send(std::string_view bytes) {
  if (!data_connected() || data_->eof) co_return false;
  auto& d = *data_;
  // Written in pieces so a large file shows as several events and a client that goes
  // away mid-transfer is noticed at once.
  constexpr std::size_t piece = 1 << 16;
  for (std::size_t at = 0; at < bytes.size() || (bytes.empty() && at == 0); at += piece) {
    if (bytes.empty()) break;
    auto chunk = bytes.substr(at, piece);
    boost::system::error_code ec;
    std::size_t n = 0;
    if (d.tls)
      std::tie(ec, n) = co_await asio::async_write(d.stream, asio::buffer(chunk), no_throw);
    else
      std::tie(ec, n) =
          co_await asio::async_write(d.stream.next_layer(), asio::buffer(chunk), no_throw);
    if (n > 0)
      record(event_kind::data, direction::server_to_client, std::string(chunk.substr(0, n)),
             d.index);
    if (ec) {
      d.eof = true;
      d.open = false;
      record(
          ec == asio::error::connection_reset ? event_kind::reset : event_kind::close,
          direction::client_to_server,
          expired_ ? "deadline closed the data connection" : "data write failed: " + ec.message(),
          d.index);
      boost::system::error_code ignored;
      d.stream.next_layer().close(ignored);
      co_return false;
    }
  }
  co_return true;
}

awaitable<std::size_t> session::data_read_some(std::string& into) {
  auto& d = *data_;
  if (d.eof || !d.stream.next_layer().is_open()) {
    d.eof = true;
    co_return 0;
  }
  char buf[65536];
  boost::system::error_code ec;
  std::size_t n = 0;
  if (d.tls)
    std::tie(ec, n) = co_await d.stream.async_read_some(asio::buffer(buf), no_throw);
  else
    std::tie(ec, n) = co_await d.stream.next_layer().async_read_some(asio::buffer(buf), no_throw);
  if (n > 0) {
    record(event_kind::data, direction::client_to_server, std::string(buf, n), d.index);
    into.append(buf, n);
  }
  if (ec) {
    d.eof = true;
    if (expired_) {
      record(event_kind::close, direction::server_to_client,
             "deadline: server closed the data connection", d.index);
      d.open = false;
    } else if (ec == asio::error::eof || ec == asio::ssl::error::stream_truncated) {
      record(event_kind::close, direction::client_to_server, "client closed the data connection",
             d.index);
    } else if (ec == asio::error::connection_reset) {
      record(event_kind::reset, direction::client_to_server, "client reset the data connection",
             d.index);
      d.open = false;
    } else {
      record(event_kind::close, direction::client_to_server, "data read failed: " + ec.message(),
             d.index);
      d.open = false;
    }
  }
  co_return n;
}

awaitable<std::optional<std::string>> session::data_read_all() {
  if (!data_connected()) co_return std::nullopt;
  std::string all;
  while (!data_->eof)
    co_await data_read_some(all);
  bool ok = data_->open;
  co_return ok ? std::optional<std::string>(std::move(all)) : std::nullopt;
}

awaitable<void> session::data_wait_close() {
  if (!data_connected()) co_return;
  std::string ignored;  // recorded by data_read_some, not kept here
  while (!data_->eof) {
    ignored.clear();
    co_await data_read_some(ignored);
  }
  co_await data_close();
}

awaitable<void> session::data_close() {
  if (!data_) co_return;
  auto d = std::move(data_);
  boost::system::error_code ignored;
  if (!d->open) {
    d->stream.next_layer().close(ignored);
    co_return;
  }
  if (!d->eof)
    record(event_kind::close, direction::server_to_client, "server closed the data connection",
           d->index);
  if (d->tls) {
    // close_notify (RFC 4217 §12.6: a protected transfer ends with a TLS closure); a peer
    // that never answers with its own is cut off shortly after.
    asio::steady_timer guard(socket_.get_executor());
    guard.expires_after(std::chrono::milliseconds(500));
    guard.async_wait([&sock = d->stream.next_layer()](boost::system::error_code e) {
      boost::system::error_code ignored2;
      if (!e) sock.close(ignored2);
    });
    co_await d->stream.async_shutdown(no_throw);
    guard.cancel();
  }
  d->stream.next_layer().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
  d->stream.next_layer().close(ignored);
}

void session::data_reset() {
  if (!data_) return;
  auto d = std::move(data_);
  boost::system::error_code ignored;
  if (d->open)
    record(event_kind::reset, direction::server_to_client, "server reset the data connection",
           d->index);
  d->stream.next_layer().set_option(asio::socket_base::linger(true, 0), ignored);
  d->stream.next_layer().close(ignored);
}

}  // namespace ph::fakeservers
