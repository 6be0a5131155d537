// FTP's data connections: passive listeners, active targets, and the data connection's
// transcript channel, TLS, reads and writes.

#include "fakeservers/ftp/ftp_data_channel.hpp"

#include <fmt/format.h>
#include <openssl/ssl.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "fakeservers/engine/listen.hpp"

namespace ph::fakeservers::ftp {

using asio::use_awaitable;
using ph::direction;
using ph::event_kind;
constexpr auto no_throw = asio::as_tuple(use_awaitable);

namespace {

bool loopback(const asio::ip::address& a) {
  if (a.is_v4()) return a.to_v4().to_bytes()[0] == 127;
  const auto v6 = a.to_v6();
  return v6.is_loopback() ||
         (v6.is_v4_mapped() &&
          asio::ip::make_address_v4(asio::ip::v4_mapped, v6).to_bytes()[0] == 127);
}

}  // namespace

struct data_channel::link {
  link(asio::any_io_executor ex, asio::ssl::context& tls) : stream(ex, tls) {}
  asio::ssl::stream<asio::ip::tcp::socket> stream;
  int index = 0;  // transcript channel
  bool tls = false;
  bool eof = false;
  bool open = true;
};

data_channel& data_channel::of(session& s) {
  if (auto* d = dynamic_cast<data_channel*>(s.extras())) return *d;
  return static_cast<data_channel&>(s.attach(std::make_unique<data_channel>(s)));
}

data_channel::data_channel(session& s) : s_(s) {}

data_channel::~data_channel() = default;

void data_channel::expire() {
  boost::system::error_code ignored;
  if (listener_) listener_->close(ignored);
  if (data_) data_->stream.next_layer().close(ignored);
}

std::string data_channel::local_address() const {
  return s_.local_address().to_string();
}

std::uint16_t data_channel::listen() {
  discard();
  auto l = std::make_unique<asio::ip::tcp::acceptor>(s_.executor());
  asio::ip::tcp::endpoint ep(s_.local_address(), 0);
  l->open(ep.protocol());
  l->bind(ep);
  l->listen(1);
  std::uint16_t port = l->local_endpoint().port();
  listener_ = std::move(l);
  s_.note(fmt::format("data listener on {}", endpoint_text(listener_->local_endpoint())));
  return port;
}

bool data_channel::target(const std::string& host, std::uint16_t port) {
  boost::system::error_code ec;
  auto addr = asio::ip::make_address(host, ec);
  // A fake server never connects beyond the loopback interface, whatever a script or a
  // client names (RFC 2577 §3: the PORT "bounce" attack).
  if (ec || !loopback(addr) || port == 0) {
    s_.note(fmt::format("refused active-mode target {}:{} (loopback only)", host, port));
    return false;
  }
  discard();
  target_ = asio::ip::tcp::endpoint(addr, port);
  return true;
}

bool data_channel::pending() const {
  return listener_ != nullptr || target_.has_value();
}

bool data_channel::connected() const {
  return data_ && data_->open;
}

void data_channel::discard() {
  boost::system::error_code ignored;
  if (listener_) listener_->close(ignored);
  listener_.reset();
  target_.reset();
}

awaitable<bool> data_channel::open() {
  if (data_ && data_->open) co_return true;
  if (!pending() || s_.expired()) co_return false;
  auto chan = std::make_unique<link>(s_.executor(), tls_context("server"));
  bool passive = listener_ != nullptr;
  boost::system::error_code ec;
  // Visible to expire() while the accept or connect is pending.
  data_ = std::move(chan);
  auto& sock = data_->stream.next_layer();
  if (passive) {
    auto [aec, accepted] = co_await listener_->async_accept(no_throw);
    ec = aec;
    if (!ec) sock = std::move(accepted);
    discard();
  } else {
    auto to = *target_;
    target_.reset();
    auto [cec] = co_await sock.async_connect(to, no_throw);
    ec = cec;
  }
  if (ec || s_.expired()) {
    s_.note(fmt::format("data connection ({}) failed: {}",
                        passive ? "passive accept" : "active connect",
                        ec ? ec.message() : "deadline"));
    data_.reset();
    co_return false;
  }
  sock.set_option(asio::ip::tcp::no_delay(true), ec);
  ph::channel_info ch;
  ch.label = fmt::format("data {}", ++count_);
  boost::system::error_code ignored;
  auto local = sock.local_endpoint(ignored);
  auto remote = sock.remote_endpoint(ignored);
  ch.client_endpoint = endpoint_text(remote);
  ch.server_endpoint = endpoint_text(local);
  data_->index = s_.add_channel(ch);
  record(event_kind::open, passive ? direction::client_to_server : direction::server_to_client,
         passive ? ch.client_endpoint + " -> " + ch.server_endpoint
                 : ch.server_endpoint + " -> " + ch.client_endpoint,
         data_->index);
  co_return true;
}

awaitable<bool> data_channel::start_tls(const std::string& certificate) {
  if (!connected()) co_return false;
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
    reset();
    co_return false;
  }
  if (certificate != "server")
    SSL_set_SSL_CTX(d.stream.native_handle(), tls_context(certificate).native_handle());
  auto [hec] = co_await d.stream.async_handshake(asio::ssl::stream_base::server, no_throw);
  if (hec) {
    record(event_kind::tls_failed, direction::client_to_server,
           "TLS handshake failed: " + hec.message(), d.index);
    reset();
    co_return false;
  }
  d.tls = true;
  SSL* ssl = d.stream.native_handle();
  record(event_kind::tls_ready, direction::server_to_client,
         fmt::format("{} {}", SSL_get_version(ssl), SSL_get_cipher_name(ssl)), d.index);
  co_return true;
}

awaitable<bool> data_channel::send(std::string_view bytes) {
  if (!connected() || data_->eof) co_return false;
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
      record(ec == asio::error::connection_reset ? event_kind::reset : event_kind::close,
             direction::client_to_server,
             s_.expired() ? "deadline closed the data connection"
                          : "data write failed: " + ec.message(),
             d.index);
      boost::system::error_code ignored;
      d.stream.next_layer().close(ignored);
      co_return false;
    }
  }
  co_return true;
}

awaitable<std::size_t> data_channel::read_some(std::string& into) {
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
    if (s_.expired()) {
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

awaitable<std::optional<std::string>> data_channel::read_all() {
  if (!connected()) co_return std::nullopt;
  std::string all;
  while (!data_->eof)
    co_await read_some(all);
  bool ok = data_->open;
  co_return ok ? std::optional<std::string>(std::move(all)) : std::nullopt;
}

awaitable<void> data_channel::wait_close() {
  if (!connected()) co_return;
  std::string ignored;  // recorded by data_read_some, not kept here
  while (!data_->eof) {
    ignored.clear();
    co_await read_some(ignored);
  }
  co_await close();
}

awaitable<void> data_channel::close() {
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
    asio::steady_timer guard(s_.executor());
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

void data_channel::reset() {
  if (!data_) return;
  auto d = std::move(data_);
  boost::system::error_code ignored;
  if (d->open)
    record(event_kind::reset, direction::server_to_client, "server reset the data connection",
           d->index);
  d->stream.next_layer().set_option(asio::socket_base::linger(true, 0), ignored);
  d->stream.next_layer().close(ignored);
}

}  // namespace ph::fakeservers::ftp
