#include "reports/ctrf.hpp"

#include <ctime>
#include <set>

#include <fmt/format.h>

#include "reports/divergence.hpp"
#include "reports/encoding.hpp"
#include "reports/redactor.hpp"
#include "reports/transcript_text.hpp"

namespace ph::reports {
namespace {

using json = nlohmann::json;
using ph::outcome;
using ph::verdict;

long long whole_ms(std::chrono::microseconds d) {
  return (d.count() + 500) / 1000;
}

std::string_view status_of(verdict v) {
  if (v == verdict::not_applicable) return "skipped";
  return v == verdict::pass || v == verdict::warn ? "passed" : "failed";
}

json lines_of(const std::string& text) {
  json out = json::array();
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t stop = text.find('\n', at);
    if (stop == std::string::npos) stop = text.size();
    out.push_back(text.substr(at, stop - at));
    at = stop + 1;
  }
  return out;
}

json test_json(const ph::scenario_result& r, const render_options& options) {
  json t = {{"name", r.id.empty() ? std::string("(unnamed)") : r.id},
            {"status", status_of(r.final)},
            {"duration", whole_ms(r.duration)},
            {"rawStatus", ph::to_string(r.final)},
            {"suite", json::array({r.protocol.empty() ? std::string("unknown") : r.protocol})}};
  if (!r.file.empty()) t["filePath"] = r.file;
  if (!r.tags.empty()) t["tags"] = r.tags;
  json extra = {{"summary", r.summary}};
  if (r.final != verdict::pass) {
    const redactor red(r);
    auto clean = [&](std::string_view s) {
      return visible(options.redact ? red.apply(s) : std::string(s));
    };
    if (auto d = first_divergence(r)) {
      t["message"] = clean(d->summary);
      extra["divergence"] = {
          {"source", to_string(d->source)}, {"connection", d->connection}, {"event", d->event}};
    }
    std::string trace;
    json rule_ids = json::array();
    for (const auto& rr : r.rules) {
      if (rr.result != outcome::fail) continue;
      const std::string id = rr.rule != nullptr ? rr.rule->id : "(unknown rule)";
      rule_ids.push_back(id);
      trace += rr.rule != nullptr ? fmt::format("{} ({}, {}): {}\n", id, rr.rule->rfc,
                                                ph::to_string(rr.rule->lvl), clean(rr.message))
                                  : fmt::format("{}: {}\n", id, clean(rr.message));
      for (const auto& ev : rr.evidence)
        trace += fmt::format("  conn {}, event {}: {}\n", ev.connection, ev.event,
                             visible_excerpt(options.redact ? red.apply(ev.excerpt) : ev.excerpt));
    }
    for (const auto& p : r.problems)
      trace += "problem: " + clean(p) + "\n";
    for (const auto& st : r.steps)
      if (!st.matched) trace += "step: " + clean(st.mismatch) + "\n";
    if (!trace.empty()) t["trace"] = trace;
    extra["rules"] = std::move(rule_ids);
    t["stdout"] = lines_of(render_transcript(r, options));
  }
  t["extra"] = std::move(extra);
  return t;
}

}  // namespace

long long epoch_ms(std::string_view s) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0, ms = 0;
  char z = 0;
  const std::string text(s);
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d.%3d%c", &y, &mo, &d, &h, &mi, &sec, &ms,
                  &z) != 8 ||
      z != 'Z')
    return 0;
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = sec;
  const std::time_t t = timegm(&tm);
  if (t == static_cast<std::time_t>(-1)) return 0;
  return static_cast<long long>(t) * 1000 + ms;
}

json ctrf_report(const std::vector<ph::scenario_result>& results, const run_info& info,
                 const render_options& options) {
  std::size_t passed = 0, failed = 0, skipped = 0, warn = 0, error = 0;
  std::set<std::string> suites;
  json tests = json::array();
  for (const auto& r : results) {
    const std::string_view status = status_of(r.final);
    (status == "passed" ? passed : status == "skipped" ? skipped : failed) += 1;
    if (r.final == verdict::warn) ++warn;
    if (r.final == verdict::error) ++error;
    suites.insert(r.protocol);
    tests.push_back(test_json(r, options));
  }
  const long long start = epoch_ms(info.started_at);
  const long long duration = whole_ms(info.wall_time);
  json tool = {{"name", "protoharness"}};
  if (!info.tool_version.empty()) tool["version"] = info.tool_version;
  json summary = {{"tests", results.size()},
                  {"passed", passed},
                  {"failed", failed},
                  {"skipped", skipped},
                  {"pending", 0},
                  {"other", 0},
                  {"suites", suites.size()},
                  {"start", start},
                  {"stop", start == 0 ? 0 : start + duration},
                  {"duration", duration},
                  {"extra", {{"warn", warn}, {"error", error}}}};
  json environment = {{"reportName", "protoharness"},
                      {"osPlatform", "linux"},
                      {"extra",
                       {{"hostname", info.hostname},
                        {"client", info.client},
                        {"jobs", info.jobs},
                        {"command", info.command},
                        {"paths", info.paths}}}};
  json out = {{"reportFormat", "CTRF"},
              {"specVersion", ctrf_spec_version},
              {"generatedBy", "protoharness"},
              {"results",
               {{"tool", std::move(tool)},
                {"summary", std::move(summary)},
                {"tests", std::move(tests)},
                {"environment", std::move(environment)}}}};
  if (!info.started_at.empty()) out["timestamp"] = info.started_at;
  return out;
}

std::string ctrf_report_text(const std::vector<ph::scenario_result>& results, const run_info& info,
                             const render_options& options) {
  return ctrf_report(results, info, options).dump(2, ' ', false, json::error_handler_t::replace) +
         "\n";
}

}  // namespace ph::reports
