// protoharness bench: throughput against a real or fake server.

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

}  // namespace ph::cli
