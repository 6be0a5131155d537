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
#include "harness/cli/cli.hpp"
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

using namespace ph;
using namespace ph::cli;

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
    cmd->add_option("--tag", sel.tags,
                    "Only scenarios carrying this tag (repeatable: any of them; with --filter: "
                    "both); `list --tags` shows the tags")
        ->expected(1)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    cmd->add_option("--shard", sel.shard,
                    "Only slice I of N (e.g. 2/4) of what --filter and --tag select: N runs with "
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
  bool list_json = false, list_tags = false;
  auto* list_json_flag = list->add_flag(
      "--json", list_json, "A JSON array of {id, file, protocol, mode, summary, tags} (for tools)");
  list->add_flag("--tags", list_tags, "The tags of the selected scenarios, with their counts")
      ->excludes(list_json_flag);

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

  std::string record_protocol, record_upstream, record_out, record_bind = "127.0.0.1",
                                                            record_report_dir;
  int record_port = 0, record_count = 0, record_timeout_ms = 30000;
  bool record_raw = false, record_summary = false, record_no_redact = false;
  auto* record = app.add_subcommand(
      "record",
      "Relay clients to a real server, judge each one, and write each connection as a "
      "scenario that replays the server");
  record->add_option("protocol", record_protocol, "The protocol spoken")->required();
  record->add_option("--upstream", record_upstream, "The server to relay to: HOST:PORT")
      ->required();
  record->add_option("--out", record_out,
                     "Write the first connection's scenario here (the second to FILE-2.toml, ...)");
  record->add_flag("--raw", record_raw,
                   "Expect every client line exactly (no normaliser; credentials kept)");
  record->add_option("--bind", record_bind, "Address to listen on, loopback only");
  record->add_option("--port", record_port, "Port (0: ephemeral; the first line says which)")
      ->check(CLI::Range(0, 65535));
  record
      ->add_option("--count", record_count,
                   "Exit after this many connections (0: until interrupted)")
      ->check(CLI::Range(0, std::numeric_limits<int>::max()));
  record->add_option("--timeout-ms", record_timeout_ms, "Bound on one relayed connection's life")
      ->check(CLI::Range(1, std::numeric_limits<int>::max()));
  record->add_option("--report-dir", record_report_dir,
                     "Write reports for the judged connections here");
  record->add_flag("--summary", record_summary, "Print each connection's verdict line only");
  record->add_flag("--no-redact", record_no_redact, "Keep credentials in printed transcripts");

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
    if (*list)
      return list_tags ? cmd_list_tags(list_paths, list_sel)
                       : cmd_list(list_paths, list_sel, list_json);
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
    if (*record) {
      fakeservers::relay_options ro;
      if (auto problem = loopback_address(record_bind, ro.bind)) {
        std::cerr << fmt::format("protoharness record: --bind {}: {}\n",
                                 reports::visible(record_bind), *problem);
        return exit_usage;
      }
      if (auto problem = split_host_port(record_upstream, ro.upstream_host, ro.upstream_port)) {
        std::cerr << fmt::format("protoharness record: --upstream {}: {}\n",
                                 reports::visible(record_upstream), *problem);
        return exit_usage;
      }
      ro.port = static_cast<std::uint16_t>(record_port);
      ro.session_timeout = std::chrono::milliseconds(record_timeout_ms);
      reports::render_options render;
      render.redact = !record_no_redact;
      render.color = use_color(color_mode);
      harness::serve_options so;
      so.server.bind = ro.bind;
      so.count = static_cast<std::uint64_t>(std::max(record_count, 0));
      return cmd_record(record_protocol, ro, so, record_out, record_raw, record_report_dir, render,
                        record_summary);
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
