#include "clients/net/line_stream.hpp"

#include "clients/net/detail/stream.hpp"

namespace ph::clients::net {

std::string endpoint::to_string() const {
  return is_v6() ? fmt::format("[{}]:{}", address, port) : fmt::format("{}:{}", address, port);
}

line_stream::line_stream(std::chrono::milliseconds timeout)
    : impl_(std::make_unique<impl>(timeout)) {}

line_stream::~line_stream() {
  if (impl_) impl_->hard_close();
}

line_stream::line_stream(line_stream&&) noexcept = default;

line_stream& line_stream::operator=(line_stream&& other) noexcept {
  if (this != &other) {
    if (impl_) impl_->hard_close();
    impl_ = std::move(other.impl_);
  }
  return *this;
}

void line_stream::set_timeout(std::chrono::milliseconds timeout) {
  impl_->timeout = timeout;
}
std::chrono::milliseconds line_stream::timeout() const {
  return impl_->timeout;
}
void line_stream::set_max_line(std::size_t octets) {
  impl_->max_line = octets;
}
std::size_t line_stream::max_line() const {
  return impl_->max_line;
}
void line_stream::set_quick_ack(bool on) {
  impl_->quick_ack = on;
}

void line_stream::connect(const std::string& host, std::uint16_t port) {
  impl_->connect_tcp(host, port, impl_->deadline());
}

void line_stream::connect_tls(const std::string& host, std::uint16_t port, const tls_options& tls) {
  const auto until = impl_->deadline();
  impl_->connect_tcp(host, port, until);
  impl_->handshake(tls, until);
}

void line_stream::start_tls(const tls_options& tls) {
  impl_->require_open("starting TLS");
  if (impl_->tls) throw make_error(errc::tls_failed, "starting TLS: TLS is already active");
  // RFC 3207 §4.2: nothing received before the handshake may be used after it.
  impl_->discard_buffer();
  impl_->handshake(tls, impl_->deadline());
}

void line_stream::write(std::string_view data) {
  auto& s = *impl_;
  s.require_open("writing");
  const auto until = s.deadline();
  bool done = false;
  error_code result;
  auto handler = [&](const error_code& ec, std::size_t) {
    result = ec;
    done = true;
  };
  if (s.tls)
    asio::async_write(*s.tls, asio::buffer(data), handler);
  else
    asio::async_write(s.sock, asio::buffer(data), handler);
  s.wait_socket(done, until, [&] { return fmt::format("writing to {}", s.label); });
  if (result) s.fail_io(result, "writing");
}

void line_stream::write_urgent(std::string_view data) {
  auto& s = *impl_;
  s.require_open("writing urgent data");
  if (s.tls)
    throw make_error(errc::tls_failed, "writing urgent data: not possible while TLS is active");
  const auto until = s.deadline();
  bool done = false;
  error_code result;
  // One send() with MSG_OOB: the urgent pointer then marks the last octet of data.
  s.sock.async_send(asio::buffer(data), tcp::socket::message_out_of_band,
                    [&](const error_code& ec, std::size_t) {
                      result = ec;
                      done = true;
                    });
  s.wait_socket(done, until, [&] { return fmt::format("writing urgent data to {}", s.label); });
  if (result) s.fail_io(result, "writing urgent data");
}

std::string line_stream::read_line() {
  auto& s = *impl_;
  // The clock is read only when a wait is needed: most lines are already buffered.
  std::optional<steady::time_point> until;
  for (;;) {
    const auto lf = s.buf.find('\n', s.head + s.scanned);
    if (lf != std::string::npos) {
      // RFC 5321 §2.3.8: CRLF is the only line terminator; a bare LF is never a line end.
      if (lf == s.head || s.buf[lf - 1] != '\r') {
        // The connection stays open: the protocol client decides how to end the session.
        s.discard_buffer();
        throw make_error(
            errc::malformed_reply,
            fmt::format("reading a line: bare LF (not preceded by CR) from {}", s.label));
      }
      const std::size_t length = lf - 1 - s.head;
      if (length > s.max_line) break;
      std::string line = s.buf.substr(s.head, length);
      s.head = lf + 1;
      s.scanned = 0;
      return line;
    }
    s.scanned = s.buf.size() - s.head;
    const bool pending_cr = s.scanned > 0 && s.buf.back() == '\r';
    if (s.scanned - (pending_cr ? 1 : 0) > s.max_line) break;
    if (!until) until = s.deadline();
    if (!s.fill(*until)) {
      const std::size_t partial = s.buf.size() - s.head;
      s.hard_close();
      s.discard_buffer();
      throw make_error(errc::connection_closed,
                       partial == 0
                           ? fmt::format("reading a line: connection closed by {}", s.label)
                           : fmt::format("reading a line: connection closed by {} after "
                                         "{} octets of an unterminated line",
                                         s.label, partial));
    }
  }
  s.discard_buffer();
  throw make_error(errc::line_too_long, fmt::format("reading a line from {}: longer than {} octets",
                                                    s.label, s.max_line));
}

std::string line_stream::read_exact(std::size_t n) {
  auto& s = *impl_;
  std::optional<steady::time_point> until;
  while (s.buf.size() - s.head < n) {
    if (!until) until = s.deadline();
    if (!s.fill(*until)) {
      const std::size_t got = s.buf.size() - s.head;
      s.hard_close();
      s.discard_buffer();
      throw make_error(
          errc::connection_closed,
          fmt::format("reading {} octets: connection closed by {} after {}", n, s.label, got));
    }
  }
  std::string out = s.buf.substr(s.head, n);
  s.head += n;
  s.scanned = 0;
  return out;
}

std::string line_stream::read_some() {
  auto& s = *impl_;
  if (s.buf.size() == s.head && !s.fill(s.deadline())) return {};
  std::string out = s.buf.substr(s.head);
  s.discard_buffer();
  return out;
}

std::size_t line_stream::read_some(const std::function<void(std::string_view)>& sink) {
  auto& s = *impl_;
  if (s.buf.size() > s.head) {
    const std::string_view pending(s.buf.data() + s.head, s.buf.size() - s.head);
    try {
      sink(pending);
    } catch (...) {
      s.discard_buffer();
      throw;
    }
    s.discard_buffer();
    return pending.size();
  }
  const std::size_t n = s.receive(s.deadline());
  if (n > 0) sink(std::string_view(s.chunk.data(), n));
  return n;
}

std::size_t line_stream::buffered() const {
  return impl_->buf.size() - impl_->head;
}

void line_stream::close() noexcept {
  if (!impl_) return;
  auto& s = *impl_;
  try {
    if (s.sock.is_open() && s.tls) {
      // RFC 8446 §6.1 / RFC 5246 §7.2.1: send close_notify. Waiting for the peer's reply is
      // best effort; a peer that never answers costs at most max_tls_shutdown.
      bool done = false;
      s.tls->async_shutdown([&](const error_code&) { done = true; });
      s.ioc.restart();
      s.ioc.run_for(std::min(s.timeout, max_tls_shutdown));
      if (!done) {
        error_code ignored;
        s.sock.close(ignored);
        s.ioc.restart();
        s.ioc.run();
      }
    }
    if (s.sock.is_open()) {
      error_code ignored;
      s.sock.shutdown(tcp::socket::shutdown_both, ignored);
    }
  } catch (...) {
  }
  s.hard_close();
  s.discard_buffer();
}

bool line_stream::is_open() const {
  return impl_ && impl_->sock.is_open();
}
bool line_stream::tls_active() const {
  return is_open() && impl_->tls != nullptr;
}

endpoint line_stream::local_address() const {
  error_code ec;
  auto ep = impl_->sock.local_endpoint(ec);
  if (ec) throw make_error(errc::connection_closed, "local address: " + ec.message());
  return to_endpoint(ep);
}

endpoint line_stream::peer_address() const {
  error_code ec;
  auto ep = impl_->sock.remote_endpoint(ec);
  if (ec) throw make_error(errc::connection_closed, "peer address: " + ec.message());
  return to_endpoint(ep);
}

const std::string& line_stream::host() const {
  return impl_->host;
}

}  // namespace ph::clients::net
