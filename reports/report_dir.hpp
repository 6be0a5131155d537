#pragma once
// A report folder for CI artefacts: the files below and one text transcript per scenario.

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "reports/render_options.hpp"
#include "reports/run_info.hpp"
#include "vocabulary/result.hpp"

namespace ph::reports {

// Writes dir/index.html (the debugging view), dir/junit.xml, dir/report.json,
// dir/ctrf.json, dir/summary.md (for a CI job's summary page) and
// dir/transcripts/<transcript_file_name(id)>, creating folders as needed and replacing
// files already there. Throws
// std::filesystem::filesystem_error naming the path that could not be created or written.
void write_report_dir(const std::filesystem::path& dir,
                      const std::vector<ph::scenario_result>& results, const run_info& info,
                      const render_options& options);

// What write_report_dir writes, for messages: "index.html, junit.xml, ...".
std::string report_dir_files();

// "<id with '/' and '\' replaced by '__'>.txt", e.g. "smtp__data-dot-stuffing.txt";
// "unnamed.txt" for an empty id.
std::string transcript_file_name(std::string_view id);

}  // namespace ph::reports
