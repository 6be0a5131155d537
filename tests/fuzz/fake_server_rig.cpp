#include "tests/fuzz/fake_server_rig.hpp"

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "fakeservers/engine/server_config.hpp"
#include "fakeservers/engine/session.hpp"
#include "harness/protocols.hpp"
#include "tests/fuzz/fuzz_support.hpp"
#include "vocabulary/scenario.hpp"

namespace ph::fuzz {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using namespace std::chrono_literals;
constexpr auto no_throw = asio::as_tuple(asio::use_awaitable);

struct served {
  ph::scenario scen;
  fakeservers::server_config cfg;
};

served load(std::string_view toml) {
  served s;
  s.scen = ph::parse_scenario(std::string(toml), "fuzz.toml", "");
  s.cfg = fakeservers::compile_server(*harness::find_protocol(s.scen.protocol)->dialect, s.scen);
  return s;
}

asio::awaitable<void> serve(tcp::socket sock, const served& sv,
                            fakeservers::connection_record& rec) {
  // The deadline bounds an input that leaves the server waiting (a data connection the rig
  // could not make): slow, not a hang.
  fakeservers::session s(std::move(sock), fakeservers::tls_context("server"), sv.scen, rec, 2s);
  try {
    if (sv.cfg.model)
      co_await sv.cfg.model->serve(s, sv.cfg.overrides);
    else
      co_await fakeservers::run_script(s, *sv.cfg.d, sv.cfg.steps);
    if (s.open()) co_await s.wait_for_client_close();
  } catch (const fakeservers::session_ended&) {
  } catch (const std::exception& e) {
    rec.errors.push_back(std::string("fake server failed: ") + e.what());
  }
}

// A passive data connection: takes whatever the server sends, sends nothing (an empty
// upload), then closes.
asio::awaitable<void> data_client(std::uint16_t port) {
  tcp::socket sock(co_await asio::this_coro::executor);
  const tcp::endpoint server(asio::ip::make_address("127.0.0.1"), port);
  auto [ec] = co_await sock.async_connect(server, no_throw);
  if (ec) co_return;
  boost::system::error_code ignored;
  sock.shutdown(tcp::socket::shutdown_send, ignored);
  char buf[16384];
  while (true) {
    auto [rec, n] = co_await sock.async_read_some(asio::buffer(buf), no_throw);
    if (rec) break;
  }
}

// The port of a "227 ... (h1,h2,h3,h4,p1,p2)" or "229 ... (|||port|)" reply line.
std::optional<std::uint16_t> passive_port(const std::string& line) {
  unsigned h[4], p1 = 0, p2 = 0, port = 0;
  if (line.starts_with("227 ")) {
    const auto open = line.find('(');
    if (open != std::string::npos &&
        std::sscanf(line.c_str() + open, "(%u,%u,%u,%u,%u,%u)", &h[0], &h[1], &h[2], &h[3], &p1,
                    &p2) == 6 &&
        p1 < 256 && p2 < 256)
      return static_cast<std::uint16_t>(p1 * 256 + p2);
  } else if (line.starts_with("229 ")) {
    const auto open = line.find("(|||");
    if (open != std::string::npos && std::sscanf(line.c_str() + open + 4, "%u|", &port) == 1 &&
        port > 0 && port < 65536)
      return static_cast<std::uint16_t>(port);
  }
  return std::nullopt;
}

asio::awaitable<void> client_reader(tcp::socket& sock) {
  std::string pending;
  char buf[16384];
  while (true) {
    auto [ec, n] = co_await sock.async_read_some(asio::buffer(buf), no_throw);
    if (ec) break;
    pending.append(buf, n);
    for (auto lf = pending.find('\n'); lf != std::string::npos; lf = pending.find('\n')) {
      if (auto port = passive_port(pending.substr(0, lf)))
        asio::co_spawn(co_await asio::this_coro::executor, data_client(*port), asio::detached);
      pending.erase(0, lf + 1);
    }
    if (pending.size() > 4096) pending.clear();
  }
  boost::system::error_code ignored;
  sock.close(ignored);
}

asio::awaitable<void> client_writer(tcp::socket& sock, std::string_view bytes, std::size_t piece) {
  for (std::size_t at = 0; at < bytes.size(); at += piece) {
    auto [ec, n] =
        co_await asio::async_write(sock, asio::buffer(bytes.substr(at, piece)), no_throw);
    if (ec) co_return;
  }
  boost::system::error_code ignored;
  sock.shutdown(tcp::socket::shutdown_send, ignored);
}

struct rig {
  asio::io_context io{1};
  tcp::acceptor acceptor{io, {asio::ip::make_address("127.0.0.1"), 0}};
};

}  // namespace

int run_fake_server(const fake_server_scenarios& scenarios, const std::uint8_t* data,
                    std::size_t size) {
  if (size < 1) return 0;
  static rig r;
  static const served model = load(scenarios.model_toml);
  static const std::optional<served> script =
      scenarios.script_toml.empty() ? std::nullopt : std::optional(load(scenarios.script_toml));
  const served& sv = (data[0] & 0x80) && script ? *script : model;
  const std::size_t piece = (data[0] & 0x7f) == 0 ? size : (data[0] & 0x7f);
  const std::string_view bytes(reinterpret_cast<const char*>(data + 1), size - 1);

  // A signal (libFuzzer's timers) can interrupt a blocking connect or accept: try again, on a
  // fresh socket for connect; a half-made connection that still arrives is skipped below.
  tcp::socket client(r.io);
  boost::system::error_code ec;
  for (int attempt = 0; attempt < 100; ++attempt) {
    client.close(ec);
    client.connect(r.acceptor.local_endpoint(), ec);
    if (ec != asio::error::interrupted) break;
  }
  check(!ec, "the rig's client cannot connect to its own listener");
  tcp::socket server(r.io);
  // An active-mode data connection of an earlier input (PORT naming this port) may be queued
  // first: skip to the rig's own client.
  while (true) {
    r.acceptor.accept(server, ec);
    if (ec == asio::error::interrupted) continue;
    check(!ec, "the rig's listener cannot accept");
    if (server.remote_endpoint(ec) == client.local_endpoint()) break;
    server.close();
  }
  fakeservers::connection_record rec;
  asio::co_spawn(r.io, serve(std::move(server), sv, rec), asio::detached);
  asio::co_spawn(r.io, client_reader(client), asio::detached);
  asio::co_spawn(r.io, client_writer(client, bytes, piece), asio::detached);
  r.io.run();
  r.io.restart();
  for (const auto& e : rec.errors)
    std::fprintf(stderr, "fake server error: %s\n", e.c_str());
  if (!rec.errors.empty()) std::abort();
  return 0;
}

}  // namespace ph::fuzz
