#include "reports/html_report.hpp"

#include <algorithm>
#include <array>
#include <map>

#include <fmt/format.h>

#include "reports/divergence.hpp"
#include "reports/encoding.hpp"
#include "reports/html/resources.hpp"
#include "reports/json_report.hpp"
#include "reports/redactor.hpp"
#include "reports/rfc_links.hpp"

namespace ph::reports {
namespace {

using json = nlohmann::json;
using ph::direction;
using ph::event_kind;
using ph::outcome;

// A run of consecutive writes one way on one channel (a body, a file) embeds this many bytes;
// the rest of the run is summarised in one row.
constexpr std::size_t run_bytes = 8 * 1024;

double ms(std::chrono::microseconds d) {
  return static_cast<double>(d.count()) / 1000.0;
}

// Lines of `bytes` (each with its terminator), made visible.
json rows_of(std::string_view bytes) {
  json rows = json::array();
  std::size_t at = 0;
  while (at < bytes.size()) {
    std::size_t stop = bytes.find('\n', at);
    stop = stop == std::string_view::npos ? bytes.size() : stop + 1;
    rows.push_back(visible(bytes.substr(at, stop - at)));
    at = stop;
  }
  return rows;
}

std::string_view eol_of(std::string_view line) {
  if (line.ends_with("\r\n")) return line.substr(line.size() - 2);
  if (line.ends_with("\n") || line.ends_with("\r")) return line.substr(line.size() - 1);
  return {};
}

// One connection's events as [index, kind, dir, channel, t_us, rows, extra]; see html_data.
json events_json(const ph::transcript& t, const render_options& options) {
  json out = json::array();
  struct run {
    int channel = -1;
    direction dir = direction::client_to_server;
    std::size_t embedded = 0;
    std::size_t elided = 0;  // 1 + index in `out` of this run's summary row, once it has one
  } cur;
  std::map<std::pair<int, direction>, bool> mid_line;
  for (std::size_t i = 0; i < t.events.size(); ++i) {
    const auto& e = t.events[i];
    const int dir = e.dir == direction::client_to_server ? 0 : 1;
    const auto at = e.at.count();
    if (e.kind != event_kind::data) {
      cur = {};
      out.push_back(json::array(
          {i, ph::to_string(e.kind), dir, e.channel, at, json::array({visible(e.bytes)}), 0}));
      continue;
    }
    if (cur.channel != e.channel || cur.dir != e.dir) cur = {e.channel, e.dir, 0, 0};
    const bool continues = mid_line[{e.channel, e.dir}];
    if (!e.bytes.empty()) mid_line[{e.channel, e.dir}] = e.bytes.back() != '\n';
    if (!options.full_data && cur.embedded >= run_bytes) {
      if (cur.elided == 0) {
        out.push_back(json::array({i,
                                   "elided",
                                   dir,
                                   e.channel,
                                   at,
                                   json::array(),
                                   {{"n", 0}, {"bytes", 0}, {"last", i}, {"t2", at}}}));
        cur.elided = out.size();
      }
      json& x = out[cur.elided - 1][6];
      x["n"] = x["n"].get<std::size_t>() + 1;
      x["bytes"] = x["bytes"].get<std::size_t>() + e.bytes.size();
      x["last"] = i;
      x["t2"] = at;
      continue;
    }
    std::string_view bytes = e.bytes;
    json extra = json::object();
    if (continues) extra["c"] = 1;
    if (!options.full_data) {
      const std::size_t budget = std::min(options.head_bytes, run_bytes - cur.embedded);
      if (bytes.size() > budget) {
        const std::size_t keep = utf8_safe_cut(bytes, budget);
        extra["more"] = bytes.size() - keep;
        extra["sha"] = sha256_hex(bytes);
        bytes = bytes.substr(0, keep);
      }
    }
    cur.embedded += bytes.size();
    out.push_back(json::array({i, "data", dir, e.channel, at, rows_of(bytes),
                               extra.empty() ? json(0) : std::move(extra)}));
  }
  return out;
}

json connection_data(const ph::transcript& t, const render_options& options) {
  json channels = json::array();
  for (const auto& c : t.channels)
    channels.push_back(
        json::array({visible(c.label), visible(c.client_endpoint), visible(c.server_endpoint)}));
  return {{"n", t.connection}, {"ch", std::move(channels)}, {"ev", events_json(t, options)}};
}

// A step's outcome with long strings and arrays (a whole RETR'd message) cut: the page
// shows outcomes whole, and the transcript holds the bytes anyway.
constexpr std::size_t outcome_string_bytes = 512;
constexpr std::size_t outcome_array_items = 24;

json capped(const json& j) {
  if (j.is_string()) {
    const auto& text = j.get_ref<const std::string&>();
    if (text.size() <= outcome_string_bytes) return j;
    const std::size_t keep = utf8_safe_cut(text, outcome_string_bytes);
    return fmt::format("{}… ({} more bytes)", text.substr(0, keep), text.size() - keep);
  }
  if (j.is_array()) {
    json out = json::array();
    for (std::size_t i = 0; i < j.size() && i < outcome_array_items; ++i)
      out.push_back(capped(j[i]));
    if (j.size() > outcome_array_items)
      out.push_back(fmt::format("… ({} more items)", j.size() - outcome_array_items));
    return out;
  }
  if (!j.is_object()) return j;
  json out = json::object();
  for (const auto& [key, value] : j.items())
    out[key] = capped(value);
  return out;
}

json pieces(std::string_view s, const text_cut& cut) {
  return json::array({visible(s.substr(0, cut.head)),
                      visible(s.substr(cut.head, cut.tail - cut.head)),
                      visible(s.substr(cut.tail))});
}

json scenario_data(const ph::scenario_result& r, const render_options& options) {
  const redactor red(r);
  auto clean = [&](std::string_view s) { return options.redact ? red.apply(s) : std::string(s); };
  auto shown = [&](std::string_view s) { return visible(clean(s)); };

  json rules = json::array();
  std::size_t passed = 0, not_applicable = 0;
  for (std::size_t i = 0; i < r.rules.size(); ++i) {
    const auto& rr = r.rules[i];
    if (rr.result == outcome::pass) ++passed;
    if (rr.result == outcome::not_applicable) ++not_applicable;
    if (rr.result != outcome::fail) continue;
    json evidence = json::array();
    for (const auto& ev : rr.evidence)
      evidence.push_back(
          json::array({ev.connection, ev.event, visible_excerpt(clean(ev.excerpt), 240)}));
    json links = json::array();
    json jr = {{"n", i}, {"msg", shown(rr.message)}, {"ev", std::move(evidence)}};
    if (rr.rule != nullptr) {
      for (const auto& piece : rfc_links(rr.rule->rfc))
        links.push_back(json::array({piece.text, piece.url}));
      jr["id"] = rr.rule->id;
      jr["lvl"] = ph::to_string(rr.rule->lvl);
      jr["lt"] = rr.rule->level_text;
      jr["sum"] = rr.rule->summary;
    } else {
      jr["id"] = "(unknown rule)";
      jr["lvl"] = "MUST";
    }
    jr["rfc"] = std::move(links);
    rules.push_back(std::move(jr));
  }

  json problems = json::array();
  for (const auto& p : r.problems)
    problems.push_back(shown(p));

  json steps = json::array();
  for (const auto& st : r.steps)
    steps.push_back({{"op", st.op},
                     {"exp", capped(options.redact ? red.apply_json(st.expect) : st.expect)},
                     {"out", capped(options.redact ? red.apply_json(st.outcome) : st.outcome)},
                     {"ok", st.matched},
                     {"mm", shown(st.mismatch)},
                     {"ms", ms(st.elapsed)}});

  json script = json::array();
  for (const auto& tr : r.script) {
    const std::string actual = clean(tr.actual);
    const std::string expected = clean(tr.expected);
    json js = {{"n", tr.step},
               {"at", tr.where},
               {"rd", ph::to_string(tr.read)},
               {"exp", visible(expected)},
               {"re", tr.regex},
               {"reached", tr.reached},
               {"ok", tr.matched},
               {"mm", shown(tr.mismatch)},
               {"bytes", tr.actual_bytes},
               {"conn", tr.connection},
               {"ev", tr.event},
               {"sent", rows_of(clean(tr.sent))}};
    if (tr.read == ph::script_read::line) {
      const std::string_view eol = eol_of(actual);
      const std::string_view line = std::string_view(actual).substr(0, actual.size() - eol.size());
      js["act"] = visible(line);
      js["eol"] = visible(eol);
      if (tr.reached && tr.actual_bytes > 0) {
        const pattern_diff d = diff_pattern(expected, line, tr.regex);
        if (d.differs)
          js["d"] = {{"e", pieces(expected, d.expected)}, {"a", pieces(line, d.actual)}};
      }
    } else if (tr.read == ph::script_read::block) {
      js["rows"] = rows_of(actual);
    }
    script.push_back(std::move(js));
  }

  json conns = json::array();
  for (const auto& t : r.connections)
    conns.push_back(options.redact ? connection_data(red.apply(t), options)
                                   : connection_data(t, options));

  json div = nullptr;
  if (auto d = first_divergence(r))
    div = {{"src", to_string(d->source)},
           {"text", shown(d->summary)},
           {"conn", d->connection},
           {"ev", d->event},
           {"idx", d->index}};

  json out = {{"id", r.id},
              {"p", r.protocol},
              {"v", ph::to_string(r.final)},
              {"s", r.summary},
              {"f", r.file},
              {"ms", ms(r.duration)},
              {"tags", r.tags},
              {"div", std::move(div)},
              {"rules", std::move(rules)},
              {"checked", {{"pass", passed}, {"na", not_applicable}}},
              {"probs", std::move(problems)},
              {"steps", std::move(steps)},
              {"script", std::move(script)},
              {"conns", std::move(conns)}};
  if (!r.client_log.empty()) out["log"] = rows_of(clean(r.client_log));
  return out;
}

void replace_once(std::string& s, std::string_view marker, std::string_view with) {
  const auto at = s.find(marker);
  if (at != std::string::npos) s.replace(at, marker.size(), with);
}

}  // namespace

json html_data(const std::vector<ph::scenario_result>& results, const run_info& info,
               const render_options& options) {
  json scenarios = json::array();
  for (const auto& r : results)
    scenarios.push_back(scenario_data(r, options));
  json run = run_json(info);
  run["redacted"] = options.redact;
  return {{"run", std::move(run)},
          {"counts", verdict_counts(results)},
          {"scenarios", std::move(scenarios)}};
}

std::string html_report(const std::vector<ph::scenario_result>& results, const run_info& info,
                        const render_options& options) {
  std::string data =
      html_data(results, info, options).dump(-1, ' ', false, json::error_handler_t::replace);
  // Inside <script>, "</script" or "<!--" would end or bend the element: '<' only occurs
  // inside JSON strings, where \u003c means the same.
  std::string safe;
  safe.reserve(data.size() + data.size() / 64);
  for (char c : data) {
    if (c == '<')
      safe += "\\u003c";
    else
      safe += c;
  }
  std::array<std::size_t, ph::verdict_kinds> counts{};
  for (const auto& r : results)
    ++counts[static_cast<std::size_t>(r.final)];
  const std::string title =
      fmt::format("protoharness: {} scenario{}, {} FAIL, {} ERROR, {} WARN", results.size(),
                  results.size() == 1 ? "" : "s", counts[2], counts[3], counts[1]);

  std::string page(resources::report_html);
  replace_once(page, "{{title}}", xml_escape(title));
  replace_once(page, "{{style}}", resources::report_css);
  replace_once(page, "{{script}}", resources::report_js);
  replace_once(page, "{{data}}", safe);
  return page;
}

}  // namespace ph::reports
