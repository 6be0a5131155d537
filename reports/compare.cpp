#include "reports/compare.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>

#include "reports/encoding.hpp"
#include "reports/html/resources.hpp"
#include "reports/markdown_summary.hpp"

namespace ph::reports {
namespace {

using json = nlohmann::json;

int rank(const std::string& verdict) {
  if (verdict == "PASS") return 0;
  if (verdict == "WARN") return 1;
  if (verdict == "FAIL") return 2;
  if (verdict == "ERROR") return 3;
  return -1;
}

struct scenario_view {
  std::string verdict;
  double ms = 0;
  std::set<std::string> failing;
  std::string divergence;
};

std::string text_of(const json& j, const char* text_key) {
  if (!j.is_object()) return "";
  const auto it = j.find(text_key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

scenario_view view_of(const json& s) {
  scenario_view v;
  v.verdict = s.value("verdict", "");
  if (s.contains("duration_ms") && s["duration_ms"].is_number())
    v.ms = s["duration_ms"].get<double>();
  if (s.contains("rules") && s["rules"].is_array())
    for (const auto& r : s["rules"])
      if (r.is_object() && r.value("outcome", "") == "fail" && r.contains("id") &&
          r["id"].is_string())
        v.failing.insert(r["id"].get<std::string>());
  if (s.contains("first_divergence")) v.divergence = text_of(s["first_divergence"], "text");
  return v;
}

// The scenarios of a report by id, and their order.
std::pair<std::map<std::string, scenario_view>, std::vector<std::string>> scenarios_of(
    const json& report) {
  std::map<std::string, scenario_view> by_id;
  std::vector<std::string> order;
  for (const auto& s : report["scenarios"]) {
    if (!s.is_object() || !s.contains("id") || !s["id"].is_string()) continue;
    const std::string id = s["id"];
    if (!by_id.contains(id)) order.push_back(id);
    by_id[id] = view_of(s);
  }
  return {std::move(by_id), std::move(order)};
}

std::vector<std::string> minus(const std::set<std::string>& a, const std::set<std::string>& b) {
  std::vector<std::string> out;
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

std::string ms_text(double ms) {
  return ms >= 1000 ? fmt::format("{:.2f} s", ms / 1000) : fmt::format("{:.0f} ms", ms);
}

std::string verdicts(const scenario_change& c) {
  if (c.base_verdict.empty()) return fmt::format("(new) {}", c.new_verdict);
  if (c.new_verdict.empty()) return fmt::format("{} (removed)", c.base_verdict);
  if (c.base_verdict == c.new_verdict) return c.new_verdict;
  return fmt::format("{} → {}", c.base_verdict, c.new_verdict);
}

std::string rule_changes(const scenario_change& c, std::string_view sep = " ") {
  std::string out;
  for (const auto& r : c.rules_added)
    out += (out.empty() ? "" : std::string(sep)) + "+" + r;
  for (const auto& r : c.rules_gone)
    out += (out.empty() ? "" : std::string(sep)) + "-" + r;
  return out;
}

std::string headline(const comparison& c) {
  std::size_t added = 0, gone = 0;
  for (const auto* list : {&c.worse, &c.fixed, &c.findings})
    for (const auto& s : *list) {
      added += s.rules_added.size();
      gone += s.rules_gone.size();
    }
  return fmt::format(
      "{} worse, {} fixed, rule findings {} added and {} gone, {} scenario(s) added, {} removed, "
      "{} slower",
      c.worse.size(), c.fixed.size(), added, gone, c.added.size(), c.removed.size(),
      c.slower.size());
}

std::string slower_rule(const comparison& c) {
  return fmt::format("more than {:g}× and at least {} ms longer", c.options.time_ratio,
                     c.options.time_min.count());
}

std::string badge(const std::string& verdict) {
  if (verdict.empty()) return "<span class=\"muted\">—</span>";
  return fmt::format("<span class=\"badge {0}\">{0}</span>", xml_escape(verdict, true));
}

}  // namespace

bool comparison::got_worse() const {
  if (!worse.empty() || !slower.empty()) return true;
  for (const auto& s : findings)
    if (!s.rules_added.empty()) return true;
  for (const auto& s : fixed)
    if (!s.rules_added.empty()) return true;
  return false;
}

comparison compare_reports(const json& base, const json& next, const compare_options& options) {
  comparison c;
  c.options = options;
  auto [before, before_order] = scenarios_of(base);
  auto [after, after_order] = scenarios_of(next);
  c.base_total = before_order.size();
  c.new_total = after_order.size();
  if (base.contains("run") && base["run"].is_object())
    c.base_started = base["run"].value("started_at", "");
  if (next.contains("run") && next["run"].is_object())
    c.new_started = next["run"].value("started_at", "");
  for (const auto& id : after_order) {
    const scenario_view& now = after[id];
    scenario_change ch;
    ch.id = id;
    ch.new_verdict = now.verdict;
    ch.new_ms = now.ms;
    ch.divergence = now.divergence;
    const auto was = before.find(id);
    if (was == before.end()) {
      ch.rules_added.assign(now.failing.begin(), now.failing.end());
      if (rank(now.verdict) > 0) c.worse.push_back(ch);
      c.added.push_back(std::move(ch));
      continue;
    }
    const scenario_view& then = was->second;
    ch.base_verdict = then.verdict;
    ch.base_ms = then.ms;
    ch.rules_added = minus(now.failing, then.failing);
    ch.rules_gone = minus(then.failing, now.failing);
    if (!options.ignore_time && now.ms > then.ms * options.time_ratio &&
        now.ms - then.ms >= static_cast<double>(options.time_min.count()))
      c.slower.push_back(ch);
    if (rank(now.verdict) > rank(then.verdict)) {
      c.worse.push_back(std::move(ch));
    } else if (rank(now.verdict) < rank(then.verdict)) {
      if (ch.divergence.empty()) ch.divergence = then.divergence;
      c.fixed.push_back(std::move(ch));
    } else if (!ch.rules_added.empty() || !ch.rules_gone.empty()) {
      c.findings.push_back(std::move(ch));
    }
  }
  for (const auto& id : before_order) {
    if (after.contains(id)) continue;
    scenario_change ch;
    ch.id = id;
    ch.base_verdict = before[id].verdict;
    ch.base_ms = before[id].ms;
    c.removed.push_back(std::move(ch));
  }
  return c;
}

// Entries listed per section; the rest are counted (a renamed folder removes hundreds).
constexpr std::size_t text_listed = 100, markdown_listed = 50;

std::string compare_text(const comparison& c) {
  std::string out =
      fmt::format("{} ({} scenarios{}) → {} ({} scenarios{})\n", c.base_name, c.base_total,
                  c.base_started.empty() ? "" : ", " + c.base_started, c.new_name, c.new_total,
                  c.new_started.empty() ? "" : ", " + c.new_started);
  out += headline(c) + "\n";
  auto list = [&](std::string_view title, const std::vector<scenario_change>& items,
                  bool divergence) {
    if (items.empty()) return;
    out += fmt::format("\n{}:\n", title);
    for (std::size_t i = 0; i < items.size(); ++i) {
      const auto& s = items[i];
      if (i == text_listed) {
        out += fmt::format("  … and {} more\n", items.size() - i);
        break;
      }
      out += fmt::format("  {:<14} {}", verdicts(s), s.id);
      if (const std::string rules = rule_changes(s); !rules.empty()) out += "  " + rules;
      out += "\n";
      if (divergence && !s.divergence.empty())
        out += fmt::format("                 first divergence: {}\n", s.divergence);
    }
  };
  list("Worse", c.worse, true);
  list("Fixed", c.fixed, false);
  list("Rule findings changed", c.findings, true);
  list("Added", c.added, false);
  list("Removed", c.removed, false);
  if (!c.slower.empty()) {
    out += fmt::format("\nSlower ({}):\n", slower_rule(c));
    for (const auto& s : c.slower)
      out += fmt::format("  {:<14} {}  {} → {}\n", s.new_verdict, s.id, ms_text(s.base_ms),
                         ms_text(s.new_ms));
  }
  out += c.got_worse() ? "\nworse than the base run\n" : "\nnothing got worse\n";
  return out;
}

std::string compare_markdown(const comparison& c) {
  std::string out =
      fmt::format("## {} protoharness compare: {}\n\n{} ({} scenarios) → {} ({} scenarios)\n\n",
                  c.got_worse() ? "❌" : "✅", headline(c), markdown_code(c.base_name), c.base_total,
                  markdown_code(c.new_name), c.new_total);
  auto table = [&](std::string_view title, const std::vector<scenario_change>& items) {
    if (items.empty()) return;
    out += fmt::format(
        "### {}\n\n| scenario | verdict | rule findings | first divergence |\n"
        "|---|---|---|---|\n",
        title);
    for (std::size_t i = 0; i < items.size(); ++i) {
      const auto& s = items[i];
      if (i == markdown_listed) {
        out += fmt::format("| … and {} more | | | |\n", items.size() - i);
        break;
      }
      out += fmt::format("| {} | {} | {} | {} |\n", markdown_code(s.id),
                         markdown_escape(verdicts(s)), markdown_escape(rule_changes(s, ", ")),
                         s.divergence.empty() ? "" : markdown_code(s.divergence.substr(0, 200)));
    }
    out += "\n";
  };
  table("Worse", c.worse);
  table("Fixed", c.fixed);
  table("Rule findings changed", c.findings);
  table("Added", c.added);
  table("Removed", c.removed);
  if (!c.slower.empty()) {
    out += fmt::format("### Slower ({})\n\n| scenario | before | after |\n|---|---:|---:|\n",
                       markdown_escape(slower_rule(c)));
    for (const auto& s : c.slower)
      out += fmt::format("| {} | {} | {} |\n", markdown_code(s.id), ms_text(s.base_ms),
                         ms_text(s.new_ms));
    out += "\n";
  }
  return out;
}

std::string compare_html(const comparison& c) {
  std::string body = fmt::format(
      "<h1>protoharness compare {}</h1><p class=\"summary\">{}</p><p class=\"meta\"><span>base "
      "<b class=\"mono\">{}</b> ({} scenarios{})</span><span>new <b class=\"mono\">{}</b> ({} "
      "scenarios{})</span></p>",
      c.got_worse() ? "<span class=\"badge FAIL\">worse</span>"
                    : "<span class=\"badge PASS\">nothing worse</span>",
      xml_escape(headline(c)), xml_escape(c.base_name), c.base_total,
      xml_escape(c.base_started.empty() ? "" : ", " + c.base_started), xml_escape(c.new_name),
      c.new_total, xml_escape(c.new_started.empty() ? "" : ", " + c.new_started));
  auto table = [&](std::string_view title, const std::vector<scenario_change>& items, bool times) {
    if (items.empty()) return;
    body += fmt::format(
        "<h2>{}</h2><table class=\"grid\"><tr><th>scenario</th><th>base</th>"
        "<th>new</th><th>{}</th></tr>",
        xml_escape(title), times ? "time" : "rule findings · first divergence");
    for (const auto& s : items) {
      std::string detail;
      if (times) {
        detail = xml_escape(ms_text(s.base_ms) + " → " + ms_text(s.new_ms));
      } else {
        for (const auto& r : s.rules_added)
          detail += fmt::format("<span class=\"lvl\">+</span> <code>{}</code> ", xml_escape(r));
        for (const auto& r : s.rules_gone)
          detail +=
              fmt::format("<span class=\"lvl SHOULD\">−</span> <code>{}</code> ", xml_escape(r));
        if (!s.divergence.empty())
          detail += fmt::format("<div class=\"muted mono\">{}</div>", xml_escape(s.divergence));
      }
      body += fmt::format("<tr><td class=\"mono\">{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                          xml_escape(s.id), badge(s.base_verdict), badge(s.new_verdict), detail);
    }
    body += "</table>";
  };
  table("Worse", c.worse, false);
  table("Fixed", c.fixed, false);
  table("Rule findings changed", c.findings, false);
  table("Added", c.added, false);
  table("Removed", c.removed, false);
  table("Slower (" + slower_rule(c) + ")", c.slower, true);
  if (!c.got_worse() && c.fixed.empty() && c.findings.empty() && c.added.empty() &&
      c.removed.empty())
    body += "<p>No scenario changed its verdict or its rule findings.</p>";
  return fmt::format(
      "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>protoharness "
      "compare: {}</title>\n<style>\n{}\n#view {{ max-width: 1200px; margin: 0 auto; }}\n"
      "table.grid {{ margin-bottom: 8px; }}\n</style>\n</head>\n<body>\n<main id=\"view\">{}"
      "</main>\n</body>\n</html>\n",
      xml_escape(headline(c)), resources::report_css, body);
}

}  // namespace ph::reports
