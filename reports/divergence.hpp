#pragma once
// Where a scenario first went other than it said it would: the one fact every report puts
// first (console aside), and the place the HTML view scrolls to.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "vocabulary/result.hpp"

namespace ph::reports {

enum class divergence_source : std::uint8_t {
  script,       // a script step whose line, block or data channel did not match
  client_step,  // a client step whose outcome was not the expected one
  rule,         // a failing rule
  problem,      // anything else the run reported (harness errors, a client that never connected)
};

std::string_view to_string(divergence_source s);  // "script", "client step", "rule", "problem"

struct divergence {
  divergence_source source = divergence_source::problem;
  std::string summary;  // one line, raw: callers make it visible and redact it
  int connection = 0;   // transcript::connection, 0 when not tied to a connection
  int event = -1;       // index in that connection's events, -1 when not tied to an event
  int index = -1;       // into result.script, result.steps, result.rules or result.problems
};

// The first divergence of a result that did not pass (nullopt when nothing diverged):
//  1. among the script steps that did not match and the failing rules' first evidence (MUST
//     rules; SHOULD rules when no MUST rule failed), the one earliest in the transcript
//     (connection, then event; a script step wins a tie: it says what was expected);
//  2. else the first client step whose outcome did not match;
//  3. else the first failing rule (even without evidence), else the first problem.
std::optional<divergence> first_divergence(const ph::scenario_result& result);

// Where a line the client sent stops matching a script pattern, for highlighting. Each
// string is cut in three: head (matches), diff (differs), tail (matches again), as byte
// offsets on UTF-8 boundaries. For a glob the head is the longest prefix that matches
// literally ('?' matches any character, '*' ends it) and the tail the longest such suffix
// that does not overlap it; for a regex the whole of both differs. A line the pattern
// matches gives differs = false: a case-insensitive glob, as the script compares; a regex
// through std::regex (the script uses RE2, whose common syntax std::regex's ECMAScript
// shares; a pattern std::regex cannot parse counts as differing). `actual` is the line
// without its terminator.
struct text_cut {
  std::size_t head = 0;  // [0, head) matches
  std::size_t tail = 0;  // [tail, size) matches; [head, tail) differs
};
struct pattern_diff {
  text_cut expected, actual;
  bool differs = false;
};
pattern_diff diff_pattern(std::string_view pattern, std::string_view actual, bool regex);

}  // namespace ph::reports
