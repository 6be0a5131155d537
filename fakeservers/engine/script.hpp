#pragma once
// Script mode: the server follows [[server.step]] exactly, one step at a time.

#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "fakeservers/engine/dialect.hpp"

namespace ph::fakeservers {

enum class fault_kind { none, close, reset, stall };

struct script_step {
  std::string where;                    // "file:line" of the step
  std::optional<std::string> expect;    // glob, case-insensitive, on the line without CRLF/LF
  std::optional<std::regex> expect_re;  // ECMAScript regex on the line without CRLF/LF
  std::string expect_text;              // the pattern as written, for messages
  std::optional<std::string> read;      // dialect block kind
  std::optional<std::size_t> read_bytes;
  json expect_data;                     // {contains, not_contains, equals} on the block, raw
  std::vector<std::string> send;        // lines, CRLF appended
  std::optional<std::string> send_raw;  // bytes exactly
  std::optional<std::string> starttls;  // certificate name: upgrade after sending
  std::optional<write_faults> faults;   // drip/delay/line_ending for this step's send
  fault_kind end = fault_kind::none;    // close/reset/stall after sending
};

// Parses and validates [[server.step]]; throws scenario_error naming file:line.
std::vector<script_step> parse_script(const harness::scenario& scen, const dialect& d);

awaitable<void> run_script(session& s, const dialect& d, const std::vector<script_step>& steps);

// [[server.override]] rules for model mode: match a client command and replace the
// model's answer with a scripted reply or a fault.
struct override_rule {
  std::string where;
  std::optional<std::string> on;  // glob on the command line (case-insensitive)
  int command = 0;                // the Nth command of the connection (1-based), 0: any
  int nth = 0;                    // only the Nth line matching `on`, 0: every match
  int matched = 0;
  std::vector<std::string> reply;
  std::optional<std::string> reply_raw;
  std::optional<write_faults> faults;
  fault_kind end = fault_kind::none;
};

std::vector<override_rule> parse_overrides(const harness::scenario& scen);

// Applies the first matching override to `line` (raw command line, 1-based index `n`).
// Returns true when it answered (the model then skips the command).
awaitable<bool> apply_overrides(session& s, std::vector<override_rule>& rules,
                                const std::string& line);

// The line without its terminator (CRLF, or a bare LF).
std::string strip_eol(std::string_view line);

}  // namespace ph::fakeservers
