#pragma once
// The protocol registry: one row per protocol (vocabulary/protocol.hpp), the only table of
// protocol names. The CLI, the runner, serve and bench read it, and hand the lower layers the
// column they need: the fake server its dialect, the judge its rule set, the reports their
// redaction forms (scenario_result::redaction).

#include <string_view>
#include <vector>

#include "vocabulary/protocol.hpp"

namespace ph::harness {

const std::vector<protocol_row>& protocol_table();
// The row named `name`, or nullptr.
const protocol_row* find_protocol(std::string_view name);
// "smtp, pop3, ...": the names, for messages and help.
std::string protocol_names();
// Every rule of every protocol, in table order.
std::vector<const rules::rule*> all_rules();

}  // namespace ph::harness
