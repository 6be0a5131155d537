#pragma once
// Runs scenarios: a fake server per scenario, the client under test (in-tree driver or an
// external command) against it, then the judge. Scenarios run in parallel, each with its
// own server thread and io_context; nothing is shared between them.

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "fakeservers/fake_server.hpp"
#include "harness/shard.hpp"
#include "vocabulary/result.hpp"
#include "vocabulary/scenario.hpp"

namespace ph::harness {

struct run_options {
  int jobs = 1;
  std::string filter;                   // glob on scenario ids ("" = all)
  std::vector<std::string> tags;        // only scenarios carrying one of these (none = all)
  std::optional<harness::shard> shard;  // only this slice of what the filter selects
  std::map<std::string, double, std::less<>> shard_durations;  // ms by id, to balance slices
  std::optional<std::string> client_cmd;  // external client: "CMD {host} {port} {steps}"
  std::string work_dir = "/tmp";          // where step files for external clients go
  // Called (serialised) as each scenario finishes.
  std::function<void(const scenario_result&, std::size_t done, std::size_t total)> on_result;
};

// The files a run with `opts` runs: those whose id (or path) matches opts.filter and, when
// opts.tags names any, that carry one of them, then opts.shard's slice of them; in the order of
// `files`. Reads a file only to learn its tags; one that does not load is kept, so that the run
// reports why.
std::vector<std::string> select_scenario_files(const std::vector<std::string>& files,
                                               const run_options& opts);

// Loads, runs and judges one scenario file. Never throws: problems become verdicts.
scenario_result run_scenario_file(const std::string& file, const run_options& opts);

// Runs every scenario file, `opts.jobs` at a time; results in file order.
std::vector<scenario_result> run_scenario_files(const std::vector<std::string>& files,
                                                const run_options& opts);

// Checks a scenario completely without running it (loader, server side, client steps,
// rule ids). Throws scenario_error naming file:line.
scenario load_and_validate(const std::string& file);

// Applies the rules and derives the verdict from problems, steps and rule results.
// `scen` may be null (serve without a scenario).
void judge(scenario_result& result, const scenario* scen);

// A result for a connection served by `serve` (takes the record's transcript over).
scenario_result result_for_connection(fakeservers::connection_record rec, const scenario& scen);

}  // namespace ph::harness
