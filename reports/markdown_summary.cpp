#include "reports/markdown_summary.hpp"

#include <array>
#include <map>

#include <fmt/format.h>

#include "reports/divergence.hpp"
#include "reports/encoding.hpp"
#include "reports/redactor.hpp"

namespace ph::reports {
namespace {

using ph::outcome;
using ph::verdict;

constexpr std::size_t max_line_bytes = 300;

std::string link_target(const markdown_options& md, std::string_view id) {
  // A fragment with '(' ')' or spaces would end the link early.
  std::string out = md.report_link + "#";
  for (char c : id) {
    if (c == ' ' || c == '(' || c == ')' || c == '<' || c == '>')
      out += fmt::format("%{:02X}", static_cast<unsigned char>(c));
    else
      out += c;
  }
  return out;
}

void scenario_entry(std::string& out, const ph::scenario_result& r, const render_options& options,
                    const markdown_options& md) {
  const redactor red(r);
  auto clean = [&](std::string_view s) {
    return visible_excerpt(options.redact ? red.apply(s) : std::string(s), max_line_bytes);
  };
  out += fmt::format("- **{}** [{}]({}) — {}\n", ph::to_string(r.final), markdown_code(r.id),
                     link_target(md, r.id), markdown_escape(r.summary));
  if (auto d = first_divergence(r))
    out += fmt::format("  - first divergence ({}): {}\n", to_string(d->source),
                       markdown_code(clean(d->summary)));
  std::size_t shown = 0, failing = 0;
  for (const auto& rr : r.rules) {
    if (rr.result != outcome::fail) continue;
    ++failing;
    if (shown == md.max_findings) continue;
    ++shown;
    if (rr.rule == nullptr) {
      out += fmt::format("  - rule: {}\n", markdown_escape(clean(rr.message)));
      continue;
    }
    out +=
        fmt::format("  - {} {} ({}): {}\n", ph::to_string(rr.rule->lvl), markdown_code(rr.rule->id),
                    markdown_escape(rr.rule->rfc), markdown_escape(clean(rr.message)));
  }
  if (failing > shown) out += fmt::format("  - … {} more rule finding(s)\n", failing - shown);
}

}  // namespace

std::string markdown_code(std::string_view text) {
  std::string flat;
  for (char c : text)
    flat += c == '\n' || c == '\r' ? ' ' : c;
  std::size_t run = 0, longest = 0;
  for (char c : flat) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  const std::string fence(longest + 1, '`');
  const bool pad = flat.empty() || flat.front() == '`' || flat.back() == '`' ||
                   flat.front() == ' ' || flat.back() == ' ';
  return pad ? fence + " " + flat + " " + fence : fence + flat + fence;
}

std::string markdown_escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\n' || c == '\r') {
      out += ' ';
      continue;
    }
    if (std::string_view("\\`*_{}[]()<>|~&").find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

std::string markdown_summary(const std::vector<ph::scenario_result>& results, const run_info& info,
                             const render_options& options, const markdown_options& md) {
  std::array<std::size_t, ph::verdict_kinds> counts{};
  std::map<std::string, std::array<std::size_t, ph::verdict_kinds>> by_protocol;
  for (const auto& r : results) {
    ++counts[static_cast<std::size_t>(r.final)];
    ++by_protocol[r.protocol.empty() ? "unknown" : r.protocol][static_cast<std::size_t>(r.final)];
  }
  const bool green = counts[2] == 0 && counts[3] == 0;
  std::string out =
      fmt::format("## {} protoharness: {} scenario{} — {} FAIL, {} ERROR, {} WARN, {} PASS\n\n",
                  green ? "✅" : "❌", results.size(), results.size() == 1 ? "" : "s", counts[2],
                  counts[3], counts[1], counts[0]);
  std::string run = fmt::format("{:.2f} s", static_cast<double>(info.wall_time.count()) / 1e6);
  if (!info.started_at.empty()) run = markdown_escape(info.started_at) + " · " + run;
  if (!info.client.empty()) run += " · client " + markdown_code(info.client);
  if (!info.command.empty()) run += " · " + markdown_code(info.command);
  out += run + "\n\n";

  out += "| protocol | PASS | WARN | FAIL | ERROR |\n|---|---:|---:|---:|---:|\n";
  for (const auto& [protocol, c] : by_protocol)
    out += fmt::format("| {} | {} | {} | {} | {} |\n", markdown_escape(protocol), c[0], c[1], c[2],
                       c[3]);
  out += "\n";

  auto section = [&](std::string_view title, std::initializer_list<verdict> which) {
    std::size_t total = 0, listed = 0;
    std::string body;
    for (verdict v : which)
      for (const auto& r : results) {
        if (r.final != v) continue;
        ++total;
        if (listed == md.max_listed) continue;
        ++listed;
        scenario_entry(body, r, options, md);
      }
    if (total == 0) return;
    out += fmt::format("### {}\n\n{}", title, body);
    if (total > listed)
      out +=
          fmt::format("- … and {} more in [the full report]({})\n", total - listed, md.report_link);
    out += "\n";
  };
  section("Failing", {verdict::fail, verdict::error});
  section("Warnings", {verdict::warn});
  section("Not applicable (the client cannot express a step)", {verdict::not_applicable});
  out += fmt::format(
      "Full report: [{}]({}) (transcripts side by side, rule findings at their bytes); also "
      "junit.xml, ctrf.json, report.json.\n",
      markdown_escape(md.report_link), md.report_link);
  return out;
}

}  // namespace ph::reports
