#include "reports/console.hpp"

#include <array>

#include <fmt/format.h>

#include "reports/encoding.hpp"
#include "reports/redactor.hpp"

namespace ph::reports {
namespace {

using ph::outcome;
using ph::verdict;

constexpr std::size_t max_evidence_shown = 3;

// The verdict word padded to five columns, in colour when asked (the padding stays outside
// the escape sequences so columns line up either way).
std::string verdict_word(verdict v, bool color) {
  const std::string_view word = ph::to_string(v);
  std::string out(word);
  if (color) {
    static constexpr std::string_view codes[] = {"32", "33", "31", "35", "36"};  // by verdict
    out = fmt::format("\033[1;{}m{}\033[0m", codes[static_cast<std::size_t>(v)], word);
  }
  out.append(word.size() < 5 ? 5 - word.size() : 0, ' ');
  return out;
}

}  // namespace

std::string console_line(const ph::scenario_result& result, const render_options& options) {
  const redactor red(result);
  auto clean = [&](std::string_view text) {
    return options.redact ? red.apply(text) : std::string(text);
  };
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(result.duration).count();
  std::string out =
      fmt::format("{} {:<32} {:>6} ms\n", verdict_word(result.final, options.color), result.id, ms);
  if (result.final == verdict::pass) return out;

  for (const auto& r : result.rules) {
    if (r.result != outcome::fail) continue;
    if (r.rule != nullptr) {
      out += fmt::format("      {} ({}, {}): {}\n", r.rule->id, r.rule->rfc,
                         ph::to_string(r.rule->lvl), visible(clean(r.message)));
    } else {
      out += fmt::format("      rule: {}\n", visible(clean(r.message)));
    }
    for (std::size_t k = 0; k < r.evidence.size() && k < max_evidence_shown; ++k) {
      const auto& ev = r.evidence[k];
      out += fmt::format("        conn {}, event {}: {}{}\n", ev.connection, ev.event,
                         visible_excerpt(clean(ev.excerpt)), evidence_cut_note(ev));
    }
    if (r.evidence.size() > max_evidence_shown)
      out += fmt::format("        … {} more\n", r.evidence.size() - max_evidence_shown);
  }
  for (const auto& s : result.steps)
    if (!s.matched) out += fmt::format("      step: {}\n", visible(clean(s.mismatch)));
  for (const auto& p : result.problems)
    out += fmt::format("      problem: {}\n", visible(clean(p)));
  return out;
}

std::string console_summary(const std::vector<ph::scenario_result>& results, const run_info& info) {
  std::array<std::size_t, ph::verdict_kinds> counts{};
  for (const auto& r : results)
    ++counts[static_cast<std::size_t>(r.final)];
  const double seconds = static_cast<double>(info.wall_time.count()) / 1e6;
  std::string out =
      fmt::format("{} scenario{}: {} PASS, {} WARN, {} FAIL, {} ERROR", results.size(),
                  results.size() == 1 ? "" : "s", counts[0], counts[1], counts[2], counts[3]);
  if (counts[4] > 0) out += fmt::format(", {} N/A", counts[4]);
  out += fmt::format(" in {:.3f} s", seconds);
  if (seconds > 0)
    out += fmt::format(" ({:.1f} scenarios/s, -j {})",
                       static_cast<double>(results.size()) / seconds, info.jobs);
  out += '\n';
  for (verdict v : {verdict::error, verdict::fail, verdict::warn, verdict::not_applicable})
    for (const auto& r : results)
      if (r.final == v) out += fmt::format("  {:<5} {}\n", ph::to_string(v), r.id);
  return out;
}

}  // namespace ph::reports
