#pragma once
// Console output: one line per scenario as it finishes, and a summary at the end.

#include <string>
#include <vector>

#include "reports/render_options.hpp"
#include "reports/run_info.hpp"
#include "vocabulary/result.hpp"

namespace ph::reports {

// "PASS  smtp/data-dot-stuffing            12 ms\n". For any verdict but PASS, indented lines
// follow: each failing rule (id, RFC, level, message) with its evidence (conn, event,
// excerpt with CR/LF visible), then each problem. Ends with a newline. Credentials are
// masked unless options.redact is false.
std::string console_line(const ph::scenario_result& result, const render_options& options = {});

// "12 scenarios: 10 PASS, 1 WARN, 1 FAIL, 0 ERROR in 1.234 s (9.7 scenarios/s, -j 2)\n",
// then the ids that did not pass, by verdict. The rate uses info.wall_time and is left
// out when it is zero.
std::string console_summary(const std::vector<ph::scenario_result>& results, const run_info& info);

}  // namespace ph::reports
