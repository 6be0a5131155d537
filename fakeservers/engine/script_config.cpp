// The [[server.step]] grammar: steps, faults and expect_re patterns, checked once per
// scenario.

#include "fakeservers/engine/script.hpp"

#include <algorithm>
#include <set>

#include <fmt/format.h>
#include <re2/re2.h>

namespace ph::fakeservers {

namespace {

// expect_re compiled once per scenario. Latin-1 makes RE2 match bytes, as the line is bytes
// (a UTF-8 literal in the pattern still matches its own bytes).
std::shared_ptr<const re2::RE2> compile_expect_re(const ph::scenario& scen,
                                                  const std::string& pattern,
                                                  const std::string& ptr) {
  if (pattern.size() > expect_re_max_bytes)
    scen.fail(ptr, fmt::format("expect_re is {} bytes long; the limit is {}", pattern.size(),
                               expect_re_max_bytes));
  re2::RE2::Options options;
  options.set_encoding(re2::RE2::Options::EncodingLatin1);
  options.set_log_errors(false);
  options.set_max_mem(expect_re_max_mem);
  auto re = std::make_shared<const re2::RE2>(pattern, options);
  if (re->error_code() == re2::RE2::ErrorPatternTooLarge)
    scen.fail(ptr, fmt::format("expect_re is too complex: it compiles to more than RE2's "
                               "{} KiB budget",
                               expect_re_max_mem >> 10));
  if (!re->ok()) {
    // RE2's message quotes the offending part, which may be most of a 4 KiB pattern.
    std::string why = re->error();
    if (why.size() > 120) {
      why.resize(120);
      why += "...";
    }
    scen.fail(ptr, fmt::format("invalid regular expression: {}", why));
  }
  return re;
}

}  // namespace

std::vector<std::string> lines_of(const ph::scenario& scen, const json& j, const std::string& ptr) {
  if (j.is_string()) return {j.get<std::string>()};
  if (!j.is_array()) scen.fail(ptr, "expected a string or an array of strings");
  std::vector<std::string> out;
  for (std::size_t i = 0; i < j.size(); ++i) {
    if (!j[i].is_string()) scen.fail(ptr + "/" + std::to_string(i), "expected a string");
    out.push_back(j[i].get<std::string>());
  }
  return out;
}

// fault = { kind = "drip" | "delay" | "close" | "reset" | "stall" | "bare_lf", ... }
void parse_fault(const ph::scenario& scen, const json& f, const std::string& ptr,
                 std::optional<write_faults>& faults, fault_kind& end) {
  auto one = [&](const json& item, const std::string& at) {
    if (!item.is_object() || !item.contains("kind") || !item["kind"].is_string())
      scen.fail(at,
                "a fault is a table with kind = \"drip\" | \"delay\" | \"bare_lf\" | \"close\" | "
                "\"reset\" | \"stall\"");
    std::string kind = item["kind"];
    if (!faults) faults = write_faults{};
    if (kind == "drip") {
      faults->drip_bytes = item.value("bytes", item.value("bytes_per_write", 1));
      faults->drip_delay = std::chrono::milliseconds(item.value("delay_ms", 0));
      if (faults->drip_bytes == 0) scen.fail(at, "drip needs bytes >= 1");
    } else if (kind == "delay") {
      if (!item.contains("ms") || !item["ms"].is_number_integer())
        scen.fail(at, "delay needs ms = N");
      faults->delay = std::chrono::milliseconds(item["ms"].get<int>());
    } else if (kind == "bare_lf") {
      faults->bare_lf = true;
    } else if (kind == "close") {
      end = fault_kind::close;
    } else if (kind == "reset") {
      end = fault_kind::reset;
    } else if (kind == "stall") {
      end = fault_kind::stall;
    } else {
      scen.fail(at + "/kind", fmt::format("unknown fault kind '{}'", kind));
    }
  };
  if (f.is_array()) {
    for (std::size_t i = 0; i < f.size(); ++i)
      one(f[i], ptr + "/" + std::to_string(i));
  } else {
    one(f, ptr);
  }
}

std::vector<script_step> parse_script(const ph::scenario& scen, const dialect& d) {
  std::vector<script_step> steps;
  const json& server = scen.server;
  if (!server.contains("step")) scen.fail("/server", "script mode needs [[server.step]] entries");
  const json& arr = server["step"];
  if (!arr.is_array())
    scen.fail("/server/step", "'step' must be an array of tables ([[server.step]])");
  // The engine's keys, then the dialect's own, as messages list them.
  std::vector<std::string> known = {"expect", "expect_re", "read",     "read_bytes", "expect_data",
                                    "send",   "send_raw",  "starttls", "fault",      "close"};
  const step_keys* keys = d.script_keys();
  if (keys != nullptr) known.insert(known.end(), keys->names().begin(), keys->names().end());
  auto kinds = d.block_kinds();
  for (std::size_t i = 0; i < arr.size(); ++i) {
    std::string ptr = "/server/step/" + std::to_string(i);
    const json& j = arr[i];
    if (!j.is_object()) scen.fail(ptr, "a step must be a table");
    script_step st;
    st.where = scen.where(ptr);
    for (const auto& [key, _] : j.items())
      if (std::find(known.begin(), known.end(), key) == known.end())
        scen.fail(ptr + "/" + key,
                  fmt::format("unknown step key '{}' ({})", key, fmt::join(known, ", ")));
    if (j.contains("expect")) {
      if (!j["expect"].is_string()) scen.fail(ptr + "/expect", "expect must be a string (a glob)");
      st.expect = j["expect"].get<std::string>();
      st.expect_text = *st.expect;
    }
    if (j.contains("expect_re")) {
      if (!j["expect_re"].is_string()) scen.fail(ptr + "/expect_re", "expect_re must be a string");
      st.expect_re = compile_expect_re(scen, j["expect_re"].get<std::string>(), ptr + "/expect_re");
      st.expect_text = j["expect_re"].get<std::string>();
    }
    if (st.expect && st.expect_re) scen.fail(ptr, "use expect or expect_re, not both");
    if (j.contains("read")) {
      if (!j["read"].is_string()) scen.fail(ptr + "/read", "read must be a string");
      st.read = j["read"].get<std::string>();
      if (std::find(kinds.begin(), kinds.end(), *st.read) == kinds.end())
        scen.fail(ptr + "/read", fmt::format("unknown block kind '{}' for {} (known: {})", *st.read,
                                             scen.protocol, fmt::join(kinds, ", ")));
    }
    if (j.contains("read_bytes")) {
      // TOML integers load as signed: accept any non-negative integer.
      if (!j["read_bytes"].is_number_integer() || j["read_bytes"].get<long long>() < 0)
        scen.fail(ptr + "/read_bytes", "read_bytes must be a count");
      st.read_bytes = j["read_bytes"].get<std::size_t>();
    }
    if ((st.expect || st.expect_re) && (st.read || st.read_bytes))
      scen.fail(ptr, "a step either expects a line or reads a block, not both");
    if (j.contains("expect_data")) {
      if (!st.read && !st.read_bytes)
        scen.fail(ptr + "/expect_data", "expect_data needs read or read_bytes");
      if (!j["expect_data"].is_object())
        scen.fail(ptr + "/expect_data", "expect_data must be a table");
      for (const auto& [key, _] : j["expect_data"].items())
        if (key != "contains" && key != "not_contains" && key != "equals" && key != "size")
          scen.fail(
              ptr + "/expect_data/" + key,
              fmt::format("unknown expect_data key '{}' (contains, not_contains, equals, size)",
                          key));
      st.expect_data = j["expect_data"];
    }
    if (j.contains("send")) st.send = lines_of(scen, j["send"], ptr + "/send");
    if (j.contains("send_raw")) {
      if (!j["send_raw"].is_string()) scen.fail(ptr + "/send_raw", "send_raw must be a string");
      st.send_raw = j["send_raw"].get<std::string>();
    }
    if (j.contains("starttls")) {
      const json& t = j["starttls"];
      if (t.is_boolean()) {
        if (t.get<bool>()) st.starttls = "server";
      } else if (t == "server" || t == "wrong-name") {
        st.starttls = t.get<std::string>();
      } else {
        scen.fail(ptr + "/starttls",
                  "starttls must be true or a certificate: \"server\", \"wrong-name\"");
      }
    }
    if (j.contains("fault")) parse_fault(scen, j["fault"], ptr + "/fault", st.faults, st.end);
    if (j.contains("close")) {
      if (!j["close"].is_boolean()) scen.fail(ptr + "/close", "close must be true or false");
      if (j["close"].get<bool>()) st.end = fault_kind::close;
    }
    if (keys != nullptr) {
      const auto& names = keys->names();
      const bool has_own = std::any_of(names.begin(), names.end(),
                                       [&](const std::string& k) { return j.contains(k); });
      if (has_own) st.extra = keys->parse(scen, j, ptr, st.expect || st.expect_re);
    }
    steps.push_back(std::move(st));
  }
  return steps;
}

}  // namespace ph::fakeservers
