#pragma once
// Inside the protoharness CLI: what its commands share, and the commands main() dispatches to
// (scenario_commands.cpp: run, list, check, rules; report_commands.cpp: compare, merge;
// serve_command.cpp; bench_command.cpp). main.cpp holds the command line itself.

#include <atomic>
#include <exception>
#include <optional>
#include <string>
#include <vector>

#include "harness/bench/bench.hpp"
#include "harness/runner.hpp"
#include "harness/serve.hpp"
#include "reports/compare.hpp"
#include "reports/console.hpp"

namespace ph::cli {

// The tree's version: "0.1.0+g<commit>".
extern const char* const version;

// Exit codes: 0 all passed, 1 a FAIL or ERROR (or WARN with --strict), 2 usage/setup error.
constexpr int exit_ok = 0, exit_failed = 1, exit_usage = 2;

// Set by SIGINT/SIGTERM: run and serve stop and still write their reports.
extern std::atomic<bool> interrupted;
extern std::string command_text;  // this invocation, for the reports' run info

std::string utc_now();

// An error message on one line: control characters (a CR LF from a scenario's value) made
// visible as the transcripts show them, and a message that quotes a huge value cut.
std::string shown(const std::exception& e);

// The protocols every subcommand knows, for messages: "smtp, pop3, ...".
std::string known_protocols();

// bench's help, from the registry's bench columns: the URL forms ("smtp://host:port, ...")
// and the ops ("smtp: sendmail; pop3: stat, ...").
std::string bench_url_forms();

std::string bench_ops();

// The scenario files below `paths` for run, list and check alike; nullopt (after saying why)
// when a path does not exist or there is no scenario file at all: a usage error.
std::optional<std::vector<std::string>> scenario_files(const std::vector<std::string>& paths);

// 1 when a scenario FAILed or ERRORed (or WARNed, with --strict), else 0.
int exit_status(const std::vector<ph::scenario_result>& results, bool strict);

// What run and list select: --filter and --tag, then --shard I/N (balanced by --shard-timings).
struct selection {
  std::string filter;
  std::vector<std::string> tags;  // any of them (a pack is the scenarios carrying its tag)
  std::string shard;              // "I/N", or empty
  std::string timings;            // an earlier run's report.json or report folder, or empty
};

// Fills opts' filter and shard from `sel`; false (after saying why) on a usage error.
bool apply_selection(const selection& sel, harness::run_options& opts);

// --color: always, never, or auto (a terminal on stdout, NO_COLOR unset or empty, TERM not
// "dumb"; https://no-color.org).
bool use_color(const std::string& mode);

int cmd_run(const std::vector<std::string>& paths, const selection& sel, int jobs,
            const std::string& report_dir, const std::string& client_cmd, bool strict,
            const reports::render_options& render, bool verbose, bool quiet);

// --json: an array of {id, file, protocol, mode, summary, tags} for tools (the CMake function
// protoharness_add_scenarios reads it); a file that does not load is {id, file, error}, so a
// tool can still name it.
int cmd_list(const std::vector<std::string>& paths, const selection& sel, bool json);

// list --tags: each tag of the selected scenarios and how many carry it, by name.
int cmd_list_tags(const std::vector<std::string>& paths, const selection& sel);

// What a selection that matched nothing was: "--filter smtp/* --tag security".
std::string selection_text(const selection& sel);

int cmd_check(const std::vector<std::string>& paths);

int cmd_rules(const std::string& protocol);

int cmd_bench(harness::bench::options opts, const std::string& url, const std::string& json_file,
              const std::string& baseline_file, double tolerance);

// --bind as the server takes it: a numeric address. A name is resolved (localhost) and any
// IPv4 form inet_aton accepts is normalised (127.1 is 127.0.0.1); IPv4 first when a name has
// both. The fake servers carry test credentials, so only loopback addresses are served.
// Returns the problem, or nullopt with `address` set.
std::optional<std::string> loopback_address(std::string host, std::string& address);

// protoharness compare: exit 1 when the new run is worse, 2 when a report cannot be read.
int cmd_compare(const std::string& base, const std::string& next,
                const reports::compare_options& options, const std::string& html_file,
                const std::string& markdown_file);

// protoharness merge OUT DIR...: the shards' reports as one report folder. Exit as `run`
// would have for the whole corpus; 2 when a report cannot be read or two shards ran the same
// scenario (the shards overlap, so the merged counts would lie).
int cmd_merge(const std::string& out_dir, const std::vector<std::string>& inputs, bool strict);

int cmd_serve(const std::string& scenario_file, const std::string& model,
              harness::serve_options opts, const std::string& report_dir,
              const reports::render_options& render, bool summary_only);

// protoharness record PROTOCOL --upstream HOST:PORT: a relay to the upstream that judges every
// client as serve does and writes each connection as a replayable scenario to `out` (the
// second to OUT-2.toml, and so on; none when `out` is empty).
int cmd_record(const std::string& protocol, fakeservers::relay_options relay,
               harness::serve_options opts, const std::string& out, bool raw,
               const std::string& report_dir, const reports::render_options& render,
               bool summary_only);

// "HOST:PORT" or "[V6]:PORT" into its parts; the problem, or nullopt.
std::optional<std::string> split_host_port(const std::string& text, std::string& host,
                                           std::uint16_t& port);

// The default model server's scenario for `protocol` (serve --model).
ph::scenario model_scenario(const std::string& protocol);

}  // namespace ph::cli
