#pragma once
// The machine-readable report, schema "protoharness.report/1".

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "reports/render_options.hpp"
#include "reports/run_info.hpp"
#include "vocabulary/result.hpp"

namespace ph::reports {

// {"schema": "protoharness.report/1",
//  "run": {tool_version, started_at, wall_time_ms, jobs, client, hostname, command, paths},
//  "counts": {"total", "PASS", "WARN", "FAIL", "ERROR"},
//  "scenarios": [scenario_json(...), ...]}
nlohmann::json json_report(const std::vector<ph::scenario_result>& results, const run_info& info,
                           const render_options& options);

// {tool_version, started_at, wall_time_ms, jobs, client, hostname, command, paths}: the "run"
// object of report.json and of the HTML view's data (reports/report_reader.hpp reads it back).
nlohmann::json run_json(const run_info& info);

// {"total": N, "PASS": n, "WARN": n, "FAIL": n, "ERROR": n}
nlohmann::json verdict_counts(const std::vector<ph::scenario_result>& results);

// One scenario: id, file, protocol, summary, tags, verdict, duration_ms, bytes {client_to_server,
// server_to_client} (as sent, before redaction, with what an elided transcript dropped), ops
// (client steps performed), problems, rules [{id, rfc, level, level_text, outcome, message,
// evidence [{connection, event, excerpt | excerpt_base64, and when the excerpt is cut: length and
// sha256 of the whole}]}], steps [{op, expect, outcome, matched, mismatch, elapsed_ms}], script
// [{connection, step, where, read, expected, regex, reached, matched, mismatch, actual |
// actual_base64, actual_bytes, event, sent | sent_base64}], transcripts [{connection, channels
// [{label, client, server}], events [{kind, dir, channel, t_us, text | base64}], elided (when the
// recorder dropped the end: {limit, event, client_bytes, client_sha256, server_bytes,
// server_sha256, events})}], first_divergence {source, text | text_base64, connection, event,
// index} (reports/divergence.hpp; absent when nothing diverged) and client_log. Byte strings are
// "text" when valid UTF-8, else "base64". Unless options.full_data, a data event over
// options.max_event_bytes keeps its first options.head_bytes and adds "omitted_bytes" and "sha256"
// (of the whole event). Credentials are masked as in the text form unless options.redact is false.
nlohmann::json scenario_json(const ph::scenario_result& result, const render_options& options);

// json_report() serialised with two-space indents; strings that are not valid UTF-8 (in
// messages or steps' outcomes) are repaired with U+FFFD rather than throwing.
std::string json_report_text(const std::vector<ph::scenario_result>& results, const run_info& info,
                             const render_options& options);

}  // namespace ph::reports
