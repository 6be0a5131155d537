#include "fakeservers/fake_server.hpp"

#include <condition_variable>
#include <list>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include <fmt/format.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "fakeservers/engine/dialect.hpp"
#include "fakeservers/engine/listen.hpp"
#include "fakeservers/engine/script.hpp"
#include "fakeservers/engine/server_config.hpp"
#include "fakeservers/engine/session.hpp"

namespace ph::fakeservers {

using asio::ip::tcp;

namespace {

// A [server] limit: an integer number of octets within [lo, hi].
std::optional<std::size_t> octets(const ph::scenario& scen, const std::string& key, std::size_t lo,
                                  std::size_t hi) {
  if (!scen.server.contains(key)) return std::nullopt;
  const json& v = scen.server[key];
  if (!v.is_number_integer() || v.get<std::int64_t>() < static_cast<std::int64_t>(lo) ||
      v.get<std::int64_t>() > static_cast<std::int64_t>(hi))
    scen.fail("/server/" + key,
              fmt::format("{} must be an integer from {} to {} (octets)", key, lo, hi));
  return v.get<std::size_t>();
}

// The same ranges for a serve option (server_options), which names no file.
void check_range(const char* what, std::size_t v, std::size_t lo, std::size_t hi) {
  if (v < lo || v > hi)
    throw ph::scenario_error(
        fmt::format("{} must be an integer from {} to {} (octets), not {}", what, lo, hi, v));
}

}  // namespace

server_config compile_server(const dialect& given, const ph::scenario& scen) {
  server_config cfg;
  const dialect* d = cfg.d = &given;
  static const std::set<std::string> known = {"mode",        "step",       "override",
                                              "model",       "faults",     "tls",
                                              "certificate", "line_limit", "transcript_limit"};
  for (const auto& [key, _] : scen.server.items())
    if (!known.contains(key))
      scen.fail("/server/" + key,
                fmt::format("unknown [server] key '{}' (mode, step, override, model, faults, "
                            "tls, certificate, line_limit, transcript_limit)",
                            key));
  const std::string mode = scen.server["mode"];
  if (mode == "script") {
    cfg.steps = parse_script(scen, *d);
    if (scen.server.contains("model"))
      scen.fail("/server/model", "[server.model] needs mode = \"model\"");
    if (scen.server.contains("override"))
      scen.fail("/server/override", "overrides need mode = \"model\"");
  } else {
    if (scen.server.contains("step"))
      scen.fail("/server/step", "[[server.step]] needs mode = \"script\"");
    cfg.overrides = parse_overrides(scen);
  }
  cfg.faults = write_faults::parse(scen, scen.server.value("faults", json()), "/server/faults");
  std::string cert = scen.server.value("certificate", "server");
  if (cert != "server" && cert != "wrong-name")
    scen.fail("/server/certificate", "certificate must be \"server\" or \"wrong-name\"");
  if (scen.server.contains("tls")) {
    if (scen.server["tls"] == "implicit")
      cfg.implicit_tls = cert;
    else if (scen.server["tls"] != "none")
      scen.fail("/server/tls", "tls must be \"implicit\" or \"none\"");
  }
  cfg.limits.line = d->command_line_limit();
  if (auto n = octets(scen, "line_limit", min_line_limit, max_line_limit))
    cfg.limits.line.octets = *n;
  if (auto n = octets(scen, "transcript_limit", min_transcript_limit, max_transcript_limit))
    cfg.limits.transcript = *n;
  cfg.model = d->compile(scen);
  return cfg;
}

void validate_server(const dialect& d, const ph::scenario& scen) {
  compile_server(d, scen);
}

struct fake_server::impl {
  ph::scenario scen;
  server_options opts;
  server_config cfg;
  asio::io_context io{1};
  tcp::acceptor acceptor{io};
  std::thread thread;

  std::mutex mutex;
  std::condition_variable changed;
  int accepted = 0;
  int finished = 0;
  std::list<connection_record> records;  // stable addresses while sessions write to them
  std::set<session*> live;
  std::function<void(connection_record)> callback;
  bool stopped = false;

  asio::awaitable<void> accept_loop() {
    while (true) {
      auto [ec, sock] = co_await acceptor.async_accept(asio::as_tuple(asio::use_awaitable));
      if (ec) co_return;  // acceptor closed by stop()
      std::list<connection_record>::iterator rec;
      {
        std::lock_guard lock(mutex);
        rec = records.emplace(records.end());
        rec->transcript.connection = ++accepted;
      }
      asio::co_spawn(io, serve(std::move(sock), rec), asio::detached);
    }
  }

  asio::awaitable<void> serve(tcp::socket sock, std::list<connection_record>::iterator it) {
    connection_record& rec = *it;
    {
      session s(std::move(sock), tls_context("server"), scen, rec, opts.session_timeout,
                cfg.limits);
      live.insert(&s);
      s.faults() = cfg.faults;
      try {
        if (cfg.implicit_tls) co_await s.start_tls(*cfg.implicit_tls);
        if (scen.server["mode"] == "script")
          co_await run_script(s, *cfg.d, cfg.steps);
        else
          co_await cfg.model->serve(s, cfg.overrides);
        if (s.open()) co_await s.wait_for_client_close();
      } catch (const session_ended&) {
      } catch (const std::exception& e) {
        rec.errors.push_back(fmt::format("fake server failed: {}", e.what()));
      }
      live.erase(&s);
    }
    std::function<void(connection_record)> done;
    std::optional<connection_record> handed;
    {
      std::lock_guard lock(mutex);
      done = callback;
      if (!opts.keep_records) {
        handed.emplace(std::move(rec));
        records.erase(it);
      }
    }
    if (done) done(handed ? std::move(*handed) : rec);
    handed.reset();
    std::lock_guard lock(mutex);
    ++finished;
    changed.notify_all();
  }
};

fake_server::fake_server(const dialect& d, const ph::scenario& scen, server_options opts)
    : impl_(std::make_unique<impl>()) {
  impl_->scen = scen;
  impl_->opts = std::move(opts);
  impl_->cfg = compile_server(d, impl_->scen);
  auto& limits = impl_->cfg.limits;
  if (auto n = impl_->opts.line_limit) {
    check_range("the line limit", *n, min_line_limit, max_line_limit);
    limits.line.octets = *n;
  }
  if (auto n = impl_->opts.transcript_limit) {
    check_range("the transcript limit", *n, min_transcript_limit, max_transcript_limit);
    limits.transcript = *n;
  }
}

fake_server::~fake_server() {
  stop();
}

std::uint16_t fake_server::start() {
  auto& m = *impl_;
  open_listening(m.acceptor, m.opts.bind, m.opts.port);
  asio::co_spawn(m.io, m.accept_loop(), asio::detached);
  m.thread = std::thread([&m] { m.io.run(); });
  return port();
}

std::uint16_t fake_server::port() const {
  return impl_->acceptor.local_endpoint().port();
}

void fake_server::on_connection_done(std::function<void(connection_record)> callback) {
  std::lock_guard lock(impl_->mutex);
  impl_->callback = std::move(callback);
}

bool fake_server::wait_idle(int min_connections, std::chrono::milliseconds deadline) {
  std::unique_lock lock(impl_->mutex);
  return impl_->changed.wait_for(lock, deadline, [&] {
    return impl_->accepted >= min_connections && impl_->finished == impl_->accepted;
  });
}

void fake_server::stop() {
  auto& m = *impl_;
  if (m.stopped) return;
  m.stopped = true;
  if (m.thread.joinable()) {
    asio::post(m.io, [&m] {
      boost::system::error_code ignored;
      m.acceptor.close(ignored);
      for (session* s : m.live)
        s->abort("the harness stopped the server while the connection was open");
    });
    m.thread.join();
  }
}

std::vector<connection_record> fake_server::connections() const {
  std::lock_guard lock(impl_->mutex);
  return {impl_->records.begin(), impl_->records.end()};
}

}  // namespace ph::fakeservers
