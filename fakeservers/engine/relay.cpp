#include "fakeservers/relay.hpp"

#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "fakeservers/engine/listen.hpp"

namespace ph::fakeservers {

namespace asio = boost::asio;
using asio::ip::tcp;
using ph::direction;
using ph::event_kind;

namespace {

using relay_clock = std::chrono::steady_clock;

// One relayed connection: both sockets and its record, shared by the two pumps (one per
// direction); the last pump to end hands the record over.
struct link {
  link(tcp::socket c, std::size_t limit)
      : client(std::move(c)),
        upstream(client.get_executor()),
        deadline(client.get_executor()),
        recorder(rec.transcript, limit) {}

  void record(event_kind kind, direction dir, std::string bytes) {
    const auto at =
        std::chrono::duration_cast<std::chrono::microseconds>(relay_clock::now() - started);
    recorder.add({kind, dir, 0, at, std::move(bytes)});
  }

  void close_both() {
    boost::system::error_code ignored;
    client.close(ignored);
    upstream.close(ignored);
  }

  tcp::socket client, upstream;
  asio::steady_timer deadline;
  connection_record rec;
  ph::transcript_recorder recorder;  // writes rec.transcript: declared after it
  relay_clock::time_point started = relay_clock::now();
  int pumps = 2;
};

}  // namespace

struct relay::impl {
  relay_options opts;
  asio::io_context io{1};
  tcp::acceptor acceptor{io};
  std::thread thread;
  std::mutex mutex;  // guards callback
  std::function<void(connection_record)> callback;
  std::set<std::shared_ptr<link>> live;  // io thread only
  int accepted = 0;
  bool stopped = false;

  asio::awaitable<void> accept_loop() {
    while (true) {
      auto [ec, sock] = co_await acceptor.async_accept(asio::as_tuple(asio::use_awaitable));
      if (ec) co_return;  // acceptor closed by stop()
      auto l = std::make_shared<link>(std::move(sock), opts.transcript_limit);
      l->rec.transcript.connection = ++accepted;
      live.insert(l);
      asio::co_spawn(io, open(l), asio::detached);
    }
  }

  // Records the channel, reaches the upstream within the connect bound, then starts the pumps.
  asio::awaitable<void> open(std::shared_ptr<link> l) {
    boost::system::error_code ec;
    l->client.set_option(tcp::no_delay(true), ec);
    // Urgent data (ftplib's ABOR, RFC 959 §4.1.3) is relayed and recorded in the stream.
    l->client.set_option(asio::socket_base::out_of_band_inline(true), ec);
    ph::channel_info ch;
    ch.label = "control";
    ch.client_endpoint = endpoint_text(l->client.remote_endpoint(ec));
    ch.server_endpoint = fmt::format("{}:{}", opts.upstream_host, opts.upstream_port);
    l->recorder.add_channel(ch);
    l->record(event_kind::open, direction::client_to_server,
              ch.client_endpoint + " -> " + ch.server_endpoint);

    tcp::resolver resolver(io);
    asio::steady_timer bound(io);
    bool expired = false;
    bound.expires_after(opts.connect_timeout);
    bound.async_wait([&expired, &resolver, l](boost::system::error_code e) {
      if (e) return;  // cancelled: connected (or failed) in time
      expired = true;
      resolver.cancel();
      boost::system::error_code ignored;
      l->upstream.close(ignored);
    });
    auto [resolve_ec, found] =
        co_await resolver.async_resolve(opts.upstream_host, std::to_string(opts.upstream_port),
                                        asio::as_tuple(asio::use_awaitable));
    boost::system::error_code failed = resolve_ec;
    if (!failed) {
      auto [connect_ec, endpoint] =
          co_await asio::async_connect(l->upstream, found, asio::as_tuple(asio::use_awaitable));
      failed = connect_ec;
    }
    bound.cancel();
    if (failed || expired) {
      const std::string why =
          expired ? fmt::format("not reached within {} ms", opts.connect_timeout.count())
                  : failed.message();
      l->rec.errors.push_back(fmt::format("upstream {}: {}", ch.server_endpoint, why));
      l->record(event_kind::note, direction::server_to_client,
                fmt::format("the relay could not reach the upstream ({}); it closes the connection",
                            why));
      l->record(event_kind::close, direction::server_to_client, "relay closed the connection");
      l->pumps = 0;
      finish(l);
      co_return;
    }
    l->upstream.set_option(tcp::no_delay(true), ec);
    l->deadline.expires_after(opts.session_timeout);
    l->deadline.async_wait([l, timeout = opts.session_timeout](boost::system::error_code e) {
      if (e || l->pumps == 0) return;
      l->record(event_kind::note, direction::server_to_client,
                fmt::format("the relay's deadline ({} ms) passed; it closes both sides",
                            timeout.count()));
      l->close_both();
    });
    asio::co_spawn(io, pump(l, direction::client_to_server), asio::detached);
    asio::co_spawn(io, pump(l, direction::server_to_client), asio::detached);
  }

  // Copies one direction until its reader sees the end, recording every read as it came.
  // A FIN is passed on as a FIN (half-close), a reset as a close of both sides.
  asio::awaitable<void> pump(std::shared_ptr<link> l, direction dir) {
    const bool from_client = dir == direction::client_to_server;
    tcp::socket& from = from_client ? l->client : l->upstream;
    tcp::socket& to = from_client ? l->upstream : l->client;
    const char* who = from_client ? "client" : "upstream";
    std::vector<char> buf(64 * 1024);
    while (true) {
      auto [ec, n] =
          co_await from.async_read_some(asio::buffer(buf), asio::as_tuple(asio::use_awaitable));
      if (n > 0) {
        l->record(event_kind::data, dir, std::string(buf.data(), n));
        auto [write_ec, written] = co_await asio::async_write(to, asio::buffer(buf.data(), n),
                                                              asio::as_tuple(asio::use_awaitable));
        if (write_ec) {
          if (write_ec != asio::error::operation_aborted && write_ec != asio::error::bad_descriptor)
            l->record(event_kind::note, dir,
                      fmt::format("the relay could not pass the {}'s bytes on: {}", who,
                                  write_ec.message()));
          l->close_both();
          break;
        }
      }
      if (!ec) continue;
      if (ec == asio::error::eof) {
        l->record(event_kind::close, dir, fmt::format("{} closed the connection", who));
        boost::system::error_code ignored;
        to.shutdown(tcp::socket::shutdown_send, ignored);
      } else if (ec == asio::error::connection_reset) {
        l->record(event_kind::reset, dir, fmt::format("{} reset the connection", who));
        l->close_both();
      } else if (ec != asio::error::operation_aborted && ec != asio::error::bad_descriptor) {
        l->record(event_kind::close, dir, fmt::format("{}: read failed: {}", who, ec.message()));
        l->close_both();
      }
      break;
    }
    if (--l->pumps == 0) finish(l);
  }

  void finish(const std::shared_ptr<link>& l) {
    l->deadline.cancel();
    l->close_both();
    l->recorder.finish();
    std::function<void(connection_record)> done;
    {
      std::lock_guard lock(mutex);
      done = callback;
    }
    if (done) done(std::move(l->rec));
    live.erase(l);
  }
};

relay::relay(relay_options opts) : impl_(std::make_unique<impl>()) {
  impl_->opts = std::move(opts);
}

relay::~relay() {
  stop();
}

std::uint16_t relay::start() {
  auto& m = *impl_;
  open_listening(m.acceptor, m.opts.bind, m.opts.port);
  asio::co_spawn(m.io, m.accept_loop(), asio::detached);
  m.thread = std::thread([&m] { m.io.run(); });
  return m.acceptor.local_endpoint().port();
}

void relay::on_connection_done(std::function<void(connection_record)> callback) {
  std::lock_guard lock(impl_->mutex);
  impl_->callback = std::move(callback);
}

void relay::stop() {
  auto& m = *impl_;
  if (m.stopped) return;
  m.stopped = true;
  if (!m.thread.joinable()) return;
  asio::post(m.io, [&m] {
    boost::system::error_code ignored;
    m.acceptor.close(ignored);
    for (const auto& l : m.live) {
      l->record(event_kind::note, direction::server_to_client,
                "the harness stopped the relay while the connection was open");
      l->close_both();
    }
  });
  m.thread.join();
}

}  // namespace ph::fakeservers
