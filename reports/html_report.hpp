#pragma once
// The debugging view: index.html, one self-contained page (inline CSS and JS, no fetched
// resources) that opens from a CI artefact without a network.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "reports/render_options.hpp"
#include "reports/run_info.hpp"
#include "vocabulary/result.hpp"

namespace ph::reports {

// The page: a summary of the run, a filterable list of scenarios (failing first) and, for
// the scenario named by the URL's fragment (index.html#smtp/data-dot-stuffing), its first
// divergence, the script's expected lines beside the client's, the client steps' expected
// and actual outcomes, the failing rules (RFC sections linked) and the transcript as a
// client/server sequence with the rule findings at the events they cite. Filters can be
// set by the query: ?verdict=FAIL,WARN&protocol=smtp&tag=T&rule=ID&q=TEXT.
// Everything is embedded as one JSON document (html_data) that the script renders one
// scenario at a time. Credentials are masked unless options.redact is false.
std::string html_report(const std::vector<ph::scenario_result>& results, const run_info& info,
                        const render_options& options);

// The document html_report() embeds: {"run": {...}, "counts": {...}, "scenarios": [...]}.
// Byte strings are already made visible (reports/encoding.hpp) and redacted. A data event
// keeps at most options.head_bytes bytes and head_rows... rows unless options.full_data; a
// connection keeps at most html_connection_bytes of data, later events summarised as one
// elided run per channel and direction.
nlohmann::json html_data(const std::vector<ph::scenario_result>& results, const run_info& info,
                         const render_options& options);

// Data bytes of one connection that the page embeds before eliding the rest.
inline constexpr std::size_t html_connection_bytes = 64 * 1024;

}  // namespace ph::reports
