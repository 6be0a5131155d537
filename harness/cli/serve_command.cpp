// protoharness serve: a scenario's server (or a model) that judges every client that connects.

#include "harness/cli/cli.hpp"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
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

int cmd_serve(const std::string& scenario_file, const std::string& model,
              harness::serve_options opts, const std::string& report_dir,
              const reports::render_options& render, bool summary_only) {
  ph::scenario scen;
  try {
    if (!model.empty()) {
      if (!harness::find_protocol(model)) {
        std::cerr << fmt::format("protoharness: no model server for '{}' (known: {})\n",
                                 reports::visible(model), known_protocols());
        return exit_usage;
      }
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
  // Runs on the judge thread, one connection at a time. Only a report keeps the results.
  std::vector<ph::scenario_result> kept;
  opts.on_result = [&](ph::scenario_result& r) {
    std::string out = summary_only ? "" : reports::render_transcript(r, render);
    out += reports::console_line(r, render);
    if (!out.ends_with('\n')) out += '\n';
    std::cout << out;
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
    stats = harness::serve(scen, opts, interrupted);
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
    info.paths = {model.empty() ? scenario_file : "--model " + model};
    reports::write_report_dir(report_dir, kept, info, render);
    std::cout << "reports written to " << report_dir << "\n";
  }
  return stats.count(verdict::fail) + stats.count(verdict::error) > 0 ? exit_failed : exit_ok;
}

}  // namespace ph::cli
