#pragma once
// CTRF, the Common Test Report Format (https://ctrf.io), for CI systems that ingest it.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "reports/render_options.hpp"
#include "reports/run_info.hpp"
#include "vocabulary/result.hpp"

namespace ph::reports {

// The CTRF specification version the document follows (its JSON Schema, Appendix A).
inline constexpr const char* ctrf_spec_version = "0.0.0";

// {"reportFormat": "CTRF", "specVersion", "timestamp", "generatedBy",
//  "results": {"tool": {name, version}, "summary": {tests, passed, failed, skipped, pending,
//  other, suites, start, stop, duration, extra {warn, error}}, "tests": [...],
//  "environment": {reportName, osPlatform, extra {hostname, client, jobs, command, paths}}}}
// One test per scenario: name (the id), status, duration (ms), suite [protocol], filePath,
// tags, rawStatus (the verdict), and for every verdict but PASS a message (the first
// divergence), a trace (every failing rule with its evidence, every problem, every client
// step not as expected) and stdout (the transcript's lines). PASS and WARN are "passed"
// (a WARN breaks a SHOULD, which passes unless --strict); FAIL and ERROR are "failed".
// Times are whole milliseconds; start and stop count from the Unix epoch, taken from
// info.started_at and info.wall_time (0 when started_at is empty). Fields outside the
// schema go only into "extra" objects. Credentials are masked unless options.redact is false.
nlohmann::json ctrf_report(const std::vector<ph::scenario_result>& results, const run_info& info,
                           const render_options& options);

// ctrf_report() serialised with two-space indents (invalid UTF-8 repaired with U+FFFD).
std::string ctrf_report_text(const std::vector<ph::scenario_result>& results, const run_info& info,
                             const render_options& options);

// Milliseconds since the Unix epoch of a utc_timestamp() string ("2024-05-01T12:34:56.789Z"),
// or 0 when it is not one.
long long epoch_ms(std::string_view utc_timestamp);

}  // namespace ph::reports
