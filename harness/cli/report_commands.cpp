// protoharness compare and merge: reading and joining earlier runs' reports.

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
  std::vector<ph::scenario_result> results;
  reports::run_info info;
  info.tool_version = version;
  info.command = command_text;
  info.client.clear();
  std::map<std::string, std::string> seen;  // id -> the report it came from
  const auto rules = harness::all_rules();
  auto find_rule = [&](std::string_view id) -> const ph::rule_info* {
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

}  // namespace ph::cli
