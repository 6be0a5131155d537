#pragma once
// [[server.override]]: in model mode, a rule that matches a client command and replaces the
// model's answer with a scripted reply or a fault. Parsed once per scenario; each connection
// counts its own matches.

#include <optional>
#include <string>
#include <vector>

#include "fakeservers/engine/script.hpp"

namespace ph::fakeservers {

struct override_rule {
  std::string where;
  std::optional<std::string> on;  // glob on the command line (case-insensitive)
  int command = 0;                // the Nth command of the connection (1-based), 0: any
  int nth = 0;                    // only the Nth line matching `on`, 0: every match
  std::vector<std::string> reply;
  std::optional<std::string> reply_raw;
  std::optional<write_faults> faults;
  fault_kind end = fault_kind::none;
};

// Parses [[server.override]]; throws scenario_error naming file:line.
std::vector<override_rule> parse_overrides(const ph::scenario& scen);

// The scenario's overrides as one connection applies them.
class override_state {
 public:
  // `rules` must outlive this.
  explicit override_state(const std::vector<override_rule>& rules)
      : rules_(rules), matched_(rules.size(), 0) {}
  bool empty() const { return rules_.empty(); }
  // Applies the first matching override to `line` (the raw command line; the session's
  // command count is its index). Returns true when it answered: the model then skips the
  // command. A fault-only override (drip, delay) sets the session's faults for the model's
  // own reply and returns false. An override that ends the connection throws session_ended.
  awaitable<bool> apply(session& s, const std::string& line);

 private:
  const std::vector<override_rule>& rules_;
  std::vector<int> matched_;
};

}  // namespace ph::fakeservers
