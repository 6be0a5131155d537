// protoharness run, list, check and rules.

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
  opts.on_result = [&](const ph::scenario_result& r, std::size_t done, std::size_t total) {
    if (quiet) {
      if (progress)
        std::cerr << fmt::format("\r\033[K[{}/{}] {}", done, total, reports::visible(r.id))
                  << std::flush;
      return;
    }
    std::string line = reports::console_line(r, render);
    std::cout << fmt::format("[{}/{}] ", done, total) << line;
    if (!line.ends_with('\n')) std::cout << '\n';
    if (verbose && r.final != ph::verdict::pass) std::cout << reports::render_transcript(r, render);
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
    std::cerr << "protoharness: no scenario matches " << reports::visible(selection_text(sel))
              << "\n";
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
      auto s = ph::load_scenario(file);
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
        entries.push_back({{"id", ph::scenario_id_for(file)}, {"file", file}, {"error", e.what()}});
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

int cmd_list_tags(const std::vector<std::string>& paths, const selection& sel) {
  auto found = scenario_files(paths);
  if (!found) return exit_usage;
  harness::run_options opts;
  if (!apply_selection(sel, opts)) return exit_usage;
  int rc = exit_ok;
  std::map<std::string, int> counts;
  for (const auto& file : harness::select_scenario_files(*found, opts)) {
    try {
      for (const auto& tag : ph::load_scenario(file).tags)
        ++counts[tag];
    } catch (const std::exception& e) {
      std::cout << "ERROR " << shown(e) << "\n";
      rc = exit_failed;
    }
  }
  for (const auto& [tag, n] : counts)
    std::cout << reports::visible(fmt::format("{:<20} {}", tag, n)) << "\n";
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

}  // namespace ph::cli
