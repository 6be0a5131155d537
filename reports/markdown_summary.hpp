#pragma once
// A Markdown summary short enough for a CI job's summary page (GitHub's step summary,
// GitLab's and Jenkins' Markdown panels).

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "reports/render_options.hpp"
#include "reports/run_info.hpp"
#include "vocabulary/result.hpp"

namespace ph::reports {

struct markdown_options {
  std::size_t max_listed = 25;             // scenarios listed per verdict; the rest are counted
  std::size_t max_findings = 3;            // rule findings shown per scenario
  std::string report_link = "index.html";  // where the full report is, relative or absolute
};

// A heading with the counts, a table by protocol, then each FAIL and ERROR (then WARN)
// scenario with a link into the report (report_link#id), its first divergence and its
// failing rules (level, id, RFC, message), and a link to the full report. Text from the run
// is made visible and escaped so that it cannot become Markdown or HTML; credentials are
// masked unless options.redact is false.
std::string markdown_summary(const std::vector<ph::scenario_result>& results, const run_info& info,
                             const render_options& options, const markdown_options& md = {});

// `text` as inline code: backticks enough to hold any backticks inside, kept on one line.
std::string markdown_code(std::string_view text);

// `text` with the characters Markdown or HTML would act on backslash-escaped.
std::string markdown_escape(std::string_view text);

}  // namespace ph::reports
