#include "reports/report_reader.hpp"

#include <fstream>
#include <stdexcept>

#include <fmt/format.h>

#include "vocabulary/base64.hpp"

namespace ph::reports {
namespace {

using json = nlohmann::json;
using ph::direction;
using ph::event_kind;

std::chrono::microseconds from_ms(const json& j, const char* key) {
  return std::chrono::microseconds(
      static_cast<std::int64_t>(j.contains(key) ? j[key].get<double>() * 1000.0 : 0.0));
}

// The bytes json_report wrote under `text_key` (valid UTF-8) or `base64_key`.
std::string bytes_of(const json& j, const char* text_key, const char* base64_key) {
  if (j.contains(text_key)) return j[text_key].get<std::string>();
  if (j.contains(base64_key)) {
    auto decoded = ph::base64_decode(j[base64_key].get<std::string>());
    if (!decoded) throw std::runtime_error(fmt::format("'{}' is not base64", base64_key));
    return *decoded;
  }
  return {};
}

template <typename Enum, std::size_t N>
Enum named(const json& j, const Enum (&values)[N]) {
  const auto text = j.get<std::string>();
  for (Enum v : values)
    if (ph::to_string(v) == text) return v;
  throw std::runtime_error(fmt::format("unknown value '{}'", text));
}

constexpr event_kind event_kinds[] = {
    event_kind::open,       event_kind::data,  event_kind::tls_start, event_kind::tls_ready,
    event_kind::tls_failed, event_kind::close, event_kind::reset,     event_kind::note};
constexpr ph::outcome outcomes[] = {ph::outcome::pass, ph::outcome::fail,
                                    ph::outcome::not_applicable};
constexpr ph::verdict verdicts[] = {ph::verdict::pass, ph::verdict::warn, ph::verdict::fail,
                                    ph::verdict::error, ph::verdict::not_applicable};
constexpr ph::script_read reads[] = {ph::script_read::none, ph::script_read::line,
                                     ph::script_read::block};

ph::transcript transcript_of(const json& j) {
  ph::transcript t;
  t.connection = j.value("connection", 0);
  for (const auto& c : j.at("channels"))
    t.channels.push_back({c.value("label", ""), c.value("client", ""), c.value("server", "")});
  for (const auto& je : j.at("events")) {
    ph::event e;
    e.kind = named(je.at("kind"), event_kinds);
    e.dir = je.value("dir", "") == "server_to_client" ? direction::server_to_client
                                                      : direction::client_to_server;
    e.channel = je.value("channel", 0);
    e.at = std::chrono::microseconds(je.value("t_us", std::int64_t{0}));
    e.bytes = bytes_of(je, "text", "base64");
    t.events.push_back(std::move(e));
  }
  if (j.contains("elided")) {
    const json& el = j["elided"];
    ph::elision e;
    e.limit = el.value("limit", std::size_t{0});
    e.event = el.value("event", -1);
    e.client_bytes = el.value("client_bytes", std::uint64_t{0});
    e.client_sha256 = el.value("client_sha256", "");
    e.server_bytes = el.value("server_bytes", std::uint64_t{0});
    e.server_sha256 = el.value("server_sha256", "");
    e.events = el.value("events", std::uint64_t{0});
    e.last = t.events.empty() ? std::chrono::microseconds(0) : t.events.back().at;
    t.elided = e;
  }
  return t;
}

ph::scenario_result result_of(const json& j, const rule_lookup& find_rule) {
  ph::scenario_result r;
  r.id = j.at("id").get<std::string>();
  r.file = j.value("file", "");
  r.protocol = j.value("protocol", "");
  r.summary = j.value("summary", "");
  r.tags = j.value("tags", std::vector<std::string>{});
  r.final = named(j.at("verdict"), verdicts);
  r.duration = from_ms(j, "duration_ms");
  r.problems = j.value("problems", std::vector<std::string>{});
  for (const auto& jr : j.value("rules", json::array())) {
    if (!jr.contains("id") || !jr["id"].is_string()) continue;
    const ph::rule_info* rule = find_rule(jr["id"].get<std::string>());
    if (rule == nullptr) continue;
    ph::rule_result rr;
    rr.rule = rule;
    rr.result = named(jr.at("outcome"), outcomes);
    rr.message = jr.value("message", "");
    for (const auto& je : jr.value("evidence", json::array())) {
      ph::evidence ev;
      ev.connection = je.value("connection", 0);
      ev.event = je.value("event", -1);
      ev.excerpt = bytes_of(je, "excerpt", "excerpt_base64");
      ev.length = je.value("length", std::uint64_t{ev.excerpt.size()});
      ev.sha256 = je.value("sha256", "");
      rr.evidence.push_back(std::move(ev));
    }
    r.rules.push_back(std::move(rr));
  }
  for (const auto& js : j.value("steps", json::array())) {
    ph::step_result st;
    st.op = js.value("op", "");
    st.expect = js.value("expect", json());
    st.outcome = js.value("outcome", json());
    st.matched = js.value("matched", true);
    st.mismatch = js.value("mismatch", "");
    st.elapsed = from_ms(js, "elapsed_ms");
    r.steps.push_back(std::move(st));
  }
  for (const auto& js : j.value("script", json::array())) {
    ph::script_step_trace tr;
    tr.connection = js.value("connection", 0);
    tr.step = js.value("step", 0);
    tr.where = js.value("where", "");
    tr.read = named(js.at("read"), reads);
    tr.expected = js.value("expected", "");
    tr.regex = js.value("regex", false);
    tr.reached = js.value("reached", false);
    tr.matched = js.value("matched", true);
    tr.mismatch = js.value("mismatch", "");
    tr.actual = bytes_of(js, "actual", "actual_base64");
    tr.actual_bytes = js.value("actual_bytes", tr.actual.size());
    tr.event = js.value("event", -1);
    tr.sent = bytes_of(js, "sent", "sent_base64");
    r.script.push_back(std::move(tr));
  }
  for (const auto& jt : j.value("transcripts", json::array()))
    r.connections.push_back(transcript_of(jt));
  r.client_log = bytes_of(j, "client_log", "client_log_base64");
  r.not_applicable = j.value("not_applicable", "");
  return r;
}

}  // namespace

json load_report(const std::filesystem::path& given) {
  std::filesystem::path path = given;
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) path /= "report.json";
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(fmt::format("cannot read {}", path.string()));
  json doc;
  try {
    doc = json::parse(in);
  } catch (const json::exception& e) {
    throw std::runtime_error(fmt::format("{} is not JSON: {}", path.string(), e.what()));
  }
  if (!doc.is_object() || doc.value("schema", "") != "protoharness.report/1" ||
      !doc.contains("scenarios") || !doc["scenarios"].is_array())
    throw std::runtime_error(fmt::format(
        "{} is not a protoharness report (schema protoharness.report/1)", path.string()));
  return doc;
}

std::vector<ph::scenario_result> results_from_report(const json& report,
                                                     const rule_lookup& find_rule) {
  std::vector<ph::scenario_result> out;
  for (const auto& s : report.at("scenarios")) {
    try {
      out.push_back(result_of(s, find_rule));
    } catch (const std::exception& e) {
      throw std::runtime_error(
          fmt::format("scenario {}: {}", s.is_object() ? s.value("id", "?") : "?", e.what()));
    }
  }
  return out;
}

run_info run_info_from_report(const json& report) {
  run_info info;
  const json run = report.value("run", json::object());
  info.tool_version = run.value("tool_version", "");
  info.started_at = run.value("started_at", "");
  info.wall_time = from_ms(run, "wall_time_ms");
  info.jobs = run.value("jobs", 1);
  info.client = run.value("client", "");
  info.hostname = run.value("hostname", "");
  info.command = run.value("command", "");
  info.paths = run.value("paths", std::vector<std::string>{});
  return info;
}

}  // namespace ph::reports
