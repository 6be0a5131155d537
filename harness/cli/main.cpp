// protoharness: run scenarios against a client, validate them, or serve a fake server
// that judges any client that connects.

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
#include <CLI/CLI.hpp>

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

namespace {

using namespace ph;
#ifndef PH_VERSION
#define PH_VERSION "0.0.0"
#endif
constexpr const char* version = PH_VERSION;

// Exit codes: 0 all passed, 1 a FAIL or ERROR (or WARN with --strict), 2 usage/setup error.
constexpr int exit_ok = 0, exit_failed = 1, exit_usage = 2;

std::atomic<bool> interrupted{false};
std::string command_text;  // this invocation, for the reports' run info

std::string utc_now() {
  return reports::utc_timestamp(std::chrono::system_clock::now());
}

// An error message on one line: control characters (a CR LF from a scenario's value) made
// visible as the transcripts show them, and a message that quotes a huge value cut.
std::string shown(const std::exception& e) {
  return reports::visible_excerpt(e.what(), 2000);
}

// The protocols every subcommand knows, for messages: "smtp, pop3, ...".
std::string known_protocols() {
  return harness::protocol_names();
}

// bench's help, from the registry's bench columns: the URL forms ("smtp://host:port, ...")
// and the ops ("smtp: sendmail; pop3: stat, ...").
std::string bench_url_forms() {
  std::vector<std::string_view> forms;
  for (const auto& row : harness::protocol_table())
    if (row.workloads) forms.push_back(row.workloads->url);
  return fmt::format("{}", fmt::join(forms, ", "));
}

std::string bench_ops() {
  std::vector<std::string> ops;
  for (const auto& row : harness::protocol_table())
    if (row.workloads)
      ops.push_back(fmt::format("{}: {}", row.name, fmt::join(row.workloads->ops, ", ")));
  return fmt::format("{}", fmt::join(ops, "; "));
}

// The scenario files below `paths` for run, list and check alike; nullopt (after saying why)
// when a path does not exist or there is no scenario file at all: a usage error.
std::optional<std::vector<std::string>> scenario_files(const std::vector<std::string>& paths) {
  for (const auto& p : paths) {
    std::error_code ec;  // a path that cannot be examined is for the loader to report
    if (std::filesystem::status(p, ec).type() == std::filesystem::file_type::not_found) {
      std::cerr << "protoharness: no such file or folder: " << reports::visible(p) << "\n";
      return std::nullopt;
    }
  }
  auto files = harness::find_scenario_files(paths);
  if (files.empty()) {
    std::cerr << "protoharness: no scenario files found\n";
    return std::nullopt;
  }
  return files;
}

// 1 when a scenario FAILed or ERRORed (or WARNed, with --strict), else 0.
int exit_status(const std::vector<harness::scenario_result>& results, bool strict) {
  for (const auto& r : results)
    if (r.final == harness::verdict::fail || r.final == harness::verdict::error ||
        (strict && r.final == harness::verdict::warn))
      return exit_failed;
  return exit_ok;
}

// What run and list select: --filter, then --shard I/N (balanced by --shard-timings).
struct selection {
  std::string filter;
  std::string shard;    // "I/N", or empty
  std::string timings;  // an earlier run's report.json or report folder, or empty
};

// Fills opts' filter and shard from `sel`; false (after saying why) on a usage error.
bool apply_selection(const selection& sel, harness::run_options& opts) {
  opts.filter = sel.filter;
  if (sel.shard.empty()) {
    if (!sel.timings.empty()) {
      std::cerr << "protoharness: --shard-timings needs --shard I/N\n";
      return false;
    }
    return true;
  }
  std::string problem;
  opts.shard = harness::parse_shard(sel.shard, problem);
  if (!opts.shard) {
    std::cerr << "protoharness: --shard " << reports::visible(problem) << "\n";
    return false;
  }
  if (sel.timings.empty()) return true;
  try {
    opts.shard_durations = harness::durations_from_report(reports::load_report(sel.timings));
  } catch (const std::exception& e) {
    std::cerr << "protoharness: --shard-timings: " << shown(e) << "\n";
    return false;
  }
  return true;
}

// --color: always, never, or auto (a terminal on stdout, NO_COLOR unset or empty, TERM not
// "dumb"; https://no-color.org).
bool use_color(const std::string& mode) {
  if (mode != "auto") return mode == "always";
  const char* no_color = std::getenv("NO_COLOR");
  const char* term = std::getenv("TERM");
  return isatty(1) && (no_color == nullptr || *no_color == '\0') &&
         (term == nullptr || std::string_view(term) != "dumb");
}

int cmd_run(const std::vector<std::string>& paths, const selection& sel, int jobs,
            const std::string& report_dir, const std::string& client_cmd, bool strict,
            const reports::render_options& render, bool verbose, bool quiet) {
  auto found = scenario_files(paths);
  if (!found) return exit_usage;
  const auto& files = *found;
  harness::run_options opts;
  opts.jobs = jobs;
  if (!apply_selection(sel, opts)) return exit_usage;
  if (!client_cmd.empty()) opts.client_cmd = client_cmd;
  // On a terminal, --quiet keeps one progress line on stderr; in a CI log it prints nothing.
  const bool progress = quiet && isatty(2);
  opts.on_result = [&](const harness::scenario_result& r, std::size_t done, std::size_t total) {
    if (quiet) {
      if (progress)
        std::cerr << fmt::format("\r\033[K[{}/{}] {}", done, total, reports::visible(r.id))
                  << std::flush;
      return;
    }
    std::string line = reports::console_line(r, render);
    std::cout << fmt::format("[{}/{}] ", done, total) << line;
    if (!line.ends_with('\n')) std::cout << '\n';
    if (verbose && r.final != harness::verdict::pass)
      std::cout << reports::render_transcript(r, render);
    std::cout.flush();
  };
  const std::string started_at = utc_now();
  auto started = std::chrono::steady_clock::now();
  auto results = harness::run_scenario_files(files, opts);
  if (progress) std::cerr << "\r\033[K" << std::flush;
  auto elapsed = std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::steady_clock::now() - started);
  if (results.empty()) {
    if (opts.shard) {  // a slice may be empty when there are more shards than scenarios
      std::cout << fmt::format("shard {} has no scenarios\n", sel.shard);
      if (!report_dir.empty()) {
        reports::run_info info;
        info.tool_version = version;
        info.started_at = started_at;
        info.command = command_text;
        info.paths = paths;
        reports::write_report_dir(report_dir, results, info, render);
      }
      return exit_ok;
    }
    std::cerr << "protoharness: no scenario matches --filter " << sel.filter << "\n";
    return exit_usage;
  }
  reports::run_info info;
  info.tool_version = version;
  info.started_at = started_at;
  info.wall_time = elapsed;
  info.jobs = jobs;
  info.client = client_cmd.empty() ? "in-tree" : client_cmd;
  info.hostname = reports::local_hostname();
  info.command = command_text;
  info.paths = paths;
  std::cout << reports::console_summary(results, info);
  if (!report_dir.empty()) {
    try {
      reports::write_report_dir(report_dir, results, info, render);
      std::cout << "reports written to " << report_dir << " (" << reports::report_dir_files()
                << ")\n";
    } catch (const std::exception& e) {
      std::cerr << "protoharness: " << shown(e) << "\n";
      return exit_usage;
    }
  }
  return exit_status(results, strict);
}

// --json: an array of {id, file, protocol, mode, summary, tags} for tools (the CMake function
// protoharness_add_scenarios reads it); a file that does not load is {id, file, error}, so a
// tool can still name it.
int cmd_list(const std::vector<std::string>& paths, const selection& sel, bool json) {
  auto found = scenario_files(paths);
  if (!found) return exit_usage;
  harness::run_options opts;
  if (!apply_selection(sel, opts)) return exit_usage;
  int rc = exit_ok;
  auto entries = nlohmann::json::array();
  for (const auto& file : harness::select_scenario_files(*found, opts)) {
    try {
      auto s = harness::load_scenario(file);
      const std::string mode = s.server.value("mode", "?");
      if (json)
        entries.push_back({{"id", s.id},
                           {"file", file},
                           {"protocol", s.protocol},
                           {"mode", mode},
                           {"summary", s.summary},
                           {"tags", s.tags}});
      else
        std::cout << reports::visible(
                         fmt::format("{:<44} {:<6} {:<7} {}", s.id, s.protocol, mode, s.summary))
                  << "\n";
    } catch (const std::exception& e) {
      if (json)
        entries.push_back(
            {{"id", harness::scenario_id_for(file)}, {"file", file}, {"error", e.what()}});
      else
        std::cout << "ERROR " << shown(e) << "\n";
      rc = exit_failed;
    }
  }
  // One entry a line: still one JSON document, and a diff or grep shows one scenario a line.
  if (json) {
    std::cout << "[";
    for (std::size_t i = 0; i < entries.size(); ++i)
      std::cout << (i ? ",\n " : "\n ")
                << entries[i].dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    std::cout << "\n]\n";
  }
  return rc;
}

int cmd_check(const std::vector<std::string>& paths) {
  auto files = scenario_files(paths);
  if (!files) return exit_usage;
  int bad = 0;
  for (const auto& file : *files) {
    try {
      harness::load_and_validate(file);
    } catch (const std::exception& e) {
      std::cout << shown(e) << "\n";
      ++bad;
    }
  }
  std::cout << fmt::format("{} scenario file(s) checked, {} invalid\n", files->size(), bad);
  return bad ? exit_failed : exit_ok;
}

int cmd_rules(const std::string& protocol) {
  if (!protocol.empty() && !harness::find_protocol(protocol)) {
    std::cerr << fmt::format("protoharness rules: unknown protocol '{}' (known: {})\n",
                             reports::visible(protocol), known_protocols());
    return exit_usage;
  }
  for (const auto* r : harness::all_rules()) {
    const auto& i = r->info();
    if (!protocol.empty() && i.protocol != protocol) continue;
    std::cout << fmt::format("{:<26} {:<7} {:<28} {}\n", i.id, i.level_text, i.rfc, i.summary);
  }
  return exit_ok;
}

int cmd_bench(harness::bench::options opts, const std::string& url, const std::string& json_file,
              const std::string& baseline_file, double tolerance) {
  namespace bench = harness::bench;
  try {
    opts.where = bench::parse_target(url);
    if (isatty(2))
      opts.progress = [](const std::string& line) {
        std::cerr << "\r\033[K" << line << std::flush;
      };
    opts.on_ready = [](std::size_t held) {
      std::cout << fmt::format("holding {} connection(s)", held) << std::endl;
    };
    opts.stop = &interrupted;
    std::signal(SIGINT, [](int) { interrupted = true; });
    std::signal(SIGTERM, [](int) { interrupted = true; });
    auto r = bench::run(opts);
    if (isatty(2)) std::cerr << "\r\033[K";
    std::cout << r.table();
    if (!json_file.empty()) std::ofstream(json_file) << r.to_json().dump(2) << "\n";
    if (!baseline_file.empty()) {
      std::ifstream in(baseline_file);
      if (!in) {
        std::cerr << "protoharness bench: cannot read baseline " << baseline_file << "\n";
        return exit_usage;
      }
      auto regressed = bench::regression(r, nlohmann::json::parse(in), tolerance);
      if (regressed) {
        std::cout << "REGRESSION against " << baseline_file << ": " << *regressed << "\n";
        return exit_failed;
      }
      std::cout << "within " << tolerance << "% of " << baseline_file << "\n";
    }
    return r.ops == 0 ? exit_failed : exit_ok;
  } catch (const std::invalid_argument& e) {
    std::cerr << "protoharness " << shown(e) << "\n";
    return exit_usage;
  }
}

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

// protoharness compare: exit 1 when the new run is worse, 2 when a report cannot be read.
int cmd_compare(const std::string& base, const std::string& next,
                const reports::compare_options& options, const std::string& html_file,
                const std::string& markdown_file) {
  reports::comparison c;
  try {
    c = reports::compare_reports(reports::load_report(base), reports::load_report(next), options);
  } catch (const std::exception& e) {
    std::cerr << "protoharness compare: " << e.what() << "\n";
    return exit_usage;
  }
  c.base_name = base;
  c.new_name = next;
  std::cout << reports::compare_text(c);
  for (const auto& [file, text] : {std::pair{html_file, &reports::compare_html},
                                   std::pair{markdown_file, &reports::compare_markdown}}) {
    if (file.empty()) continue;
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    if (!(out << text(c)) || !out.flush()) {
      std::cerr << "protoharness compare: cannot write " << file << "\n";
      return exit_usage;
    }
  }
  return c.got_worse() ? exit_failed : exit_ok;
}

// protoharness merge OUT DIR...: the shards' reports as one report folder. Exit as `run`
// would have for the whole corpus; 2 when a report cannot be read or two shards ran the same
// scenario (the shards overlap, so the merged counts would lie).
int cmd_merge(const std::string& out_dir, const std::vector<std::string>& inputs, bool strict) {
  std::vector<harness::scenario_result> results;
  reports::run_info info;
  info.tool_version = version;
  info.command = command_text;
  info.client.clear();
  std::map<std::string, std::string> seen;  // id -> the report it came from
  const auto rules = harness::all_rules();
  auto find_rule = [&](std::string_view id) -> const harness::rule_info* {
    for (const auto* r : rules)
      if (r->info().id == id) return &r->info();
    return nullptr;
  };
  try {
    for (const auto& input : inputs) {
      const auto report = reports::load_report(input);
      const auto run = reports::run_info_from_report(report);
      if (info.started_at.empty() || (!run.started_at.empty() && run.started_at < info.started_at))
        info.started_at = run.started_at;
      info.wall_time = std::max(info.wall_time, run.wall_time);  // the shards ran side by side
      info.jobs = std::max(info.jobs, run.jobs);
      if (info.client.empty()) info.client = run.client;
      if (info.hostname.empty()) info.hostname = run.hostname;
      for (const auto& p : run.paths)
        if (std::find(info.paths.begin(), info.paths.end(), p) == info.paths.end())
          info.paths.push_back(p);
      for (auto& r : reports::results_from_report(report, find_rule)) {
        if (const auto* row = harness::find_protocol(r.protocol)) r.redaction = row->redaction;
        if (auto [it, added] = seen.emplace(r.id, input); !added) {
          std::cerr << fmt::format(
              "protoharness merge: scenario {} is in both {} and {}: the shards overlap\n",
              reports::visible(r.id), it->second, input);
          return exit_usage;
        }
        results.push_back(std::move(r));
      }
    }
  } catch (const std::exception& e) {
    std::cerr << "protoharness merge: " << shown(e) << "\n";
    return exit_usage;
  }
  std::stable_sort(results.begin(), results.end(),
                   [](const auto& a, const auto& b) { return a.id < b.id; });
  std::cout << reports::console_summary(results, info);
  try {
    reports::write_report_dir(out_dir, results, info, reports::render_options{});
  } catch (const std::exception& e) {
    std::cerr << "protoharness merge: " << shown(e) << "\n";
    return exit_usage;
  }
  std::cout << fmt::format("{} report(s) merged into {} ({})\n", inputs.size(), out_dir,
                           reports::report_dir_files());
  return exit_status(results, strict);
}

harness::scenario model_scenario(const std::string& protocol) {
  std::string text = fmt::format(
      "protocol = \"{}\"\nsummary = \"default {} model server\"\n[server]\nmode = \"model\"\n",
      protocol, protocol);
  return harness::parse_scenario(text, "<--model " + protocol + ">", "model/" + protocol);
}

int cmd_serve(const std::string& scenario_file, const std::string& model,
              harness::serve_options opts, const std::string& report_dir,
              const reports::render_options& render, bool summary_only) {
  harness::scenario scen;
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
  std::vector<harness::scenario_result> kept;
  opts.on_result = [&](harness::scenario_result& r) {
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
  using harness::verdict;
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

}  // namespace

int main(int argc, char** argv) {
  // A peer that vanishes mid-write must give an error on that socket, not end the run.
  std::signal(SIGPIPE, SIG_IGN);
  command_text = reports::command_line(argc, argv);
  CLI::App app{
      "protoharness: protocol conformance test harness for SMTP, POP3, FTP, NNTP and HTTP/1.1 "
      "clients"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("protoharness ") + version);
  app.fallthrough();  // --color after the subcommand too
  std::string color_mode = "auto";
  app.add_option("--color", color_mode,
                 "Verdicts in colour: auto (a terminal, and NO_COLOR unset), always, never")
      ->check(CLI::IsMember({"auto", "always", "never"}));

  std::vector<std::string> paths;
  selection run_sel;
  std::string report_dir, client_cmd;
  int jobs = 1;
  bool strict = false, no_redact = false, verbose = false;
  auto* run =
      app.add_subcommand("run", "Run scenarios against the client under test and judge them");
  run->add_option("paths", paths, "Scenario files or folders")->required();
  auto add_selection = [](CLI::App* cmd, selection& sel) {
    cmd->add_option("--filter", sel.filter, "Only scenarios whose id matches this glob");
    cmd->add_option("--shard", sel.shard,
                    "Only slice I of N (e.g. 2/4) of what --filter selects: N runs with "
                    "1/N..N/N cover every scenario exactly once");
    cmd->add_option("--shard-timings", sel.timings,
                    "Balance the slices by the durations in an earlier run's report.json (or "
                    "report folder)");
  };
  add_selection(run, run_sel);
  run->add_option("-j,--jobs", jobs, "Scenarios run in parallel")->check(CLI::Range(1, 256));
  run->add_option("--report-dir", report_dir,
                  "Write index.html, junit.xml, report.json, ctrf.json, summary.md and "
                  "transcripts/ here");
  run->add_option("--client-cmd", client_cmd, "External client: 'CMD {host} {port} {steps}'");
  run->add_flag("--strict", strict, "WARN (a SHOULD broken) fails the run too");
  run->add_flag("--no-redact", no_redact, "Keep credentials in transcripts");
  bool full_data = false;
  run->add_flag("--full-data", full_data,
                "Show every byte of long data (bodies, data channels) in transcripts");
  run->add_flag("-v,--verbose", verbose,
                "Print the transcript of every scenario that did not pass");
  bool quiet = false;
  run->add_flag("-q,--quiet", quiet,
                "Print only the summary (on a terminal, a progress line while it runs)")
      ->excludes("--verbose");

  std::vector<std::string> list_paths;
  selection list_sel;
  auto* list = app.add_subcommand("list", "List scenarios");
  list->add_option("paths", list_paths, "Scenario files or folders")->required();
  add_selection(list, list_sel);
  bool list_json = false;
  list->add_flag("--json", list_json,
                 "A JSON array of {id, file, protocol, mode, summary, tags} (for tools)");

  std::string merge_out;
  std::vector<std::string> merge_inputs;
  bool merge_strict = false;
  auto* merge = app.add_subcommand(
      "merge", "Join the report folders of shards (run --shard) into one report folder");
  merge->add_option("out", merge_out, "The report folder to write")->required();
  merge->add_option("reports", merge_inputs, "The shards' report folders (or report.json files)")
      ->required();
  merge->add_flag("--strict", merge_strict, "WARN (a SHOULD broken) fails too");

  std::vector<std::string> check_paths;
  auto* check = app.add_subcommand("check", "Validate scenario files without running them");
  check->add_option("paths", check_paths, "Scenario files or folders")->required();

  std::string rules_protocol;
  auto* rules = app.add_subcommand("rules", "List the RFC rules the judge applies");
  rules->add_option("--protocol", rules_protocol, "Only this protocol's rules");

  std::string serve_file, model, bind = "127.0.0.1", serve_report_dir;
  int port = 0, count = 0, timeout_ms = 30000;
  bool serve_no_redact = false;
  auto* serve = app.add_subcommand(
      "serve", "Serve a scenario (or a model server) and judge every client that connects");
  auto* serve_file_option =
      serve->add_option("scenario", serve_file, "Scenario file whose [server] to play");
  serve
      ->add_option("--model", model,
                   fmt::format("Serve the default model server of this protocol instead ({})",
                               known_protocols()))
      ->excludes(serve_file_option);
  serve->add_option("--bind", bind,
                    "Address or name to listen on, loopback only (127.0.0.0/8, ::1, localhost)");
  serve->add_option("--port", port, "Port (0: ephemeral; the first line says which)")
      ->check(CLI::Range(0, 65535));
  serve->add_option("--count", count, "Exit after this many connections (0: until interrupted)")
      ->check(CLI::Range(0, std::numeric_limits<int>::max()));
  serve->add_option("--timeout-ms", timeout_ms, "Bound on one connection's life")
      ->check(CLI::Range(1, std::numeric_limits<int>::max()));
  serve->add_option("--report-dir", serve_report_dir,
                    "Write reports for the judged connections here (keeps every result until "
                    "exit)");
  serve->add_flag("--no-redact", serve_no_redact, "Keep credentials in transcripts");
  bool serve_full_data = false;
  serve->add_flag("--full-data", serve_full_data, "Show every byte of long data in transcripts");
  bool serve_summary = false;
  serve->add_flag("--summary", serve_summary,
                  "Print each connection's verdict line only, not its transcript (load runs)");
  std::size_t judge_queue = 256;
  serve
      ->add_option("--judge-queue", judge_queue,
                   "Finished connections that may wait for the judge; when full the server "
                   "pauses until there is room")
      ->check(CLI::Range(1, 1000000));
  std::optional<std::size_t> line_limit, transcript_limit;
  serve
      ->add_option("--line-limit", line_limit,
                   "Longest client command line (octets, CRLF included) before the server "
                   "answers the protocol's 'line too long' reply (default: the protocol's, 65536)")
      ->check(CLI::Range(fakeservers::min_line_limit, fakeservers::max_line_limit));
  serve
      ->add_option("--transcript-limit", transcript_limit,
                   "Bytes of transcript kept per connection; past it the rest is counted and "
                   "hashed, not kept (default 16777216)")
      ->check(CLI::Range(fakeservers::min_transcript_limit, fakeservers::max_transcript_limit));

  std::string compare_base, compare_new, compare_html, compare_markdown;
  reports::compare_options compare_opts;
  int compare_min_ms = 250;
  auto* compare = app.add_subcommand(
      "compare", "What got worse between two runs; exit 1 if anything did (report.json or folder)");
  compare->add_option("base", compare_base, "The earlier run: report.json or its folder")
      ->required();
  compare->add_option("new", compare_new, "The later run: report.json or its folder")->required();
  compare->add_option("--html", compare_html, "Also write the comparison as an HTML page");
  compare->add_option("--markdown", compare_markdown, "Also write it as Markdown");
  compare
      ->add_option("--time-ratio", compare_opts.time_ratio,
                   "Slower: more than this many times the base's time (and --time-min-ms longer)")
      ->check(CLI::Range(1.0, 1e6));
  compare->add_option("--time-min-ms", compare_min_ms, "Slower: at least this much longer")
      ->check(CLI::Range(0, 86400000));
  compare->add_flag("--ignore-time", compare_opts.ignore_time, "Do not compare times");

  // An unsigned count: digits only (CLI11 would wrap "-1" into the largest unsigned value).
  const CLI::Validator counts(
      [](std::string& v) -> std::string {
        if (!v.empty() &&
            std::all_of(v.begin(), v.end(), [](unsigned char c) { return std::isdigit(c) != 0; }))
          return "";
        return fmt::format("'{}' is not a count (a non-negative integer)", v);
      },
      "COUNT");
  harness::bench::options bench_opts;
  std::string bench_url, bench_json, bench_baseline;
  double bench_tolerance = 10;
  int bench_duration_s = 0, bench_timeout_ms = 10000;
  auto* bench =
      app.add_subcommand("bench", "Measure the in-tree client against a server (real or --fake)");
  bench->add_option("url", bench_url, bench_url_forms())->required();
  bench->add_option("--op", bench_opts.op, bench_ops())->required();
  bench
      ->add_option("-c,--connections", bench_opts.connections,
                   "Concurrent sessions (up to 1024; --op idle: up to 100000)")
      ->check(CLI::Range(1, 100000));
  bench
      ->add_option("-n,--count", bench_opts.count,
                   "Operations in all (default 1000 unless --duration)")
      ->check(counts);
  bench->add_option("-d,--duration", bench_duration_s, "Seconds to run instead of a count")
      ->check(CLI::Range(1, 3600));
  bench->add_option("--warmup", bench_opts.warmup, "Operations per connection before measuring")
      ->check(counts);
  bench
      ->add_option("--size", bench_opts.size, "Message, article, upload or HTTP body size in bytes")
      ->check(counts);
  bench->add_option("--recipients", bench_opts.recipients, "SMTP recipients per message")
      ->check(CLI::Range(1, 1000));
  bench
      ->add_option("--per-connection", bench_opts.per_connection,
                   "Operations before reconnecting (0: never)")
      ->check(counts);
  bench->add_flag("--fake", bench_opts.fake, "Start the protocol's model fake server in-process");
  bench->add_flag("!--no-keepalive", bench_opts.keepalive,
                  "HTTP: a new connection per request (Connection: close)");
  bench->add_flag("--active", bench_opts.active, "FTP: active data connections (EPRT/PORT)");
  bench->add_flag("--tls", bench_opts.tls,
                  "SMTP STARTTLS, FTP AUTH TLS + PROT P, POP3 STLS, NNTP STARTTLS");
  bench->add_flag("--insecure", bench_opts.insecure,
                  "With --tls: do not verify the server's certificate (a real server's own)");
  bench->add_option("--timeout-ms", bench_timeout_ms, "Bound on every client network wait")
      ->check(CLI::Range(1, std::numeric_limits<int>::max()));
  bench->add_option("--json", bench_json, "Write the figures as JSON here");
  bench->add_option("--baseline", bench_baseline,
                    "Compare with a JSON written by --json; exit 1 on a regression");
  bench->add_option("--tolerance", bench_tolerance, "Allowed drop against --baseline, in percent");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? exit_ok : exit_usage;
  }
  try {
    if (*run) {
      reports::render_options render;
      render.redact = !no_redact;
      render.full_data = full_data;
      render.color = use_color(color_mode);
      return cmd_run(paths, run_sel, jobs, report_dir, client_cmd, strict, render, verbose, quiet);
    }
    if (*list) return cmd_list(list_paths, list_sel, list_json);
    if (*merge) return cmd_merge(merge_out, merge_inputs, merge_strict);
    if (*check) return cmd_check(check_paths);
    if (*rules) return cmd_rules(rules_protocol);
    if (*compare) {
      compare_opts.time_min = std::chrono::milliseconds(compare_min_ms);
      return cmd_compare(compare_base, compare_new, compare_opts, compare_html, compare_markdown);
    }
    if (*bench) {
      bench_opts.duration = std::chrono::seconds(bench_duration_s);
      bench_opts.timeout = std::chrono::milliseconds(bench_timeout_ms);
      return cmd_bench(bench_opts, bench_url, bench_json, bench_baseline, bench_tolerance);
    }
    if (*serve) {
      std::string address;
      if (auto problem = loopback_address(bind, address)) {
        std::cerr << fmt::format("protoharness serve: --bind {}: {}\n", reports::visible(bind),
                                 *problem);
        return exit_usage;
      }
      reports::render_options render;
      render.redact = !serve_no_redact;
      render.full_data = serve_full_data;
      render.color = use_color(color_mode);
      harness::serve_options so;
      so.server.bind = address;
      so.server.port = static_cast<std::uint16_t>(port);
      so.server.session_timeout = std::chrono::milliseconds(timeout_ms);
      so.server.line_limit = line_limit;
      so.server.transcript_limit = transcript_limit;
      so.count = static_cast<std::uint64_t>(std::max(count, 0));
      so.queue_limit = judge_queue;
      return cmd_serve(serve_file, model, so, serve_report_dir, render, serve_summary);
    }
  } catch (const std::exception& e) {
    std::cerr << "protoharness: " << shown(e) << "\n";
    return exit_usage;
  }
  return exit_usage;
}
