#include "harness/bench/bench.hpp"

#include <time.h>

#include <atomic>
#include <charconv>
#include <mutex>
#include <stdexcept>
#include <thread>

#include <fmt/format.h>

#include "fakeservers/fake_server.hpp"
#include "harness/bench/workloads.hpp"
#include "harness/protocols.hpp"

namespace ph::harness::bench {

namespace {

using clock = std::chrono::steady_clock;

const workload_row& row_for(std::string_view protocol) {
  for (const auto& row : workload_table())
    if (row.protocol == protocol) return row;
  std::vector<std::string> known;
  for (const auto& row : workload_table())
    known.emplace_back(row.protocol);
  throw std::invalid_argument(
      fmt::format("bench: no workload for '{}' (known: {})", protocol, fmt::join(known, ", ")));
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
  return row_for(protocol).ops;
}

result run(const options& given) {
  options opts = given;
  const workload_row& row = row_for(opts.where.scheme);
  if (std::find(row.ops.begin(), row.ops.end(), opts.op) == row.ops.end())
    throw std::invalid_argument(fmt::format("bench: {} has no op '{}' (known: {})", row.protocol,
                                            opts.op, fmt::join(row.ops, ", ")));
  if (opts.count == 0 && opts.duration.count() == 0) opts.count = 1000;  // always bounded
  const driver& drv = find_protocol(row.protocol)->client_driver;

  std::unique_ptr<fakeservers::fake_server> fake;
  if (opts.fake) {
    std::string text =
        fmt::format("protocol = \"{}\"\nsummary = \"bench model\"\n[server]\nmode = \"model\"\n{}",
                    row.protocol, row.fake_model(opts));
    auto scen = parse_scenario(text, "<bench --fake>", "bench/" + std::string(row.protocol));
    fake = std::make_unique<fakeservers::fake_server>(
        scen, fakeservers::server_options{.session_timeout = std::chrono::hours(1)});
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
    sessions.push_back(row.make(opts, ca));
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
  r.protocol = row.protocol;
  r.op = opts.op;
  r.url = opts.fake
              ? fmt::format("{}://{}:{} (--fake)", row.protocol, opts.where.host, opts.where.port)
              : fmt::format("{}://{}:{}/{}", opts.where.scheme, opts.where.host, opts.where.port,
                            opts.where.path);
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
