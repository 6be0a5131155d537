// What the CLI's commands share.

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

#ifndef PH_VERSION
#define PH_VERSION "0.0.0"
#endif

namespace ph::cli {

const char* const version = PH_VERSION;
std::atomic<bool> interrupted{false};
std::string command_text;

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
  auto files = ph::find_scenario_files(paths);
  if (files.empty()) {
    std::cerr << "protoharness: no scenario files found\n";
    return std::nullopt;
  }
  return files;
}

// 1 when a scenario FAILed or ERRORed (or WARNed, with --strict), else 0.
int exit_status(const std::vector<ph::scenario_result>& results, bool strict) {
  for (const auto& r : results)
    if (r.final == ph::verdict::fail || r.final == ph::verdict::error ||
        (strict && r.final == ph::verdict::warn))
      return exit_failed;
  return exit_ok;
}

std::string selection_text(const selection& sel) {
  std::string text;
  if (!sel.filter.empty()) text = "--filter " + sel.filter;
  for (const auto& tag : sel.tags)
    text += fmt::format("{}--tag {}", text.empty() ? "" : " ", tag);
  return text.empty() ? "the paths" : text;
}

// Fills opts' filter and shard from `sel`; false (after saying why) on a usage error.
bool apply_selection(const selection& sel, harness::run_options& opts) {
  opts.filter = sel.filter;
  opts.tags = sel.tags;
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

}  // namespace ph::cli
