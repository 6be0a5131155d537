#include "fakeservers/model/overrides.hpp"

#include <fmt/format.h>

namespace ph::fakeservers {

std::vector<override_rule> parse_overrides(const ph::scenario& scen) {
  std::vector<override_rule> rules;
  if (!scen.server.contains("override")) return rules;
  const json& arr = scen.server["override"];
  if (!arr.is_array())
    scen.fail("/server/override", "'override' must be an array of tables ([[server.override]])");
  for (std::size_t i = 0; i < arr.size(); ++i) {
    std::string ptr = "/server/override/" + std::to_string(i);
    const json& j = arr[i];
    if (!j.is_object()) scen.fail(ptr, "an override must be a table");
    override_rule r;
    r.where = scen.where(ptr);
    for (const auto& [key, v] : j.items()) {
      std::string at = ptr + "/" + key;
      if (key == "on") {
        if (!v.is_string()) scen.fail(at, "on must be a glob string");
        r.on = v.get<std::string>();
      } else if (key == "command") {
        if (!v.is_number_integer() || v.get<int>() < 1)
          scen.fail(at, "command must be a number >= 1");
        r.command = v.get<int>();
      } else if (key == "nth") {
        if (!v.is_number_integer() || v.get<int>() < 1) scen.fail(at, "nth must be a number >= 1");
        r.nth = v.get<int>();
      } else if (key == "reply") {
        r.reply = lines_of(scen, v, at);
      } else if (key == "reply_raw") {
        if (!v.is_string()) scen.fail(at, "reply_raw must be a string");
        r.reply_raw = v.get<std::string>();
      } else if (key == "fault") {
        parse_fault(scen, v, at, r.faults, r.end);
      } else {
        scen.fail(
            at, fmt::format("unknown override key '{}' (on, command, nth, reply, reply_raw, fault)",
                            key));
      }
    }
    if (!r.on && r.command == 0) scen.fail(ptr, "an override needs on = \"glob\" or command = N");
    if (r.reply.empty() && !r.reply_raw && !r.faults && r.end == fault_kind::none)
      scen.fail(ptr, "an override needs reply, reply_raw or fault");
    rules.push_back(std::move(r));
  }
  return rules;
}

awaitable<bool> override_state::apply(session& s, const std::string& line) {
  std::string text = strip_eol(line);
  for (std::size_t i = 0; i < rules_.size(); ++i) {
    const override_rule& r = rules_[i];
    if (r.command && static_cast<std::size_t>(r.command) != s.commands_seen()) continue;
    if (r.on && !ph::glob_match(*r.on, text, true)) continue;
    ++matched_[i];
    if (r.nth && matched_[i] != r.nth) continue;
    s.note(fmt::format("override at {} answers '{}'", r.where, excerpt(text)));
    write_faults saved = s.faults();
    if (r.faults) s.faults() = *r.faults;
    if (!r.reply.empty()) co_await s.send_lines(r.reply);
    if (r.reply_raw) co_await s.send_raw(*r.reply_raw);
    s.faults() = saved;
    if (r.end != fault_kind::none) {
      co_await finish(s, r.end);
      throw session_ended{"override ended the session"};
    }
    // A fault-only override (drip, delay) modifies the model's own reply instead.
    if (r.reply.empty() && !r.reply_raw) {
      s.faults() = *r.faults;
      co_return false;
    }
    co_return true;
  }
  co_return false;
}

}  // namespace ph::fakeservers
