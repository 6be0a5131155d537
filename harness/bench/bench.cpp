#include "harness/bench/bench.hpp"

#include <netdb.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <atomic>
#include <charconv>
#include <mutex>
#include <stdexcept>
#include <thread>

#include <fmt/format.h>

#include "fakeservers/fake_server.hpp"
#include "harness/bench/workloads.hpp"
#include "harness/driver.hpp"
#include "harness/protocols.hpp"

namespace ph::harness::bench {

namespace {

using clock = std::chrono::steady_clock;

// The registry row of a protocol that has bench workloads.
const protocol_row& row_for(std::string_view protocol) {
  const protocol_row* row = find_protocol(protocol);
  if (row && row->workloads) return *row;
  std::vector<std::string_view> known;
  for (const auto& r : protocol_table())
    if (r.workloads) known.push_back(r.name);
  throw std::invalid_argument(
      fmt::format("bench: no workload for '{}' (known: {})", protocol, fmt::join(known, ", ")));
}

// The dialect of the fake server `bench --fake` starts for `protocol`.
const fakeservers::dialect& fake_dialect(std::string_view protocol) {
  const protocol_row* row = find_protocol(protocol);
  if (!row)
    throw std::invalid_argument(
        fmt::format("bench: no fake server speaks '{}' (known: {})", protocol, protocol_names()));
  return *row->dialect;
}

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

std::string ms(std::chrono::nanoseconds d) {
  return fmt::format("{:.3f}", static_cast<double>(d.count()) / 1e6);
}

// Per-thread results, merged at the end (no locking on the hot path).
struct worker_result {
  histogram latency;
  std::uint64_t ops = 0;
  std::uint64_t bytes = 0;
  double cpu = 0;
  std::chrono::steady_clock::time_point finished;  // end of the last measured operation
  std::map<std::string, std::uint64_t> errors;
};

// --- --op idle ------------------------------------------------------------------------------

// Protocols whose server speaks first: the idle client waits for that greeting.
bool server_greets(std::string_view scheme) {
  const protocol_row* row = find_protocol(scheme);
  return row && row->server_greets;
}

// An idle connection that could not be opened, by kind ("refused", "timeout", ...).
struct idle_error {
  std::string kind;
};

std::string errno_kind(int err) {
  switch (err) {
    case ECONNREFUSED:
      return "refused";
    case ECONNRESET:
      return "reset";
    case ETIMEDOUT:
      return "timeout";
    case EADDRNOTAVAIL:
      return "no local port left";
    case EMFILE:
    case ENFILE:
      return "too many open files";
    default:
      return std::strerror(err);
  }
}

// Waits for `events` on fd until `deadline`; false when it passed.
bool wait_fd(int fd, short events, clock::time_point deadline) {
  while (true) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now()).count();
    if (left <= 0) return false;
    pollfd p{fd, events, 0};
    const int rc = ::poll(&p, 1, static_cast<int>(left));
    if (rc > 0) return true;
    if (rc < 0 && errno != EINTR) return false;
  }
}

// Connects and, where the protocol has one, reads the greeting's first line. Returns the
// socket; throws idle_error.
int open_idle(const sockaddr_storage& addr, socklen_t len, bool greets,
              std::chrono::milliseconds timeout, std::uint64_t& bytes) {
  const auto deadline = clock::now() + timeout;
  const int fd = ::socket(addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) throw idle_error{errno_kind(errno)};
  auto fail = [fd](std::string kind) {
    ::close(fd);
    throw idle_error{std::move(kind)};
  };
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), len) != 0) {
    if (errno != EINPROGRESS) fail(errno_kind(errno));
    if (!wait_fd(fd, POLLOUT, deadline)) fail("timeout");
    int err = 0;
    socklen_t elen = sizeof err;
    ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen);
    if (err != 0) fail(errno_kind(err));
  }
  if (!greets) return fd;
  char buf[1024];
  while (true) {
    if (!wait_fd(fd, POLLIN, deadline)) fail("timeout");
    const ssize_t got = ::recv(fd, buf, sizeof buf, 0);
    if (got == 0) fail("closed");
    if (got < 0) {
      if (errno == EAGAIN || errno == EINTR) continue;
      fail(errno_kind(errno));
    }
    bytes += static_cast<std::uint64_t>(got);
    if (std::memchr(buf, '\n', static_cast<std::size_t>(got))) return fd;
  }
}

sockaddr_storage resolve(const target& where, socklen_t& len) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const std::string port = std::to_string(where.port);
  if (int rc = ::getaddrinfo(where.host.c_str(), port.c_str(), &hints, &found); rc != 0)
    throw std::invalid_argument(
        fmt::format("bench: cannot resolve '{}': {}", where.host, ::gai_strerror(rc)));
  sockaddr_storage addr{};
  std::memcpy(&addr, found->ai_addr, found->ai_addrlen);
  len = found->ai_addrlen;
  ::freeaddrinfo(found);
  return addr;
}

// Opens opts.connections connections one after another (each counted as an operation, its
// latency the connect and greeting), then holds them all for opts.duration or until
// *opts.stop, watching for the server closing any of them.
result run_idle_impl(const options& opts) {
  const auto n = static_cast<std::size_t>(opts.connections);
  const std::size_t need = n + 64;
  if (const std::size_t limit = raise_file_limit(need); limit < need)
    throw std::invalid_argument(
        fmt::format("bench: --op idle with {} connections needs {} open files but the limit "
                    "stays at {} (raise the hard limit, e.g. ulimit -Hn, or hold fewer)",
                    n, need, limit));
  target where = opts.where;
  std::unique_ptr<fakeservers::fake_server> fake;
  if (opts.fake) {
    auto scen = parse_scenario(
        fmt::format("protocol = \"{}\"\nsummary = \"idle\"\n[server]\nmode = \"model\"\n",
                    where.scheme),
        "<bench --fake>", "bench/" + where.scheme);
    fake = std::make_unique<fakeservers::fake_server>(
        fake_dialect(where.scheme), scen,
        fakeservers::server_options{.session_timeout = std::chrono::hours(1),
                                    .keep_records = false});
    where.host = "127.0.0.1";
    where.port = fake->start();
  }
  if (where.port == 0) throw std::invalid_argument("bench: the URL needs a port (or use --fake)");
  socklen_t len = 0;
  const sockaddr_storage addr = resolve(where, len);
  const bool greets = server_greets(opts.where.scheme);
  worker_result w;
  const double cpu0 = thread_cpu_seconds();
  std::vector<pollfd> held;
  held.reserve(n);
  const auto start = clock::now();
  auto last_progress = start;
  for (std::size_t i = 0; i < n && !(opts.stop && opts.stop->load()); ++i) {
    const auto t0 = clock::now();
    try {
      const int fd = open_idle(addr, len, greets, opts.timeout, w.bytes);
      w.latency.record(clock::now() - t0);
      ++w.ops;
      held.push_back({fd, POLLIN, 0});
    } catch (const idle_error& e) {
      ++w.errors[e.kind];
    }
    if (opts.progress && clock::now() - last_progress >= std::chrono::seconds(1)) {
      last_progress = clock::now();
      opts.progress(fmt::format("{} of {} connections open", held.size(), n));
    }
  }
  const auto opened = clock::now();
  if (opts.on_ready) opts.on_ready(held.size());
  // Hold: a readable socket is the server closing it (or talking unasked).
  const auto hold = opts.duration.count() > 0 ? opts.duration : std::chrono::seconds(10);
  const auto until = opened + hold;
  std::size_t lost = 0;
  while (!(opts.stop && opts.stop->load()) && clock::now() < until && lost < held.size()) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(until - clock::now()).count();
    const int rc =
        ::poll(held.data(), held.size(), static_cast<int>(std::clamp<long>(left, 0, 100)));
    if (rc <= 0) continue;
    for (auto& p : held) {
      if (p.fd < 0 || p.revents == 0) continue;
      char buf[512];
      const ssize_t got = ::recv(p.fd, buf, sizeof buf, 0);
      if (got > 0) continue;  // unasked bytes; the server has not closed
      if (got < 0 && (errno == EAGAIN || errno == EINTR)) continue;
      ++w.errors[got == 0 ? "closed by the server while idle" : "reset while idle"];
      ::close(p.fd);
      p.fd = -1;  // poll ignores negative descriptors
      ++lost;
    }
  }
  for (const auto& p : held)
    if (p.fd >= 0) ::close(p.fd);
  if (fake) fake->stop();
  w.cpu = thread_cpu_seconds() - cpu0;

  result r;
  r.protocol = opts.where.scheme;
  r.op = "idle";
  r.url = fmt::format("{}://{}:{}", where.scheme, where.host, where.port);
  r.connections = opts.connections;
  r.seconds = std::chrono::duration<double>(opened - start).count();
  r.latency = w.latency;
  r.ops = w.ops;
  r.bytes = w.bytes;
  r.client_cpu_seconds = w.cpu;
  r.errors = std::move(w.errors);
  return r;
}

}  // namespace

target parse_target(std::string_view url) {
  target t;
  auto sep = url.find("://");
  if (sep == std::string_view::npos || sep == 0)
    throw std::invalid_argument(fmt::format("bench: '{}' is not scheme://host:port[/path]", url));
  t.scheme = std::string(url.substr(0, sep));
  std::string_view rest = url.substr(sep + 3);
  std::string_view authority = rest.substr(0, rest.find('/'));
  if (auto slash = rest.find('/'); slash != std::string_view::npos)
    t.path = std::string(rest.substr(slash + 1));
  if (auto at = authority.rfind('@'); at != std::string_view::npos) {
    std::string_view userinfo = authority.substr(0, at);
    authority.remove_prefix(at + 1);
    auto colon = userinfo.find(':');
    t.user = std::string(userinfo.substr(0, colon));
    if (colon != std::string_view::npos) t.password = std::string(userinfo.substr(colon + 1));
  }
  std::string_view port_text;
  if (authority.starts_with('[')) {
    auto close = authority.find(']');
    if (close == std::string_view::npos)
      throw std::invalid_argument("bench: unterminated IPv6 literal");
    t.host = std::string(authority.substr(1, close - 1));
    if (close + 1 < authority.size() && authority[close + 1] == ':')
      port_text = authority.substr(close + 2);
  } else {
    auto colon = authority.rfind(':');
    t.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port_text = authority.substr(colon + 1);
  }
  if (t.host.empty()) throw std::invalid_argument(fmt::format("bench: no host in '{}'", url));
  if (!port_text.empty()) {
    unsigned value = 0;
    auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
    if (ec != std::errc{} || end != port_text.data() + port_text.size() || value == 0 ||
        value > 65535)
      throw std::invalid_argument(fmt::format("bench: bad port '{}'", port_text));
    t.port = static_cast<std::uint16_t>(value);
  }
  return t;
}

std::vector<std::string> ops_for(std::string_view protocol) {
  return row_for(protocol).workloads->ops;
}

std::size_t raise_file_limit(std::size_t want) {
  rlimit lim{};
  if (::getrlimit(RLIMIT_NOFILE, &lim) != 0) return 0;
  if (lim.rlim_cur != RLIM_INFINITY && lim.rlim_cur < want) {
    lim.rlim_cur = lim.rlim_max == RLIM_INFINITY ? want : std::min<rlim_t>(lim.rlim_max, want);
    ::setrlimit(RLIMIT_NOFILE, &lim);
    ::getrlimit(RLIMIT_NOFILE, &lim);
  }
  return lim.rlim_cur == RLIM_INFINITY ? SIZE_MAX : static_cast<std::size_t>(lim.rlim_cur);
}

result run(const options& given) {
  if (given.op == "idle") return run_idle_impl(given);
  options opts = given;
  if (opts.connections > 1024)
    throw std::invalid_argument(
        "bench: at most 1024 connections (one thread each) but for --op idle");
  const protocol_row& row = row_for(opts.where.scheme);
  const workload_set& work = *row.workloads;
  if (std::find(work.ops.begin(), work.ops.end(), opts.op) == work.ops.end())
    throw std::invalid_argument(fmt::format("bench: {} has no op '{}' (known: {})", row.name,
                                            opts.op, fmt::join(work.ops, ", ")));
  if (opts.count == 0 && opts.duration.count() == 0) opts.count = 1000;  // always bounded
  const driver& drv = *row.client_driver;

  std::unique_ptr<fakeservers::fake_server> fake;
  if (opts.fake) {
    std::string text =
        fmt::format("protocol = \"{}\"\nsummary = \"bench model\"\n[server]\nmode = \"model\"\n{}",
                    row.name, work.fake_model(opts));
    auto scen = parse_scenario(text, "<bench --fake>", "bench/" + std::string(row.name));
    fake = std::make_unique<fakeservers::fake_server>(
        *row.dialect, scen, fakeservers::server_options{.session_timeout = std::chrono::hours(1)});
    opts.where.host = "127.0.0.1";
    opts.where.port = fake->start();
  }
  if (opts.where.port == 0)
    throw std::invalid_argument("bench: the URL needs a port (or use --fake)");

  std::atomic<std::uint64_t> budget{opts.count};  // operations left when count-bounded
  std::atomic<std::uint64_t> done{0};
  std::atomic<bool> measuring{false};
  const std::string ca = fakeservers::test_ca_pem();
  std::vector<worker_result> per(static_cast<std::size_t>(opts.connections));
  // Made here, not in the workers, so options a protocol cannot honour fail before any thread.
  std::vector<std::unique_ptr<workload>> sessions;
  for (int i = 0; i < opts.connections; ++i)
    sessions.push_back(work.make(opts, ca));
  clock::time_point start, stop_at;

  auto take = [&] {
    if (opts.count == 0) return clock::now() < stop_at;
    auto left = budget.load();
    while (left > 0 && !budget.compare_exchange_weak(left, left - 1)) {
    }
    return left > 0;
  };
  std::atomic<int> ready{0};
  auto worker = [&](worker_result& out, workload* w) {
    const double cpu0 = thread_cpu_seconds();
    bool open = false;
    auto fail = [&] {
      ++out.errors[drv.describe_error(std::current_exception()).value("error", "exception")];
      w->close();
      open = false;
    };
    auto ensure_open = [&] {
      if (open) return false;
      w->open();
      open = true;
      return true;
    };
    // Log-in and warm-up happen before the clock starts, as the peers log in before timing.
    // A failure here is not counted: the session stays closed and the measured loop tries
    // again, where every failed attempt counts.
    auto unmeasured = [&](auto step) {
      try {
        step();
      } catch (...) {
        w->close();
        open = false;
      }
    };
    unmeasured([&] { ensure_open(); });
    for (std::uint64_t i = 0; i < opts.warmup; ++i)
      unmeasured([&] {
        ensure_open();
        w->once();
      });
    ++ready;
    while (!measuring.load())
      std::this_thread::yield();
    std::uint64_t on_this_connection = 0;
    while (take()) {
      try {
        if (ensure_open()) on_this_connection = 0;
        auto t0 = clock::now();
        std::size_t bytes = w->once();
        auto t1 = clock::now();
        out.latency.record(t1 - t0);
        ++out.ops;
        out.bytes += bytes;
        ++done;
        if (opts.per_connection && ++on_this_connection >= opts.per_connection) {
          w->close();
          open = false;
        }
      } catch (...) {
        fail();
      }
    }
    out.finished = clock::now();
    if (open) w->close();
    out.cpu = thread_cpu_seconds() - cpu0;
  };

  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < per.size(); ++i)
    threads.emplace_back(worker, std::ref(per[i]), sessions[i].get());
  // Bounded: every network wait of a log-in or warm-up operation has a deadline.
  while (ready.load() < opts.connections)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  start = clock::now();
  stop_at = start + opts.duration;
  measuring = true;
  auto last_progress = start;
  // The runs are bounded: by the operation budget, or by the deadline.
  while (true) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    const auto now = clock::now();
    const bool finished = opts.count ? budget.load() == 0 : now >= stop_at;
    if (opts.progress && now - last_progress >= std::chrono::seconds(1)) {
      last_progress = now;
      const double secs = std::chrono::duration<double>(now - start).count();
      opts.progress(
          fmt::format("{:.0f} s: {} ops, {:.0f} ops/s", secs, done.load(), done.load() / secs));
    }
    if (finished) break;
  }
  for (auto& t : threads)
    t.join();
  // Measured to the end of the last operation, not to this thread's next poll.
  auto end = start;
  for (const auto& w : per)
    end = std::max(end, w.finished);
  const auto elapsed = end - start;

  result r;
  r.protocol = row.name;
  r.op = opts.op;
  r.url = opts.fake ? fmt::format("{}://{}:{} (--fake)", row.name, opts.where.host, opts.where.port)
                    : fmt::format("{}://{}:{}/{}", opts.where.scheme, opts.where.host,
                                  opts.where.port, opts.where.path);
  r.connections = opts.connections;
  r.seconds = std::chrono::duration<double>(elapsed).count();
  for (auto& w : per) {
    r.latency.merge(w.latency);
    r.ops += w.ops;
    r.bytes += w.bytes;
    r.client_cpu_seconds += w.cpu;
    for (auto& [k, v] : w.errors)
      r.errors[k] += v;
  }
  if (fake) fake->stop();
  return r;
}

nlohmann::json result::to_json() const {
  nlohmann::json errs = nlohmann::json::object();
  for (const auto& [k, v] : errors)
    errs[k] = v;
  auto pct = [&](double f) { return static_cast<double>(latency.percentile(f).count()) / 1e6; };
  return {{"schema", "protoharness.bench/1"},
          {"protocol", protocol},
          {"op", op},
          {"url", url},
          {"connections", connections},
          {"ops", ops},
          {"bytes", bytes},
          {"seconds", seconds},
          {"ops_per_second", ops_per_second()},
          {"mb_per_second", mb_per_second()},
          {"latency_ms",
           {{"p50", pct(0.50)},
            {"p90", pct(0.90)},
            {"p99", pct(0.99)},
            {"max", latency.max().count() / 1e6}}},
          {"errors", errs},
          {"client_cpu_seconds", client_cpu_seconds}};
}

std::string result::table() const {
  std::string out =
      fmt::format("{} {} against {}, {} connection(s)\n", protocol, op, url, connections);
  out += fmt::format("  ops        {:>12}   in {:.3f} s\n", ops, seconds);
  out += fmt::format("  ops/s      {:>12.1f}\n", ops_per_second());
  out += fmt::format("  MB/s       {:>12.2f}   ({} bytes)\n", mb_per_second(), bytes);
  out += fmt::format("  latency ms  p50 {}  p90 {}  p99 {}  max {}\n", ms(latency.percentile(0.5)),
                     ms(latency.percentile(0.9)), ms(latency.percentile(0.99)), ms(latency.max()));
  out += fmt::format("  client CPU {:>12.3f} s\n", client_cpu_seconds);
  if (errors.empty()) {
    out += "  errors     none\n";
  } else {
    for (const auto& [k, v] : errors)
      out += fmt::format("  errors     {} {}\n", v, k);
  }
  return out;
}

std::optional<std::string> regression(const result& current, const nlohmann::json& baseline,
                                      double tolerance_pct) {
  const double keep = 1.0 - tolerance_pct / 100.0;
  std::vector<std::string> problems;
  auto check = [&](const char* key, double now) {
    if (!baseline.contains(key) || !baseline[key].is_number()) return;
    double before = baseline[key].get<double>();
    if (before > 0 && now < before * keep)
      problems.push_back(fmt::format("{} fell from {:.2f} to {:.2f} ({:+.1f}%, tolerance {}%)", key,
                                     before, now, (now / before - 1) * 100, tolerance_pct));
  };
  check("ops_per_second", current.ops_per_second());
  if (current.bytes > 0) check("mb_per_second", current.mb_per_second());
  if (problems.empty()) return std::nullopt;
  return fmt::format("{}", fmt::join(problems, "; "));
}

}  // namespace ph::harness::bench
