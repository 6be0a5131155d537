#pragma once
// Reading back a report.json (schema protoharness.report/1): for `compare`, for balancing
// shards by the durations of an earlier run, and for `merge`, which joins the shards'
// reports into one report folder.

#include <filesystem>
#include <functional>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "reports/run_info.hpp"
#include "vocabulary/result.hpp"

namespace ph::reports {

// A report.json, or the report.json inside a report folder. Throws std::runtime_error
// naming the path when it cannot be read, is not JSON or is not a protoharness report.
nlohmann::json load_report(const std::filesystem::path& path);

// The rule a report names by id (the judge's registry), or null for an id it does not know.
using rule_lookup = std::function<const ph::rule_info*(std::string_view id)>;

// The scenario results of a report as the writers need them again. What the report holds
// is what comes back: text already redacted stays redacted (no secrets are known), data
// events the run cut (without --full-data) keep only their head, and a rule id the lookup
// does not know is dropped. Throws std::runtime_error naming the scenario when a field has
// the wrong type.
std::vector<ph::scenario_result> results_from_report(const nlohmann::json& report,
                                                     const rule_lookup& find_rule);

// The report's run: version, start, wall time, jobs, client, host, command, paths.
run_info run_info_from_report(const nlohmann::json& report);

}  // namespace ph::reports
