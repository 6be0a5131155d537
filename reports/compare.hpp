#pragma once
// `protoharness compare BASE NEW`: what changed between two runs, read from their
// report.json files (schema protoharness.report/1).

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "reports/report_reader.hpp"

namespace ph::reports {

struct compare_options {
  // A scenario counts as slower when the new run took more than `time_ratio` times as long
  // AND at least `time_min` longer (so that 2 ms becoming 5 ms is not news).
  double time_ratio = 2.0;
  std::chrono::milliseconds time_min{250};
  bool ignore_time = false;  // report no slowdowns at all
};

// One scenario's change. A verdict is "" when the scenario is absent from that run.
struct scenario_change {
  std::string id;
  std::string base_verdict, new_verdict;
  std::vector<std::string> rules_added, rules_gone;  // failing rule ids
  double base_ms = 0, new_ms = 0;
  std::string divergence;  // the new run's first divergence (or the base's when fixed)
};

struct comparison {
  std::string base_name, new_name;  // as given on the command line
  std::string base_started, new_started;
  std::size_t base_total = 0, new_total = 0;
  std::vector<scenario_change> worse;     // a worse verdict, or added and not PASS
  std::vector<scenario_change> fixed;     // a better verdict
  std::vector<scenario_change> findings;  // same verdict, failing rules added or gone
  std::vector<scenario_change> added;     // only in the new run (any verdict)
  std::vector<scenario_change> removed;   // only in the base run
  std::vector<scenario_change> slower;    // beyond compare_options' threshold
  compare_options options;

  // Anything worse: a worse verdict, a rule finding added anywhere, a slowdown.
  [[nodiscard]] bool got_worse() const;
};

// Compares two parsed reports (as load_report returns them), scenario by scenario (by id).
// Verdicts rank PASS < WARN < FAIL < ERROR. Lists are in the new run's order (removed ones
// in the base's).
comparison compare_reports(const nlohmann::json& base, const nlohmann::json& next,
                           const compare_options& options = {});

// Renderings: plain text for the terminal, Markdown for a CI summary, and a self-contained
// HTML page (the report's style, no script).
std::string compare_text(const comparison& c);
std::string compare_markdown(const comparison& c);
std::string compare_html(const comparison& c);

}  // namespace ph::reports
