#include "clients/net/detail/stream.hpp"

namespace ph::clients::net {

struct listener::impl {
  explicit impl(std::chrono::milliseconds t) : timeout(t) {}
  asio::io_context ioc{1};
  tcp::acceptor acceptor{ioc};
  std::chrono::milliseconds timeout;
  std::string label;

  void close() noexcept {
    error_code ignored;
    acceptor.close(ignored);
  }
};

listener::listener(std::chrono::milliseconds timeout) : impl_(std::make_unique<impl>(timeout)) {}

listener::~listener() {
  if (impl_) impl_->close();
}

listener::listener(listener&&) noexcept = default;

listener& listener::operator=(listener&& other) noexcept {
  if (this != &other) {
    if (impl_) impl_->close();
    impl_ = std::move(other.impl_);
  }
  return *this;
}

endpoint listener::listen(const std::string& address) {
  auto& s = *impl_;
  s.close();
  error_code ec;
  const auto addr = asio::ip::make_address(strip_brackets(address), ec);
  if (ec) throw make_error(errc::connect_failed, "listening on " + address + ": " + ec.message());
  const tcp::endpoint ep(addr, 0);
  s.acceptor.open(ep.protocol(), ec);
  if (!ec) s.acceptor.bind(ep, ec);
  if (!ec) s.acceptor.listen(1, ec);
  if (ec) {
    s.close();
    throw make_error(errc::connect_failed, "listening on " + address + ": " + ec.message());
  }
  const auto local = to_endpoint(s.acceptor.local_endpoint());
  s.label = local.to_string();
  return local;
}

line_stream listener::accept(std::chrono::milliseconds stream_timeout) {
  auto& s = *impl_;
  if (!s.acceptor.is_open())
    throw make_error(errc::connect_failed, "accepting a connection: not listening");
  line_stream out(stream_timeout);
  auto& peer = *out.impl_;
  bool done = false;
  error_code result;
  // The socket lives on the stream's own context; only the accept runs on this one.
  s.acceptor.async_accept(peer.sock, [&](const error_code& ec) {
    result = ec;
    done = true;
  });
  s.ioc.restart();
  s.ioc.run_for(s.timeout);
  if (!done) {
    s.close();
    s.ioc.restart();
    s.ioc.run();
    throw make_error(errc::timed_out, fmt::format("waiting for a connection on {}: timed out after "
                                                  "{} ms",
                                                  s.label, s.timeout.count()));
  }
  if (result)
    throw make_error(errc::connect_failed,
                     fmt::format("accepting a connection on {}: {}", s.label, result.message()));
  error_code ec;
  peer.sock.set_option(tcp::no_delay(true), ec);
  const auto remote = peer.sock.remote_endpoint(ec);
  if (!ec) {
    const auto e = to_endpoint(remote);
    peer.host = e.address;
    peer.label = e.to_string();
  }
  return out;
}

void listener::close() noexcept {
  if (impl_) impl_->close();
}

}  // namespace ph::clients::net
