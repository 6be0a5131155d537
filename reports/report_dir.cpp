#include "reports/report_dir.hpp"

#include <cerrno>
#include <fstream>
#include <system_error>

#include "reports/ctrf.hpp"
#include "reports/html_report.hpp"
#include "reports/json_report.hpp"
#include "reports/junit.hpp"
#include "reports/markdown_summary.hpp"
#include "reports/transcript_text.hpp"

namespace ph::reports {
namespace {

namespace fs = std::filesystem;

void make_dirs(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw fs::filesystem_error("cannot create report folder", dir, ec);
  if (!fs::is_directory(dir))
    throw fs::filesystem_error("cannot create report folder", dir,
                               std::make_error_code(std::errc::not_a_directory));
}

void write_file(const fs::path& path, std::string_view text) {
  errno = 0;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (out) out.write(text.data(), static_cast<std::streamsize>(text.size()));
  if (out) out.close();
  if (!out) {
    const int err = errno != 0 ? errno : EIO;
    throw fs::filesystem_error("cannot write report file", path,
                               std::error_code(err, std::generic_category()));
  }
}

}  // namespace

std::string report_dir_files() {
  return "index.html, junit.xml, report.json, ctrf.json, summary.md, transcripts/";
}

std::string transcript_file_name(std::string_view id) {
  if (id.empty()) return "unnamed.txt";
  std::string out;
  for (char c : id) {
    if (c == '/' || c == '\\')
      out += "__";
    else
      out += c;
  }
  return out + ".txt";
}

void write_report_dir(const fs::path& dir, const std::vector<ph::scenario_result>& results,
                      const run_info& info, const render_options& options) {
  make_dirs(dir);
  write_file(dir / "junit.xml", junit_xml(results, info, options));
  write_file(dir / "report.json", json_report_text(results, info, options));
  write_file(dir / "index.html", html_report(results, info, options));
  write_file(dir / "ctrf.json", ctrf_report_text(results, info, options));
  write_file(dir / "summary.md", markdown_summary(results, info, options));
  const fs::path transcripts = dir / "transcripts";
  make_dirs(transcripts);
  for (const auto& r : results)
    write_file(transcripts / transcript_file_name(r.id), render_transcript(r, options));
}

}  // namespace ph::reports
