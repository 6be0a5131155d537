#include "reports/json_report.hpp"

#include "reports/divergence.hpp"
#include "reports/encoding.hpp"
#include "reports/redactor.hpp"

namespace ph::reports {
namespace {

using json = nlohmann::json;
using ph::direction;
using ph::event_kind;

double ms(std::chrono::microseconds d) {
  return static_cast<double>(d.count()) / 1000.0;
}

std::string_view to_string(direction dir) {
  return dir == direction::client_to_server ? "client_to_server" : "server_to_client";
}

// Sets j[text_key] or j[base64_key], whichever represents `bytes` exactly.
void put_bytes(json& j, std::string_view bytes, const char* text_key, const char* base64_key) {
  if (is_valid_utf8(bytes))
    j[text_key] = std::string(bytes);
  else
    j[base64_key] = base64_encode(bytes);
}

json redacted_json(const json& j, const redactor* red) {
  return red != nullptr ? red->apply_json(j) : j;
}

json transcript_json(const ph::transcript& t, const render_options& options) {
  json channels = json::array();
  for (const auto& c : t.channels)
    channels.push_back(
        {{"label", c.label}, {"client", c.client_endpoint}, {"server", c.server_endpoint}});
  json events = json::array();
  for (const auto& e : t.events) {
    json je = {{"kind", ph::to_string(e.kind)},
               {"dir", to_string(e.dir)},
               {"channel", e.channel},
               {"t_us", e.at.count()}};
    std::string_view bytes = e.bytes;
    if (e.kind == event_kind::data && !options.full_data &&
        bytes.size() > options.max_event_bytes) {
      const std::size_t keep = utf8_safe_cut(bytes, options.head_bytes);
      je["omitted_bytes"] = bytes.size() - keep;
      je["sha256"] = sha256_hex(bytes);
      bytes = bytes.substr(0, keep);
    }
    put_bytes(je, bytes, "text", "base64");
    events.push_back(std::move(je));
  }
  json out = {{"connection", t.connection}, {"channels", channels}, {"events", events}};
  if (const auto& el = t.elided)
    out["elided"] = {{"limit", el->limit},
                     {"event", el->event},
                     {"client_bytes", el->client_bytes},
                     {"client_sha256", el->client_sha256},
                     {"server_bytes", el->server_bytes},
                     {"server_sha256", el->server_sha256},
                     {"events", el->events}};
  return out;
}

}  // namespace

json scenario_json(const ph::scenario_result& r, const render_options& options) {
  const redactor red(r);
  const redactor* clean = options.redact ? &red : nullptr;
  auto text = [&](const std::string& s) { return clean ? clean->apply(s) : s; };

  std::size_t up = 0, down = 0;
  for (const auto& t : r.connections) {
    up += t.bytes(direction::client_to_server);
    down += t.bytes(direction::server_to_client);
    if (t.elided) {  // what crossed the wire, kept or not
      up += t.elided->client_bytes;
      down += t.elided->server_bytes;
    }
  }

  json problems = json::array();
  for (const auto& p : r.problems)
    problems.push_back(text(p));

  json rules = json::array();
  for (const auto& rr : r.rules) {
    json evidence = json::array();
    for (const auto& ev : rr.evidence) {
      json je = {{"connection", ev.connection}, {"event", ev.event}};
      put_bytes(je, text(ev.excerpt), "excerpt", "excerpt_base64");
      if (ev.cut()) {
        je["length"] = ev.length;
        je["sha256"] = ev.sha256;
      }
      evidence.push_back(std::move(je));
    }
    json jr = {{"outcome", ph::to_string(rr.result)},
               {"message", text(rr.message)},
               {"evidence", std::move(evidence)}};
    if (rr.rule != nullptr) {
      jr["id"] = rr.rule->id;
      jr["rfc"] = rr.rule->rfc;
      jr["level"] = ph::to_string(rr.rule->lvl);
      jr["level_text"] = rr.rule->level_text;
    } else {
      jr["id"] = nullptr;
    }
    rules.push_back(std::move(jr));
  }

  json steps = json::array();
  for (const auto& st : r.steps)
    steps.push_back({{"op", st.op},
                     {"expect", redacted_json(st.expect, clean)},
                     {"outcome", redacted_json(st.outcome, clean)},
                     {"matched", st.matched},
                     {"mismatch", text(st.mismatch)},
                     {"elapsed_ms", ms(st.elapsed)}});

  json script = json::array();
  for (const auto& tr : r.script) {
    json js = {{"connection", tr.connection},
               {"step", tr.step},
               {"where", tr.where},
               {"read", ph::to_string(tr.read)},
               {"expected", text(tr.expected)},
               {"regex", tr.regex},
               {"reached", tr.reached},
               {"matched", tr.matched},
               {"mismatch", text(tr.mismatch)},
               {"actual_bytes", tr.actual_bytes},
               {"event", tr.event}};
    put_bytes(js, text(tr.actual), "actual", "actual_base64");
    put_bytes(js, text(tr.sent), "sent", "sent_base64");
    script.push_back(std::move(js));
  }

  json transcripts = json::array();
  for (const auto& t : r.connections)
    transcripts.push_back(transcript_json(clean ? clean->apply(t) : t, options));

  json out = {{"id", r.id},
              {"file", r.file},
              {"protocol", r.protocol},
              {"summary", r.summary},
              {"tags", r.tags},
              {"verdict", ph::to_string(r.final)},
              {"duration_ms", ms(r.duration)},
              {"bytes", {{"client_to_server", up}, {"server_to_client", down}}},
              {"ops", r.steps.size()},
              {"problems", std::move(problems)},
              {"rules", std::move(rules)},
              {"steps", std::move(steps)},
              {"script", std::move(script)},
              {"transcripts", std::move(transcripts)}};
  if (auto d = first_divergence(r)) {
    json jd = {{"source", to_string(d->source)},
               {"connection", d->connection},
               {"event", d->event},
               {"index", d->index}};
    put_bytes(jd, text(d->summary), "text", "text_base64");
    out["first_divergence"] = std::move(jd);
  }
  if (!r.client_log.empty()) put_bytes(out, text(r.client_log), "client_log", "client_log_base64");
  if (!r.not_applicable.empty()) out["not_applicable"] = text(r.not_applicable);
  return out;
}

json run_json(const run_info& info) {
  return {{"tool_version", info.tool_version},
          {"started_at", info.started_at},
          {"wall_time_ms", ms(info.wall_time)},
          {"jobs", info.jobs},
          {"client", info.client},
          {"hostname", info.hostname},
          {"command", info.command},
          {"paths", info.paths}};
}

json verdict_counts(const std::vector<ph::scenario_result>& results) {
  json counts = {{"total", results.size()}, {"PASS", 0}, {"WARN", 0}, {"FAIL", 0}, {"ERROR", 0}};
  for (const auto& r : results) {
    auto& n = counts[std::string(ph::to_string(r.final))];  // "N/A" only when there is one
    n = n.is_null() ? 1 : n.get<std::size_t>() + 1;
  }
  return counts;
}

json json_report(const std::vector<ph::scenario_result>& results, const run_info& info,
                 const render_options& options) {
  json scenarios = json::array();
  for (const auto& r : results)
    scenarios.push_back(scenario_json(r, options));
  return {{"schema", "protoharness.report/1"},
          {"run", run_json(info)},
          {"counts", verdict_counts(results)},
          {"scenarios", std::move(scenarios)}};
}

std::string json_report_text(const std::vector<ph::scenario_result>& results, const run_info& info,
                             const render_options& options) {
  return json_report(results, info, options).dump(2, ' ', false, json::error_handler_t::replace) +
         "\n";
}

}  // namespace ph::reports
