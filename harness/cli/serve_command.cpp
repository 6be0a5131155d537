// protoharness serve: a scenario's server (or a model) that judges every client that connects.

#include "harness/cli/cli.hpp"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <charconv>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <limits>
#include <map>
#include <memory>
#include <optional>

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netdb.h>
#include <unistd.h>

#include "fakeservers/fake_server.hpp"
#include "harness/bench/bench.hpp"
#include "harness/bench/workloads.hpp"
#include "harness/protocols.hpp"
#include "harness/recorded_scenario.hpp"
#include "harness/rules/rule.hpp"
#include "harness/runner.hpp"
#include "harness/serve.hpp"
#include "harness/shard.hpp"
#include "reports/compare.hpp"
#include "reports/console.hpp"
#include "reports/encoding.hpp"
#include "reports/report_dir.hpp"
#include "reports/report_reader.hpp"
#include "reports/transcript_text.hpp"

namespace ph::cli {

// --bind as the server takes it: a numeric address. A name is resolved (localhost) and any
// IPv4 form inet_aton accepts is normalised (127.1 is 127.0.0.1); IPv4 first when a name has
// both. The fake servers carry test credentials, so only loopback addresses are served.
// Returns the problem, or nullopt with `address` set.
std::optional<std::string> loopback_address(std::string host, std::string& address) {
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (int rc = ::getaddrinfo(host.c_str(), nullptr, &hints, &found); rc != 0)
    return fmt::format("not an address or a name that resolves ({})", ::gai_strerror(rc));
  std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> owner(found, &::freeaddrinfo);
  const addrinfo* chosen = nullptr;
  for (const addrinfo* a = found; a != nullptr; a = a->ai_next) {
    if (a->ai_family == AF_INET) {
      chosen = a;
      break;
    }
    if (a->ai_family == AF_INET6 && chosen == nullptr) chosen = a;
  }
  if (chosen == nullptr) return std::string("resolves to no IPv4 or IPv6 address");
  char text[INET6_ADDRSTRLEN] = {};
  bool loopback = false;
  if (chosen->ai_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(chosen->ai_addr);
    loopback = (ntohl(in->sin_addr.s_addr) >> 24) == 127;
    ::inet_ntop(AF_INET, &in->sin_addr, text, sizeof text);
  } else {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(chosen->ai_addr);
    loopback = IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr);
    ::inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof text);
  }
  if (!loopback) return fmt::format("{} is not a loopback address (127.0.0.0/8 or ::1)", text);
  address = text;
  return std::nullopt;
}

ph::scenario model_scenario(const std::string& protocol) {
  std::string text = fmt::format(
      "protocol = \"{}\"\nsummary = \"default {} model server\"\n[server]\nmode = \"model\"\n",
      protocol, protocol);
  return ph::parse_scenario(text, "<--model " + protocol + ">", "model/" + protocol);
}

namespace {

// What serve and record share: each judged connection printed (its transcript unless
// `summary_only`, then its verdict line) and handed to `also`, the tally, the report folder.
// `run` serves until done, with the options given; `label` names what was served.
int judge_and_report(const std::function<harness::serve_stats(harness::serve_options&)>& run,
                     harness::serve_options opts, const std::string& report_dir,
                     const reports::render_options& render, bool summary_only,
                     const std::string& label,
                     const std::function<void(const ph::scenario_result&)>& also = {}) {
  // Runs on the judge thread, one connection at a time. Only a report keeps the results.
  std::vector<ph::scenario_result> kept;
  opts.on_result = [&](ph::scenario_result& r) {
    std::string out = summary_only ? "" : reports::render_transcript(r, render);
    out += reports::console_line(r, render);
    if (!out.ends_with('\n')) out += '\n';
    std::cout << out;
    if (also) also(r);
    std::cout.flush();
    if (!report_dir.empty()) kept.push_back(std::move(r));
  };
  const std::string bind = opts.server.bind;
  opts.on_listening = [&](std::uint16_t port) {
    std::cout << fmt::format("listening on {}:{}",
                             bind.find(':') != std::string::npos ? "[" + bind + "]" : bind, port)
              << std::endl;
  };
  std::signal(SIGINT, [](int) { interrupted = true; });
  std::signal(SIGTERM, [](int) { interrupted = true; });
  harness::serve_stats stats;
  const std::string started_at = utc_now();
  const auto started = std::chrono::steady_clock::now();
  try {
    stats = run(opts);
  } catch (const std::exception& e) {
    std::cerr << "protoharness: " << shown(e) << "\n";
    return exit_usage;
  }
  using ph::verdict;
  std::cout << fmt::format(
      "served {} connection(s): {} pass, {} warn, {} fail, {} error (judge queue peak {}, "
      "server paused {} time(s) for the judge)\n",
      stats.judged, stats.count(verdict::pass), stats.count(verdict::warn),
      stats.count(verdict::fail), stats.count(verdict::error), stats.peak_queue, stats.pauses);
  if (!report_dir.empty() && !kept.empty()) {
    reports::run_info info;
    info.tool_version = version;
    info.started_at = started_at;
    info.wall_time = std::chrono::duration_cast<std::chrono::microseconds>(
        std::chrono::steady_clock::now() - started);
    info.client = "any (serve)";
    info.hostname = reports::local_hostname();
    info.command = command_text;
    info.paths = {label};
    reports::write_report_dir(report_dir, kept, info, render);
    std::cout << "reports written to " << report_dir << "\n";
  }
  return stats.count(verdict::fail) + stats.count(verdict::error) > 0 ? exit_failed : exit_ok;
}

bool known_protocol(const std::string& protocol) {
  if (harness::find_protocol(protocol)) return true;
  std::cerr << fmt::format("protoharness: unknown protocol '{}' (known: {})\n",
                           reports::visible(protocol), known_protocols());
  return false;
}

}  // namespace

int cmd_serve(const std::string& scenario_file, const std::string& model,
              harness::serve_options opts, const std::string& report_dir,
              const reports::render_options& render, bool summary_only) {
  ph::scenario scen;
  try {
    if (!model.empty()) {
      if (!known_protocol(model)) return exit_usage;
      scen = model_scenario(model);
    } else if (!scenario_file.empty()) {
      scen = harness::load_and_validate(scenario_file);
    } else {
      std::cerr << "protoharness serve: give a SCENARIO file or --model PROTOCOL\n";
      return exit_usage;
    }
  } catch (const std::exception& e) {
    std::cerr << "protoharness: " << shown(e) << "\n";
    return exit_usage;
  }
  return judge_and_report(
      [&](harness::serve_options& o) { return harness::serve(scen, o, interrupted); }, opts,
      report_dir, render, summary_only, model.empty() ? scenario_file : "--model " + model);
}

std::optional<std::string> split_host_port(const std::string& text, std::string& host,
                                           std::uint16_t& port) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) return std::string("want HOST:PORT");
  host = text.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  const std::string digits = text.substr(colon + 1);
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() || value == 0 ||
      value > 65535)
    return std::string("the port must be a number from 1 to 65535");
  port = static_cast<std::uint16_t>(value);
  return std::nullopt;
}

// FILE.toml for the first connection, FILE-2.toml for the second, ...
std::string recording_file(const std::string& out, int connection) {
  if (connection <= 1) return out;
  const std::filesystem::path p(out);
  return (p.parent_path() /
          fmt::format("{}-{}{}", p.stem().string(), connection, p.extension().string()))
      .string();
}

int cmd_record(const std::string& protocol, fakeservers::relay_options relay,
               harness::serve_options opts, const std::string& out, bool raw,
               const std::string& report_dir, const reports::render_options& render,
               bool summary_only) {
  if (!known_protocol(protocol)) return exit_usage;
  const std::string upstream = fmt::format("{}:{}",
                                           relay.upstream_host.find(':') != std::string::npos
                                               ? "[" + relay.upstream_host + "]"
                                               : relay.upstream_host,
                                           relay.upstream_port);
  const ph::scenario scen = ph::parse_scenario(
      fmt::format("protocol = \"{}\"\nsummary = \"relayed to {}\"\n[server]\nmode = \"model\"\n",
                  protocol, upstream),
      "<record " + protocol + ">", "record/" + protocol);
  harness::recording_options ro{.raw = raw, .upstream = upstream, .when = utc_now()};
  auto write = [&](const ph::scenario_result& r) {
    if (out.empty() || r.connections.empty()) return;
    const std::string file = recording_file(out, r.connections.front().connection);
    std::ofstream f(file, std::ios::binary | std::ios::trunc);
    f << harness::recorded_scenario(r, ro);
    if (f.flush())
      std::cout << "recorded " << reports::visible(file) << "\n";
    else
      std::cerr << "protoharness record: cannot write " << reports::visible(file) << "\n";
  };
  return judge_and_report(
      [&](harness::serve_options& o) { return harness::record(scen, relay, o, interrupted); }, opts,
      report_dir, render, summary_only, "record " + upstream, write);
}

}  // namespace ph::cli
