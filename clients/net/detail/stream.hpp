#pragma once
// Inside clients/net only (detail/ is neither installed nor part of the API): the socket, TLS and
// buffer state behind line_stream and listener, and the blocking-with-deadline pattern every
// wait follows.

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

#include "clients/net/line_stream.hpp"

namespace ph::clients::net::detail {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;
using steady = std::chrono::steady_clock;
using boost::system::error_code;

// Reads start at 16 KiB; a read that fills the buffer doubles it, up to 256 KiB (bulk transfers
// then take few system calls; line dialogues never grow it).
inline constexpr std::size_t min_read_chunk = 16 * 1024;
inline constexpr std::size_t max_read_chunk = 256 * 1024;
inline constexpr std::chrono::milliseconds max_tls_shutdown{1000};

inline error make_error(errc e, const std::string& what) {
  return error(make_error_code(e), what);
}

// "[::1]" -> "::1"; host names are returned unchanged.
inline std::string strip_brackets(const std::string& host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    return host.substr(1, host.size() - 2);
  return host;
}

inline bool is_ip_literal(const std::string& host) {
  error_code ec;
  (void)asio::ip::make_address(host, ec);
  return !ec;
}

inline endpoint to_endpoint(const tcp::endpoint& ep) {
  auto addr = ep.address();
  if (addr.is_v6() && addr.to_v6().is_v4_mapped())
    addr = asio::ip::make_address_v4(asio::ip::v4_mapped, addr.to_v6());
  return {addr.to_string(), ep.port()};
}

inline bool is_end_of_stream(const error_code& ec) {
  // A TLS peer that closes TCP without close_notify shows up as stream_truncated; for a line
  // protocol that is still an end of stream (the framing tells whether data is missing).
  return ec == asio::error::eof || ec == ssl::error::stream_truncated;
}

}  // namespace ph::clients::net::detail

namespace ph::clients::net {

// The implementation of net: its helpers read unqualified here and in the two .cpp files.
using namespace detail;

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

}  // namespace ph::clients::net
