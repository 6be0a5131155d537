// The [[server.step]] grammar: steps, faults and expect_re patterns, checked once per
// scenario.

#include "fakeservers/engine/script.hpp"

#include <set>

#include <fmt/format.h>
#include <re2/re2.h>

namespace ph::fakeservers {

namespace {

// expect_re compiled once per scenario. Latin-1 makes RE2 match bytes, as the line is bytes
// (a UTF-8 literal in the pattern still matches its own bytes).
std::shared_ptr<const re2::RE2> compile_expect_re(const harness::scenario& scen,
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
    if (why.size() > 120) why = why.substr(0, 120) + "...";
    scen.fail(ptr, fmt::format("invalid regular expression: {}", why));
  }
  return re;
}

}  // namespace

std::vector<std::string> lines_of(const harness::scenario& scen, const json& j,
                                  const std::string& ptr) {
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
void parse_fault(const harness::scenario& scen, const json& f, const std::string& ptr,
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

std::vector<script_step> parse_script(const harness::scenario& scen, const dialect& d) {
  std::vector<script_step> steps;
  const json& server = scen.server;
  if (!server.contains("step")) scen.fail("/server", "script mode needs [[server.step]] entries");
  const json& arr = server["step"];
  if (!arr.is_array())
    scen.fail("/server/step", "'step' must be an array of tables ([[server.step]])");
  static const std::set<std::string> known = {"expect",        "expect_re",          "read",
                                              "read_bytes",    "expect_data",        "send",
                                              "send_raw",      "starttls",           "fault",
                                              "close",         "data_port",          "data_listen",
                                              "data_delay_ms", "data_never_connect", "data_tls",
                                              "data_send",     "data_send_size",     "data_expect",
                                              "data_stall",    "data_close",         "data_reset"};
  auto kinds = d.block_kinds();
  for (std::size_t i = 0; i < arr.size(); ++i) {
    std::string ptr = "/server/step/" + std::to_string(i);
    const json& j = arr[i];
    if (!j.is_object()) scen.fail(ptr, "a step must be a table");
    script_step st;
    st.where = scen.where(ptr);
    for (const auto& [key, _] : j.items())
      if (!known.contains(key))
        scen.fail(ptr + "/" + key,
                  fmt::format("unknown step key '{}' (expect, expect_re, read, read_bytes, "
                              "expect_data, send, send_raw, starttls, fault, close, data_port, "
                              "data_listen, data_delay_ms, data_never_connect, data_tls, "
                              "data_send, data_send_size, data_expect, data_stall, data_close, "
                              "data_reset)",
                              key));
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
    auto flag = [&](const char* key, bool& out) {
      if (!j.contains(key)) return;
      if (!j[key].is_boolean())
        scen.fail(ptr + "/" + key, fmt::format("{} must be true or false", key));
      out = j[key].get<bool>();
    };
    flag("data_port", st.data_port);
    flag("data_never_connect", st.data_never_connect);
    flag("data_tls", st.data_tls);
    flag("data_stall", st.data_stall);
    flag("data_close", st.data_close);
    flag("data_reset", st.data_reset);
    if (st.data_port && !st.expect && !st.expect_re)
      scen.fail(ptr + "/data_port", "data_port needs expect (the client's PORT/EPRT line)");
    if (j.contains("data_listen")) {
      const json& v = j["data_listen"];
      if (v != "pasv" && v != "epsv")
        scen.fail(ptr + "/data_listen", "data_listen must be \"pasv\" or \"epsv\"");
      st.data_listen = v.get<std::string>();
    }
    if (j.contains("data_delay_ms")) {
      const json& v = j["data_delay_ms"];
      if (!v.is_number_integer() || v.get<int>() < 0)
        scen.fail(ptr + "/data_delay_ms", "data_delay_ms must be a non-negative integer");
      st.data_delay = std::chrono::milliseconds(v.get<int>());
    }
    if (j.contains("data_send")) {
      if (!j["data_send"].is_string()) scen.fail(ptr + "/data_send", "data_send must be a string");
      st.data_send = j["data_send"].get<std::string>();
    }
    if (j.contains("data_send_size")) {
      const json& v = j["data_send_size"];
      if (!v.is_number_integer() || v.get<std::int64_t>() < 0 ||
          v.get<std::int64_t>() > (std::int64_t{1} << 30))
        scen.fail(ptr + "/data_send_size", "data_send_size must be a count up to 1 GiB");
      if (st.data_send) scen.fail(ptr, "use data_send or data_send_size, not both");
      st.data_send = generated_bytes(v.get<std::size_t>());
    }
    if (j.contains("data_expect")) {
      const json& v = j["data_expect"];
      if (!v.is_object()) scen.fail(ptr + "/data_expect", "data_expect must be a table");
      for (const auto& [key, x] : v.items()) {
        std::string at = ptr + "/data_expect/" + key;
        if (key == "size") {
          if (!x.is_number_integer() || x.get<std::int64_t>() < 0)
            scen.fail(at, "size must be a count");
        } else if (key == "sha256") {
          if (!x.is_string() || x.get<std::string>().size() != 64)
            scen.fail(at, "sha256 must be 64 lower-case hex digits");
        } else if (key == "equals") {
          if (!x.is_string()) scen.fail(at, "equals must be a string");
        } else if (key != "contains" && key != "not_contains") {
          scen.fail(at, fmt::format("unknown data_expect key '{}' (contains, not_contains, "
                                    "equals, size, sha256)",
                                    key));
        }
      }
      st.data_expect = v;
    }
    if (st.data_close && st.data_reset) scen.fail(ptr, "use data_close or data_reset, not both");
    if (st.data_never_connect && st.uses_data())
      scen.fail(ptr, "data_never_connect cannot be combined with other data actions");
    steps.push_back(std::move(st));
  }
  return steps;
}

}  // namespace ph::fakeservers
