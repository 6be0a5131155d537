#pragma once

// A tiny scripted server for loopback tests of the clients: it accepts one connection on
// 127.0.0.1:0 and runs a script (write these bytes, read a line, check it) on its own thread with
// plain blocking Asio calls. It records every byte the client wrote. It deliberately shares no code
// with the client library.

#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>

namespace ph::tests {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

/// A self-signed certificate and its key, PEM-encoded, for one DNS name.
struct test_certificate {
  std::string cert_pem;
  std::string key_pem;
};

inline test_certificate make_self_signed(const std::string& dns_name) {
  auto fail = [](const char* what) { throw std::runtime_error(std::string("cert: ") + what); };
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_EC_gen("P-256"), EVP_PKEY_free);
  if (!key) fail("EVP_EC_gen");
  std::unique_ptr<X509, decltype(&X509_free)> cert(X509_new(), X509_free);
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24 * 3600);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(dns_name.c_str()), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert.get(), cert.get(), nullptr, nullptr, 0);
  const std::string san = "DNS:" + dns_name;
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, NID_subject_alt_name, san.c_str());
  if (ext == nullptr) fail("subjectAltName");
  X509_add_ext(cert.get(), ext, -1);
  X509_EXTENSION_free(ext);
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) fail("X509_sign");
  auto to_pem = [](auto write) {
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
    write(bio.get());
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(size));
  };
  test_certificate out;
  out.cert_pem = to_pem([&](BIO* b) { PEM_write_bio_X509(b, cert.get()); });
  out.key_pem = to_pem([&](BIO* b) {
    PEM_write_bio_PrivateKey(b, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  });
  return out;
}

/// One accepted connection, as seen by a script.
class peer_connection {
 public:
  explicit peer_connection(tcp::socket& socket) : socket_(socket) {}

  /// Writes bytes exactly as given.
  void send(std::string_view bytes) {
    if (tls_)
      asio::write(*tls_, asio::buffer(bytes));
    else
      asio::write(socket_, asio::buffer(bytes));
  }
  /// Writes one octet at a time, pausing so that each goes in its own TCP segment.
  void drip(std::string_view bytes) {
    for (char c : bytes) {
      send(std::string_view(&c, 1));
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
  /// The next line the client wrote, without its CRLF. Throws at end of stream.
  std::string line() {
    for (;;) {
      const auto end = pending_.find("\r\n");
      if (end != std::string::npos) {
        std::string out = pending_.substr(0, end);
        pending_.erase(0, end + 2);
        return out;
      }
      if (!fill()) throw std::runtime_error("peer: client closed before sending a full line");
    }
  }
  /// Reads a line and records a failure if it is not `want`.
  void expect(std::string_view want) {
    const std::string got = line();
    if (got != want)
      throw std::runtime_error("peer: expected \"" + std::string(want) + "\", got \"" + got + "\"");
  }
  /// Reads the client's data block up to and including the "\r\n.\r\n" terminator; returns it.
  std::string data_block() {
    std::string block;
    for (;;) {
      std::string l = line();
      block += l + "\r\n";
      if (l == ".") return block;
    }
  }
  /// Reads until the client closes; returns what arrived meanwhile.
  std::string until_close() {
    while (fill()) {
    }
    return std::exchange(pending_, {});
  }
  /// Server-side TLS handshake on the connection (after e.g. "220 go ahead").
  void start_tls(const test_certificate& cert) {
    ctx_ = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
    ctx_->use_certificate_chain(asio::buffer(cert.cert_pem));
    ctx_->use_private_key(asio::buffer(cert.key_pem), asio::ssl::context::pem);
    tls_ = std::make_unique<asio::ssl::stream<tcp::socket&>>(socket_, *ctx_);
    pending_.clear();
    tls_->handshake(asio::ssl::stream_base::server);
  }
  void close() {
    boost::system::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
  }

  /// Every byte the client wrote (after TLS: decrypted).
  std::string received;

 private:
  bool fill() {
    char buf[4096];
    boost::system::error_code ec;
    const std::size_t n =
        tls_ ? tls_->read_some(asio::buffer(buf), ec) : socket_.read_some(asio::buffer(buf), ec);
    received.append(buf, n);
    pending_.append(buf, n);
    return !ec || n > 0;
  }

  tcp::socket& socket_;
  std::unique_ptr<asio::ssl::context> ctx_;
  std::unique_ptr<asio::ssl::stream<tcp::socket&>> tls_;
  std::string pending_;
};

/// Runs `script` against the first connection to port(). join() (also run by the destructor)
/// waits for the script; a script still running after 5 s is woken by shutting its sockets down,
/// so a misbehaving client fails the test instead of hanging it.
class scripted_peer {
 public:
  explicit scripted_peer(std::function<void(peer_connection&)> script)
      : acceptor_(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
    port_ = acceptor_.local_endpoint().port();
    thread_ = std::thread([this, script = std::move(script)] {
      try {
        tcp::socket socket(io_);
        acceptor_.accept(socket);
        socket_fd_ = socket.native_handle();
        socket.set_option(tcp::no_delay(true));
        peer_connection conn(socket);
        try {
          script(conn);
        } catch (const std::exception& e) {
          error_ = e.what();
        }
        received_ = conn.received;
        socket_fd_ = -1;
      } catch (const std::exception& e) {
        error_ = std::string("peer: ") + e.what();
      }
      done_.set_value();
    });
  }
  ~scripted_peer() { join(); }
  scripted_peer(const scripted_peer&) = delete;
  scripted_peer& operator=(const scripted_peer&) = delete;

  std::uint16_t port() const { return port_; }

  /// Waits for the script to end. Afterwards error() and received() are valid.
  void join() {
    if (!thread_.joinable()) return;
    if (done_.get_future().wait_for(std::chrono::seconds(5)) != std::future_status::ready) {
      if (const int fd = socket_fd_.load(); fd >= 0) ::shutdown(fd, SHUT_RDWR);
      ::shutdown(acceptor_.native_handle(), SHUT_RDWR);
      timed_out_ = true;
    }
    thread_.join();
    if (timed_out_ && error_.empty()) error_ = "peer: script did not finish within 5 s";
  }
  /// Empty when the script ran to its end.
  const std::string& error() const { return error_; }
  /// Every byte the client wrote.
  const std::string& received() const { return received_; }

 private:
  asio::io_context io_;
  tcp::acceptor acceptor_;
  std::uint16_t port_ = 0;
  std::thread thread_;
  std::promise<void> done_;
  std::atomic<int> socket_fd_{-1};
  bool timed_out_ = false;
  std::string error_;
  std::string received_;
};

}  // namespace ph::tests
