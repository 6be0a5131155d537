#include "harness/runner.hpp"

#include <algorithm>
#include <atomic>
#include <iterator>
#include <mutex>
#include <numeric>
#include <optional>
#include <set>
#include <thread>

#include <fmt/format.h>

#include "harness/driver.hpp"
#include "harness/expect.hpp"
#include "harness/external_client.hpp"
#include "harness/protocols.hpp"
#include "harness/rules/rule.hpp"

namespace ph::harness {

namespace {

using clock = std::chrono::steady_clock;
using json = nlohmann::json;

std::chrono::microseconds since(clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::microseconds>(clock::now() - t);
}

const protocol_row& protocol_of(const scenario& scen) {
  const protocol_row* p = find_protocol(scen.protocol);
  if (!p) scen.fail("/protocol", fmt::format("unknown protocol '{}'", scen.protocol));
  return *p;
}

void validate_rule_ids(const scenario& scen) {
  std::set<std::string> known;
  for (const rules::rule* r : protocol_of(scen).rules())
    known.insert(r->info().id);
  auto check = [&](const std::vector<std::string>& ids, const std::string& ptr) {
    for (std::size_t i = 0; i < ids.size(); ++i)
      if (!known.contains(ids[i]))
        scen.fail(ptr + "/" + std::to_string(i),
                  fmt::format("unknown {} rule '{}'", scen.protocol, ids[i]));
  };
  check(scen.skip_rules, "/judge/skip_rules");
  check(scen.expect_fail_rules, "/judge/expect_fail");
}

// Runs the steps with the in-tree client of the scenario's protocol.
void run_in_tree(const scenario& scen, const endpoint& ep, scenario_result& result) {
  const driver& d = *protocol_of(scen).client_driver;
  std::unique_ptr<client_session> client;
  try {
    client = d.start(scen, ep);
  } catch (...) {
    result.problems.push_back("client could not be created: " +
                              d.describe_error(std::current_exception()).dump());
    return;
  }
  for (const auto& step : scen.client) {
    step_result sr;
    sr.op = step.op;
    sr.expect = step.expect;
    auto started = clock::now();
    try {
      if (step.timeout) client->set_timeout(*step.timeout);
      sr.outcome = client->perform(step);
    } catch (...) {
      sr.outcome = d.describe_error(std::current_exception());
    }
    sr.elapsed = since(started);
    if (step.timeout) client->set_timeout(scen.client_timeout());
    if (auto diff = match_outcome(step.expect, sr.outcome)) {
      sr.matched = false;
      sr.mismatch =
          fmt::format("{}: step '{}': {}", scen.where(step.pointer + "/expect"), step.op, *diff);
    }
    result.steps.push_back(std::move(sr));
  }
  client.reset();  // closes the connection (without QUIT unless a step sent it)
}

void run_external(const scenario& scen, const endpoint& ep, const run_options& opts,
                  scenario_result& result) {
  external_run run = run_external_client(*opts.client_cmd, scen, ep, opts.work_dir);
  result.client_log = run.stderr_text;
  for (const auto& p : run.problems)
    result.problems.push_back(p);
  for (std::size_t i = 0; i < scen.client.size(); ++i) {
    const auto& step = scen.client[i];
    step_result sr;
    sr.op = step.op;
    sr.expect = step.expect;
    if (i < run.outcomes.size()) {
      sr.outcome = run.outcomes[i];
      if (sr.outcome.is_object() && sr.outcome.contains("not_applicable")) {
        const json& why = sr.outcome["not_applicable"];
        result.not_applicable = why.is_string() ? why.get<std::string>() : why.dump();
        if (result.not_applicable.empty()) result.not_applicable = "(no reason given)";
        result.steps.push_back(std::move(sr));
        return;  // the steps after it were not performed
      }
    } else {
      sr.outcome = {{"error", "not_reported"},
                    {"message", "the external client reported no outcome"}};
    }
    if (auto diff = match_outcome(step.expect, sr.outcome)) {
      sr.matched = false;
      sr.mismatch =
          fmt::format("{}: step '{}': {}", scen.where(step.pointer + "/expect"), step.op, *diff);
    }
    result.steps.push_back(std::move(sr));
  }
}

// A rough guess of a scenario's wall time, only to start long ones first so that -j N does
// not end with one worker sleeping through a stall while the others are idle: deadlines the
// client is expected to hit, server delays, and large generated bodies.
std::int64_t estimated_cost_ms(const scenario& scen) {
  std::int64_t cost = 0;
  const std::int64_t client_ms = scen.client_timeout().count();
  for (const auto& step : scen.client)
    if (step.expect.is_object() && step.expect.value("error", "") == "timeout")
      cost += step.args.value("timeout_ms", client_ms);
  auto walk = [&](auto&& self, const json& j) -> void {
    if (j.is_object()) {
      for (const auto& [key, v] : j.items()) {
        if (v.is_number_integer() && (key == "ms" || key == "delay_ms"))
          cost += v.template get<std::int64_t>();
        else if (v.is_number_integer() && (key == "size" || key == "body_size"))
          cost += v.template get<std::int64_t>() >> 16;  // ~64 KB per ms end to end, judged
        else
          self(self, v);
      }
    } else if (j.is_array()) {
      for (const auto& v : j)
        self(self, v);
    }
  };
  walk(walk, scen.server);
  return cost;
}

scenario_result error_result(const std::string& file, const std::string& message) {
  scenario_result r;
  r.file = file;
  r.id = file;
  r.final = verdict::error;
  r.problems.push_back(message);
  return r;
}

}  // namespace

scenario load_and_validate(const std::string& file) {
  scenario scen = load_scenario(file);
  const protocol_row& row = protocol_of(scen);
  fakeservers::validate_server(*row.dialect, scen);
  const driver& d = *row.client_driver;
  d.validate(scen);
  validate_rule_ids(scen);
  return scen;
}

void judge(scenario_result& result, const scenario* scen) {
  rules::context ctx{scen};
  const protocol_row* row = find_protocol(result.protocol);
  result.rules =
      row ? rules::judge(row->rules(), result.connections, ctx) : std::vector<rule_result>{};
  verdict v = verdict::pass;
  for (const auto& p : result.problems) {
    (void)p;
    v = worst(v, verdict::fail);
  }
  for (const auto& s : result.steps)
    if (!s.matched) v = worst(v, verdict::fail);
  std::set<std::string> skip, expect_fail;
  if (scen) {
    skip.insert(scen->skip_rules.begin(), scen->skip_rules.end());
    expect_fail.insert(scen->expect_fail_rules.begin(), scen->expect_fail_rules.end());
  }
  for (auto& r : result.rules) {
    const std::string& id = r.rule->id;
    if (skip.contains(id)) {
      r.result = outcome::not_applicable;
      r.message = "skipped by the scenario";
      r.evidence.clear();
      continue;
    }
    if (expect_fail.contains(id)) {
      if (r.result != outcome::fail) {
        result.problems.push_back(
            fmt::format("rule {} was expected to fail but {}", id, to_string(r.result)));
        v = worst(v, verdict::fail);
      }
      continue;  // an expected failure does not count against the client
    }
    if (r.result == outcome::fail)
      v = worst(v, r.rule->lvl == level::must ? verdict::fail : verdict::warn);
  }
  result.final = worst(result.final, v);
  // The client could not express a step: nothing it did says pass or fail. A harness ERROR
  // still stands (the fake server or the scenario is at fault whatever the client).
  if (!result.not_applicable.empty() && result.final != verdict::error) {
    result.final = verdict::not_applicable;
    result.problems = {"not applicable: " + result.not_applicable};
  }
}

namespace {

// Whether the scenario in `file` carries one of `tags`; true for a file that does not load, so
// that a selection by tag still runs it and reports why.
bool carries_any_tag(const std::string& file, const std::vector<std::string>& tags) {
  try {
    const auto carried = load_scenario(file).tags;
    return std::ranges::any_of(
        tags, [&](const std::string& t) { return std::ranges::find(carried, t) != carried.end(); });
  } catch (const std::exception&) {
    return true;
  }
}

scenario_result run_loaded(const scenario& scen, const run_options& opts,
                           clock::time_point started) {
  scenario_result result;
  result.id = scen.id;
  result.file = scen.file;
  result.protocol = scen.protocol;
  result.summary = scen.summary;
  result.tags = scen.tags;
  try {
    const protocol_row& row = protocol_of(scen);
    result.redaction = row.redaction;
    fakeservers::fake_server server(*row.dialect, scen, {.session_timeout = scen.timeout});
    endpoint ep{"127.0.0.1", server.start(), fakeservers::test_ca_pem()};
    if (opts.client_cmd)
      run_external(scen, ep, opts, result);
    else
      run_in_tree(scen, ep, result);
    result.secrets = row.client_driver->secrets(scen);
    // The client is done; its connections should end promptly (it closed, or the server did).
    if (!server.wait_idle(0, std::chrono::milliseconds(2000)))
      result.problems.push_back(
          "a connection was still open 2 s after the client finished (client did not close)");
    server.stop();
    for (auto& rec : server.connections()) {
      for (auto& p : rec.problems)
        result.problems.push_back(p);
      for (auto& e : rec.errors) {
        result.problems.push_back(e);
        result.final = verdict::error;
      }
      std::move(rec.script.begin(), rec.script.end(), std::back_inserter(result.script));
      result.connections.push_back(std::move(rec.transcript));
    }
    if (result.connections.empty() && !scen.client.empty() && scen.client.front().op != "none")
      result.problems.push_back("the client never connected");
  } catch (const std::exception& e) {
    result.problems.push_back(fmt::format("harness error: {}", e.what()));
    result.final = verdict::error;
  }
  judge(result, &scen);
  result.duration = since(started);
  return result;
}

// A scenario loaded (or the error that stopped it) and its estimated cost.
struct loaded_scenario {
  std::optional<scenario> scen;
  scenario_result error;
  std::int64_t cost_ms = 0;
  std::chrono::microseconds load_time{0};
};

loaded_scenario load_for_run(const std::string& file) {
  loaded_scenario l;
  auto started = clock::now();
  try {
    l.scen = load_and_validate(file);
    l.cost_ms = estimated_cost_ms(*l.scen);
  } catch (const std::exception& e) {
    l.error = error_result(file, e.what());
  }
  l.load_time = since(started);
  l.error.duration = l.load_time;
  return l;
}

}  // namespace

scenario_result run_scenario_file(const std::string& file, const run_options& opts) {
  loaded_scenario l = load_for_run(file);
  if (!l.scen) return std::move(l.error);
  return run_loaded(*l.scen, opts, clock::now() - l.load_time);
}

std::vector<std::string> select_scenario_files(const std::vector<std::string>& files,
                                               const run_options& opts) {
  std::vector<std::string> selected, ids;
  for (const auto& f : files) {
    std::string id = scenario_id_for(f);
    if (!opts.filter.empty() && !glob_match(opts.filter, id) && !glob_match(opts.filter, f))
      continue;
    if (!opts.tags.empty() && !carries_any_tag(f, opts.tags)) continue;
    selected.push_back(f);
    ids.push_back(std::move(id));
  }
  if (!opts.shard) return selected;
  std::vector<std::string> slice;
  for (std::size_t i : shard_slice(ids, *opts.shard, opts.shard_durations))
    slice.push_back(selected[i]);
  return slice;
}

std::vector<scenario_result> run_scenario_files(const std::vector<std::string>& files,
                                                const run_options& opts) {
  const std::vector<std::string> selected = select_scenario_files(files, opts);
  std::vector<scenario_result> results(selected.size());
  std::vector<loaded_scenario> loaded(selected.size());
  // Longest first (stable, so equal guesses keep file order): the run ends with short
  // scenarios filling the gaps instead of one long one running alone.
  std::vector<std::size_t> order(selected.size());
  std::iota(order.begin(), order.end(), 0);
  std::atomic<std::size_t> next{0};
  std::size_t done = 0;
  std::mutex mutex;
  auto run_all = [&](auto&& body) {
    next = 0;
    auto worker = [&] {
      for (std::size_t k = next++; k < order.size(); k = next++)
        body(order[k]);
    };
    int jobs = std::max(1, std::min<int>(opts.jobs, static_cast<int>(order.size())));
    std::vector<std::thread> threads;
    for (int j = 1; j < jobs; ++j)
      threads.emplace_back(worker);
    worker();
    for (auto& t : threads)
      t.join();
  };
  run_all([&](std::size_t i) { loaded[i] = load_for_run(selected[i]); });
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return loaded[a].cost_ms > loaded[b].cost_ms;
  });
  run_all([&](std::size_t i) {
    loaded_scenario& l = loaded[i];
    results[i] =
        l.scen ? run_loaded(*l.scen, opts, clock::now() - l.load_time) : std::move(l.error);
    l.scen.reset();
    std::lock_guard lock(mutex);
    ++done;
    if (opts.on_result) opts.on_result(results[i], done, selected.size());
  });
  return results;
}

scenario_result result_for_connection(fakeservers::connection_record rec, const scenario& scen) {
  scenario_result result;
  result.id = fmt::format("{}#{}", scen.id, rec.transcript.connection);
  result.file = scen.file;
  result.protocol = scen.protocol;
  if (const protocol_row* row = find_protocol(scen.protocol)) result.redaction = row->redaction;
  result.summary = scen.summary;
  result.tags = scen.tags;
  result.problems = std::move(rec.problems);
  result.script = std::move(rec.script);
  for (auto& e : rec.errors) {
    result.problems.push_back(std::move(e));
    result.final = verdict::error;
  }
  if (!rec.transcript.events.empty()) result.duration = rec.transcript.events.back().at;
  if (rec.transcript.elided)
    result.duration = std::max(result.duration, rec.transcript.elided->last);
  result.connections.push_back(std::move(rec.transcript));
  judge(result, &scen);
  return result;
}

}  // namespace ph::harness
