#include "fakeservers/engine/session.hpp"

#include <stdexcept>

#include <fmt/format.h>
#include <openssl/ssl.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "fakeservers/engine/listen.hpp"

namespace ph::fakeservers {

using asio::use_awaitable;
using ph::direction;
using ph::event_kind;
constexpr auto no_throw = asio::as_tuple(use_awaitable);

write_faults write_faults::parse(const ph::scenario& scen, const json& j, const std::string& ptr) {
  write_faults f;
  if (j.is_null()) return f;
  if (!j.is_object()) scen.fail(ptr, "faults must be a table");
  for (const auto& [key, v] : j.items()) {
    std::string at = ptr + "/" + key;
    if (key == "drip") {
      if (!v.is_object()) scen.fail(at, "drip must be a table {bytes = N, delay_ms = M}");
      f.drip_bytes = v.value("bytes", 1);
      f.drip_delay = std::chrono::milliseconds(v.value("delay_ms", 0));
      if (f.drip_bytes == 0) scen.fail(at, "drip.bytes must be at least 1");
    } else if (key == "delay_ms") {
      if (!v.is_number_integer() || v.get<int>() < 0)
        scen.fail(at, "delay_ms must be a non-negative integer");
      f.delay = std::chrono::milliseconds(v.get<int>());
    } else if (key == "line_ending") {
      if (v != "lf" && v != "crlf") scen.fail(at, "line_ending must be \"lf\" or \"crlf\"");
      f.bare_lf = v == "lf";
    } else {
      scen.fail(at, fmt::format("unknown fault '{}' (drip, delay_ms, line_ending)", key));
    }
  }
  return f;
}

session::session(asio::ip::tcp::socket socket, asio::ssl::context& tls, const ph::scenario& scen,
                 connection_record& rec, std::chrono::milliseconds timeout, session_limits limits)
    : socket_(std::move(socket)),
      tls_ctx_(tls),
      deadline_(socket_.get_executor()),
      scen_(scen),
      record_(rec),
      recorder_(rec.transcript, limits.transcript),
      line_limit_(std::move(limits.line)),
      start_(std::chrono::steady_clock::now()) {
  auto& sock = socket_;
  sock.set_option(asio::ip::tcp::no_delay(true));
  // Urgent data stays in the stream: a client that sends a command with MSG_OOB (ftplib's
  // ABOR, RFC 959 §4.1.3) must be recorded as it sent it, not with its last byte dropped.
  sock.set_option(asio::socket_base::out_of_band_inline(true));
  // read_some() reads only after readiness; a spurious wakeup must not block the thread.
  sock.non_blocking(true);
  ph::channel_info ch;
  ch.label = "control";
  boost::system::error_code ec;
  auto remote = sock.remote_endpoint(ec);
  auto local = sock.local_endpoint(ec);
  ch.client_endpoint = endpoint_text(remote);
  ch.server_endpoint = endpoint_text(local);
  recorder_.add_channel(ch);
  record(event_kind::open, direction::client_to_server,
         ch.client_endpoint + " -> " + ch.server_endpoint);
  // The session bound: when it fires, the socket closes and every pending operation fails.
  deadline_.expires_after(timeout);
  deadline_.async_wait([this, alive = alive_, timeout](boost::system::error_code e) {
    if (e || !*alive || eof_) return;
    expired_ = true;
    note(fmt::format("session deadline ({} ms) reached; server closes the connection",
                     timeout.count()));
    on_deadline();
  });
}

session::~session() {
  *alive_ = false;
  deadline_.cancel();
  recorder_.finish();
}

void session::abort(std::string why) {
  if (eof_) return;
  expired_ = true;
  note(std::move(why));
  on_deadline();
}

void session::on_deadline() {
  boost::system::error_code ignored;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
  if (extra_) extra_->expire();
}

session::extra& session::attach(std::unique_ptr<extra> x) {
  if (extra_) throw std::logic_error("the session has its extra connections already");
  extra_ = std::move(x);
  return *extra_;
}

asio::ip::address session::local_address() const {
  boost::system::error_code ec;
  auto local = socket_.local_endpoint(ec);
  if (ec) return asio::ip::make_address_v4("127.0.0.1");
  return local.address();
}

int session::add_channel(ph::channel_info ch) {
  return recorder_.add_channel(std::move(ch));
}

void session::record_on(int channel, event_kind kind, direction dir, std::string bytes) {
  record(kind, dir, std::move(bytes), channel);
}

std::chrono::microseconds session::now() const {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() -
                                                               start_);
}

void session::record(event_kind kind, direction dir, std::string bytes, int channel) {
  recorder_.add({kind, dir, channel, now(), std::move(bytes)});
}

void session::note(std::string text) {
  record(event_kind::note, direction::server_to_client, std::move(text));
}

void session::problem(std::string text) {
  record_.problems.push_back(std::move(text));
}

std::size_t session::read_ready(boost::system::error_code& ec) {
  // The buffer lives on this (non-coroutine) stack only while bytes are copied out, never
  // in a coroutine frame across a wait: an idle connection holds no read buffer.
  char buf[16384];
  std::size_t n = socket_.read_some(asio::buffer(buf), ec);
  if (n > 0) {
    record(event_kind::data, direction::client_to_server, std::string(buf, n));
    inbuf_.append(buf, n);
  }
  return n;
}

awaitable<std::size_t> session::read_some() {
  if (eof_ || !socket_.is_open()) {
    eof_ = true;
    co_return 0;
  }
  boost::system::error_code ec;
  std::size_t n = 0;
  if (tls_) {
    // OpenSSL may hold decrypted bytes already, so readiness of the socket says nothing;
    // the buffer is heap-allocated per read instead of living in the coroutine frame.
    std::string buf(16384, '\0');
    auto [rec, rn] = co_await tls_->async_read_some(asio::buffer(buf), no_throw);
    ec = rec;
    n = rn;
    if (n > 0) {
      buf.resize(n);
      inbuf_ += buf;
      record(event_kind::data, direction::client_to_server, std::move(buf));
    }
  } else {
    do {
      auto [wec] = co_await socket_.async_wait(asio::socket_base::wait_read, no_throw);
      if (wec) {
        ec = wec;
        break;
      }
      n = read_ready(ec);
    } while (ec == asio::error::would_block || ec == asio::error::try_again);
  }
  if (ec) {
    eof_ = true;
    if (expired_) {
      open_ = false;
    } else if (ec == asio::error::eof || ec == asio::ssl::error::stream_truncated) {
      record(event_kind::close, direction::client_to_server, "client closed the connection");
    } else if (ec == asio::error::connection_reset) {
      record(event_kind::reset, direction::client_to_server, "client reset the connection");
    } else {
      record(event_kind::close, direction::client_to_server, "read failed: " + ec.message());
    }
  }
  co_return n;
}

awaitable<std::optional<std::string>> session::read_piece(std::size_t max) {
  while (true) {
    auto lf = inbuf_.find('\n');
    if (lf != std::string::npos && lf < max) {
      std::string line = inbuf_.substr(0, lf + 1);
      inbuf_.erase(0, lf + 1);
      co_return line;
    }
    if (inbuf_.size() >= max) {
      std::string piece = inbuf_.substr(0, max);
      inbuf_.erase(0, max);
      co_return piece;
    }
    std::size_t got = co_await read_some();
    if (got == 0 && eof_) {
      if (inbuf_.empty()) co_return std::nullopt;
      std::string rest = std::move(inbuf_);
      inbuf_.clear();
      co_return rest;
    }
  }
}

awaitable<std::optional<std::string>> session::read_line(std::string_view too_long_reply) {
  const std::size_t limit = line_limit_.octets;
  while (true) {
    if (discarding_) {
      // The rest of an over-long line: dropped as it arrives (the transcript has it).
      auto lf = inbuf_.find('\n');
      if (lf == std::string::npos) {
        inbuf_.clear();
      } else {
        inbuf_.erase(0, lf + 1);
        discarding_ = false;
        continue;
      }
    } else {
      auto lf = inbuf_.find('\n');
      if (lf != std::string::npos && (limit == 0 || lf < limit)) {
        std::string line = inbuf_.substr(0, lf + 1);
        inbuf_.erase(0, lf + 1);
        co_return line;
      }
      // Longer than the limit, terminator included: it ends past it or has not ended yet.
      if (limit != 0 && (lf != std::string::npos || inbuf_.size() >= limit)) {
        const std::string_view reply = too_long_reply.empty() ? line_limit_.reply : too_long_reply;
        note(fmt::format(
            "client line longer than the line limit ({} octets): server answers and {}", limit,
            line_limit_.close ? "closes the connection" : "drops the line through its end"));
        if (lf != std::string::npos) {
          inbuf_.erase(0, lf + 1);
        } else {
          inbuf_.clear();
          discarding_ = true;
        }
        co_await send_line(reply);
        if (line_limit_.close) {
          co_await close();
          co_return std::nullopt;
        }
        continue;
      }
    }
    std::size_t got = co_await read_some();
    if (got == 0 && eof_) {
      if (inbuf_.empty() || discarding_) co_return std::nullopt;
      std::string rest = std::move(inbuf_);
      inbuf_.clear();
      co_return rest;
    }
  }
}

awaitable<std::optional<std::string>> session::read_until(std::string_view terminator) {
  std::size_t searched = 0;
  while (true) {
    auto at = inbuf_.find(terminator, searched);
    if (at != std::string::npos) {
      std::string block = inbuf_.substr(0, at + terminator.size());
      inbuf_.erase(0, at + terminator.size());
      co_return block;
    }
    searched = inbuf_.size() >= terminator.size() ? inbuf_.size() - terminator.size() + 1 : 0;
    std::size_t got = co_await read_some();
    if (got == 0 && eof_) co_return std::nullopt;
  }
}

awaitable<std::optional<std::string>> session::read_dot_block() {
  std::string block;
  while (true) {
    auto line = co_await read_piece(max_piece);
    if (!line) co_return std::nullopt;
    // At a line start when the block is empty or its last line ended with CRLF (a piece cut
    // inside a long line, or after its CR, is no line end).
    const bool at_line_start = block.empty() || block.ends_with("\r\n");
    block += *line;
    if (at_line_start && *line == ".\r\n") co_return block;
  }
}

std::string unstuff_dot_block(std::string_view block) {
  std::string out;
  std::size_t pos = 0;
  while (pos < block.size()) {
    auto lf = block.find('\n', pos);
    std::size_t end = lf == std::string_view::npos ? block.size() : lf + 1;
    std::string_view line = block.substr(pos, end - pos);
    if (line == ".\r\n") break;
    if (line.starts_with('.')) line.remove_prefix(1);
    out.append(line);
    pos = end;
  }
  return out;
}

std::string dot_block(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 64 + 8);
  bool line_start = true;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (line_start && c == '.') out += '.';
    if (c == '\n' && (i == 0 || text[i - 1] != '\r')) out += '\r';
    out += c;
    line_start = c == '\n';
  }
  if (!out.empty() && !out.ends_with("\r\n")) out += "\r\n";
  out += ".\r\n";
  return out;
}

awaitable<void> session::send_dot_block(std::string_view text) {
  std::string block = dot_block(text);
  if (faults_.bare_lf) std::erase(block, '\r');  // the bare-LF fault covers data blocks too
  co_await send_raw(block);
}

awaitable<std::string> session::read_exact(std::size_t n) {
  while (inbuf_.size() < n) {
    std::size_t got = co_await read_some();
    if (got == 0 && eof_) break;
  }
  std::string out = inbuf_.substr(0, std::min(n, inbuf_.size()));
  inbuf_.erase(0, out.size());
  co_return out;
}

awaitable<void> session::write_all(std::string_view bytes) {
  if (!open_ || expired_) throw session_ended{"connection closed"};
  record(event_kind::data, direction::server_to_client, std::string(bytes));
  boost::system::error_code ec;
  std::size_t n = 0;
  if (tls_)
    std::tie(ec, n) = co_await asio::async_write(*tls_, asio::buffer(bytes), no_throw);
  else
    std::tie(ec, n) = co_await asio::async_write(socket_, asio::buffer(bytes), no_throw);
  if (ec) {
    open_ = false;
    record(event_kind::close, direction::client_to_server, "write failed: " + ec.message());
    throw session_ended{"write failed"};
  }
}

awaitable<void> session::sleep(std::chrono::milliseconds d) {
  if (d.count() <= 0) co_return;
  asio::steady_timer t(socket_.get_executor());
  t.expires_after(d);
  // A client that hangs up (FIN seen by a peek, plain TCP only) ends the wait early: nobody is
  // left to see the delay, and the scenario need not wait it out. Bytes the client sends
  // meanwhile (a pipelined request) leave the wait as it was.
  auto waiting = std::make_shared<bool>(true);
  if (!tls_ && !eof_)
    socket_.async_wait(
        asio::socket_base::wait_read, [this, waiting, &t](boost::system::error_code ec) {
          if (ec || !*waiting) return;
          char c;
          boost::system::error_code pec;
          if (socket_.receive(asio::buffer(&c, 1), asio::socket_base::message_peek, pec) == 0 &&
              pec == asio::error::eof)
            t.cancel();
        });
  co_await t.async_wait(no_throw);
  *waiting = false;
  if (!tls_ && !eof_) {
    boost::system::error_code ignored;
    socket_.cancel(ignored);  // the pending readiness wait, if the timer ran out first
  }
}

awaitable<void> session::send_raw(std::string_view bytes) {
  co_await sleep(faults_.delay);
  if (faults_.drip_bytes == 0) {
    co_await write_all(bytes);
    co_return;
  }
  for (std::size_t at = 0; at < bytes.size(); at += faults_.drip_bytes) {
    if (at > 0) co_await sleep(faults_.drip_delay);
    co_await write_all(bytes.substr(at, faults_.drip_bytes));
  }
}

awaitable<void> session::send_line(std::string_view text) {
  std::string line(text);
  line += faults_.bare_lf ? "\n" : "\r\n";
  co_await send_raw(line);
}

awaitable<void> session::send_lines(const std::vector<std::string>& lines) {
  // One write for the whole reply unless dripping, as a real server would.
  std::string all;
  for (const auto& l : lines)
    all += l + (faults_.bare_lf ? "\n" : "\r\n");
  co_await send_raw(all);
}

awaitable<void> session::start_tls(const std::string& certificate) {
  if (!inbuf_.empty()) {
    // Bytes the client pipelined behind the upgrade command: recorded already; a
    // conforming client sends nothing before the handshake (RFC 3207 §4).
    note(fmt::format("{} plaintext bytes were buffered before the TLS handshake; discarded",
                     inbuf_.size()));
    inbuf_.clear();
  }
  record(event_kind::tls_start, direction::server_to_client, "server awaits the TLS handshake");
  auto& sock = socket_;
  unsigned char first = 0;
  auto [pec, pn] = co_await sock.async_receive(asio::buffer(&first, 1),
                                               asio::socket_base::message_peek, no_throw);
  if (pec || pn == 0) {
    eof_ = true;
    record(event_kind::tls_failed, direction::client_to_server,
           "client closed before the TLS handshake");
    throw session_ended{"client closed before TLS"};
  }
  if (first != 0x16) {
    char buf[4096];
    auto [ec, n] = co_await sock.async_read_some(asio::buffer(buf), no_throw);
    record(event_kind::data, direction::client_to_server, std::string(buf, n));
    record(event_kind::tls_failed, direction::client_to_server,
           fmt::format("client sent plaintext (first byte 0x{:02x}) instead of a TLS ClientHello",
                       first));
    throw session_ended{"plaintext instead of TLS"};
  }
  auto tls = std::make_unique<asio::ssl::stream<asio::ip::tcp::socket&>>(socket_, tls_ctx_);
  if (certificate != "server")
    SSL_set_SSL_CTX(tls->native_handle(), tls_context(certificate).native_handle());
  auto [hec] = co_await tls->async_handshake(asio::ssl::stream_base::server, no_throw);
  if (hec) {
    record(event_kind::tls_failed, direction::client_to_server,
           "TLS handshake failed: " + hec.message());
    throw session_ended{"TLS handshake failed"};
  }
  tls_ = std::move(tls);
  SSL* ssl = tls_->native_handle();
  record(event_kind::tls_ready, direction::server_to_client,
         fmt::format("{} {}", SSL_get_version(ssl), SSL_get_cipher_name(ssl)));
}

awaitable<void> session::close() {
  if (!open_) co_return;
  record(event_kind::close, direction::server_to_client, "server closed the connection");
  open_ = false;
  boost::system::error_code ignored;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
  co_await wait_for_client_close();
}

void session::reset() {
  if (!open_) return;
  record(event_kind::reset, direction::server_to_client, "server reset the connection");
  open_ = false;
  boost::system::error_code ignored;
  socket_.set_option(asio::socket_base::linger(true, 0), ignored);
  socket_.close(ignored);
}

awaitable<void> session::stall() {
  note("stall: the server stops answering");
  co_await wait_for_client_close();
}

awaitable<void> session::wait_for_client_close() {
  // Drains (and records) whatever the client still sends until it closes or the
  // session deadline fires; the bytes go to the transcript for the rules to judge, and are
  // not kept here.
  while (!eof_) {
    inbuf_.clear();
    co_await read_some();
  }
  inbuf_.clear();
  discarding_ = false;
  open_ = false;
  deadline_.cancel();
}

}  // namespace ph::fakeservers
