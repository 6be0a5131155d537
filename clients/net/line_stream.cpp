#include "clients/net/line_stream.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <algorithm>
#include <optional>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/write.hpp>

namespace ph::clients::net {
namespace {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;
using steady = std::chrono::steady_clock;
using boost::system::error_code;

// Reads start at 16 KiB; a read that fills the buffer doubles it, up to 256 KiB (bulk transfers
// then take few system calls; line dialogues never grow it).
constexpr std::size_t min_read_chunk = 16 * 1024;
constexpr std::size_t max_read_chunk = 256 * 1024;
constexpr std::chrono::milliseconds max_tls_shutdown{1000};

error make_error(errc e, const std::string& what) {
  return error(make_error_code(e), what);
}

// "[::1]" -> "::1"; host names are returned unchanged.
std::string strip_brackets(const std::string& host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    return host.substr(1, host.size() - 2);
  return host;
}

bool is_ip_literal(const std::string& host) {
  error_code ec;
  (void)asio::ip::make_address(host, ec);
  return !ec;
}

endpoint to_endpoint(const tcp::endpoint& ep) {
  auto addr = ep.address();
  if (addr.is_v6() && addr.to_v6().is_v4_mapped())
    addr = asio::ip::make_address_v4(asio::ip::v4_mapped, addr.to_v6());
  return {addr.to_string(), ep.port()};
}

bool is_end_of_stream(const error_code& ec) {
  // A TLS peer that closes TCP without close_notify shows up as stream_truncated; for a line
  // protocol that is still an end of stream (the framing tells whether data is missing).
  return ec == asio::error::eof || ec == ssl::error::stream_truncated;
}

}  // namespace

std::string endpoint::to_string() const {
  return is_v6() ? fmt::format("[{}]:{}", address, port) : fmt::format("{}:{}", address, port);
}

struct line_stream::impl {
  explicit impl(std::chrono::milliseconds t) : timeout(t) {}

  asio::io_context ioc{1};
  tcp::socket sock{ioc};
  std::unique_ptr<ssl::context> ssl_ctx;
  std::unique_ptr<ssl::stream<tcp::socket&>> tls;  // refers to sock; declared after it
  std::chrono::milliseconds timeout;
  std::size_t max_line = default_max_line;
  bool quick_ack = false;
  std::string buf;          // received octets; buf[head..] not yet consumed
  std::size_t head = 0;     //
  std::size_t scanned = 0;  // octets after head known to hold no LF
  std::vector<char> chunk;  // allocated on the first read
  std::string host;
  std::string label;  // "host:port" for messages

  steady::time_point deadline() const { return steady::now() + timeout; }

  void discard_buffer() {
    buf.clear();
    head = 0;
    scanned = 0;
  }

  void hard_close() noexcept {
    error_code ignored;
    sock.close(ignored);
    tls.reset();
    ssl_ctx.reset();
  }

  // The blocking-with-deadline pattern: the caller has started one asynchronous operation whose
  // handler sets `done`; run the context until it has, or until the deadline. On expiry, cancel
  // (close the socket), run until every handler has completed, and throw timed_out. `doing()`
  // names the step, built only on expiry (it is on every read's path).
  template <class Cancel, class Doing>
  void wait(const bool& done, steady::time_point until, Cancel cancel, const Doing& doing) {
    ioc.restart();
    auto now = steady::now();
    if (until > now) ioc.run_for(until - now);
    if (done) return;
    cancel();
    ioc.restart();
    ioc.run();
    hard_close();
    discard_buffer();
    throw make_error(errc::timed_out,
                     fmt::format("{}: timed out after {} ms", doing(), timeout.count()));
  }

  template <class Doing>
  void wait_socket(const bool& done, steady::time_point until, const Doing& doing) {
    wait(
        done, until,
        [this] {
          error_code ignored;
          sock.close(ignored);
        },
        doing);
  }

  [[noreturn]] void fail_io(const error_code& ec, std::string_view doing) {
    const bool tls_error = ec.category() == asio::error::get_ssl_category() ||
                           ec.category() == ssl::error::get_stream_category();
    std::string what;
    if (is_end_of_stream(ec))
      what = fmt::format("{}: connection closed by {}", doing, label);
    else
      what = fmt::format("{}: {} ({})", doing, ec.message(), label);
    hard_close();
    discard_buffer();
    throw make_error(
        tls_error && !is_end_of_stream(ec) ? errc::tls_failed : errc::connection_closed, what);
  }

  void require_open(std::string_view doing) const {
    if (!sock.is_open())
      throw make_error(errc::connection_closed, fmt::format("{}: not connected", doing));
  }

  // Reads once into chunk: the octets received, 0 only at an orderly end of stream.
  std::size_t receive(steady::time_point until) {
    require_open("reading");
    if (chunk.empty()) chunk.resize(min_read_chunk);
    bool done = false;
    error_code result;
    std::size_t n = 0;
    auto handler = [&](const error_code& ec, std::size_t bytes) {
      result = ec;
      n = bytes;
      done = true;
    };
#ifdef TCP_QUICKACK
    if (quick_ack) {
      // Not sticky: the kernel may fall back to delayed ACKs, so it is armed before each read.
      const int one = 1;
      ::setsockopt(sock.native_handle(), IPPROTO_TCP, TCP_QUICKACK, &one, sizeof one);
    }
#endif
    if (tls)
      tls->async_read_some(asio::buffer(chunk), handler);
    else
      sock.async_read_some(asio::buffer(chunk), handler);
    wait_socket(done, until, [this] { return fmt::format("waiting for data from {}", label); });
    // Data first; an end of stream that came with it shows on the next read.
    if (!result || (is_end_of_stream(result) && n > 0)) {
      if (n == chunk.size() && chunk.size() < max_read_chunk) chunk.resize(chunk.size() * 2);
      return n;
    }
    if (is_end_of_stream(result)) return 0;
    fail_io(result, "reading");
  }

  // Appends received octets to buf; false at an orderly end of stream.
  bool fill(steady::time_point until) {
    if (head > 0 && head >= buf.size() / 2) {
      buf.erase(0, head);
      head = 0;
    }
    const std::size_t n = receive(until);
    buf.append(chunk.data(), n);
    return n > 0;
  }

  void connect_tcp(const std::string& h, std::uint16_t port, steady::time_point until) {
    hard_close();
    discard_buffer();
    host = h;
    const std::string bare = strip_brackets(h);
    label = fmt::format("{}:{}", h, port);
    std::vector<tcp::endpoint> endpoints;
    error_code ec;
    auto addr = asio::ip::make_address(bare, ec);
    if (!ec) {
      endpoints.emplace_back(addr, port);
    } else {
      tcp::resolver resolver(ioc);
      bool done = false;
      error_code result;
      tcp::resolver::results_type results;
      resolver.async_resolve(bare, std::to_string(port),
                             [&](const error_code& e, tcp::resolver::results_type r) {
                               result = e;
                               results = std::move(r);
                               done = true;
                             });
      wait(
          done, until, [&] { resolver.cancel(); }, [&] { return fmt::format("resolving {}", h); });
      if (result)
        throw make_error(errc::connect_failed,
                         fmt::format("resolving {}: {}", h, result.message()));
      for (const auto& entry : results)
        endpoints.push_back(entry.endpoint());
    }
    bool done = false;
    error_code result;
    asio::async_connect(sock, endpoints, [&](const error_code& e, const tcp::endpoint&) {
      result = e;
      done = true;
    });
    wait_socket(done, until, [this] { return fmt::format("connecting to {}", label); });
    if (result) {
      hard_close();
      throw make_error(errc::connect_failed,
                       fmt::format("connecting to {}: {}", label, result.message()));
    }
    sock.set_option(tcp::no_delay(true), ec);
  }

  void handshake(const tls_options& options, steady::time_point until) {
    const std::string doing = fmt::format("TLS handshake with {}", label);
    auto fail = [&](const std::string& why) {
      hard_close();
      discard_buffer();
      throw make_error(errc::tls_failed, fmt::format("{}: {}", doing, why));
    };
    ssl_ctx = std::make_unique<ssl::context>(ssl::context::tls_client);
    SSL_CTX_set_min_proto_version(ssl_ctx->native_handle(), TLS1_2_VERSION);
    error_code ec;
    if (options.verify) {
      if (options.ca_pem.empty() && options.ca_file.empty()) {
        ssl_ctx->set_default_verify_paths(ec);
        if (ec) fail("loading the system trust store: " + ec.message());
      }
      if (!options.ca_pem.empty()) {
        ssl_ctx->add_certificate_authority(asio::buffer(options.ca_pem), ec);
        if (ec) fail("loading ca_pem: " + ec.message());
      }
      if (!options.ca_file.empty()) {
        ssl_ctx->load_verify_file(options.ca_file, ec);
        if (ec) fail(fmt::format("loading {}: {}", options.ca_file, ec.message()));
      }
      ssl_ctx->set_verify_mode(ssl::verify_peer);
    } else {
      ssl_ctx->set_verify_mode(ssl::verify_none);
    }
    tls = std::make_unique<ssl::stream<tcp::socket&>>(sock, *ssl_ctx);
    SSL* handle = tls->native_handle();
    const std::string name =
        strip_brackets(options.server_name.empty() ? host : options.server_name);
    const bool ip = is_ip_literal(name);
    // RFC 6066 §3: SNI carries DNS names only, never address literals.
    if (!ip && !name.empty() && SSL_set_tlsext_host_name(handle, name.c_str()) != 1)
      fail("cannot set SNI name " + name);
    if (options.verify) {
      const int ok = ip ? X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(handle), name.c_str())
                        : SSL_set1_host(handle, name.c_str());
      if (ok != 1) fail("cannot set the name to verify: " + name);
    }
    bool done = false;
    error_code result;
    tls->async_handshake(ssl::stream_base::client, [&](const error_code& e) {
      result = e;
      done = true;
    });
    wait_socket(done, until, [&] { return doing; });
    if (result) {
      std::string why = result.message();
      const long verify_result = SSL_get_verify_result(handle);
      if (verify_result != X509_V_OK)
        why += fmt::format(" (certificate verification: {})",
                           X509_verify_cert_error_string(verify_result));
      if (is_end_of_stream(result)) why = "connection closed by peer during the handshake";
      fail(why);
    }
  }
};

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
