#pragma once
// A model server's command table: verb → handler, the session states the command is
// allowed in, and how many arguments it takes. A dialect splits the line (its grammar)
// into a command; dispatch() finds the row, checks state and arguments, runs the handler.

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "fakeservers/engine/session.hpp"
#include "vocabulary/ascii.hpp"

namespace ph::fakeservers {

using ph::ascii::upper;  // verbs, keywords

// A command line as a dialect's grammar splits it.
struct command {
  std::string line;               // the whole line without its terminator
  std::string verb;               // upper case
  std::string rest;               // the text after the verb and its space
  std::vector<std::string> args;  // the arguments, split as the dialect's grammar says
};

// How many arguments a command takes; outside [min, max] it is answered with `usage` and
// its handler does not run. max < 0: the handler checks its arguments itself.
struct arity {
  int min = 0;
  int max = -1;
  std::string_view usage = {};
};

// One row. `states` is a mask of the session states (bit 1 << state) the command is
// allowed in; `ends` says the dialogue ends once it has run (QUIT).
template <class Session>
struct command_row {
  std::string_view verb;
  unsigned states;
  awaitable<void> (Session::*run)(const command&);
  arity args = {};
  bool ends = false;
};

// The mask of every state.
inline constexpr unsigned any_state = ~0u;

template <class Session>
const command_row<Session>* find_command(std::span<const command_row<Session>> table,
                                         std::string_view verb) {
  for (const auto& row : table)
    if (row.verb == verb) return &row;
  return nullptr;
}

// Runs the row of cmd.verb when `state` allows it and its arguments fit. Otherwise answers
// with `self.refuse(cmd, row)` (row is nullptr for an unknown verb: the dialect says what
// an unknown or out-of-state command gets) or `self.reply(usage)`. Returns false when the
// dialogue ends.
template <class Session>
awaitable<bool> dispatch(Session& self, std::span<const command_row<Session>> table,
                         const command& cmd, unsigned state) {
  const command_row<Session>* row = find_command(table, cmd.verb);
  if (row == nullptr || (row->states & (1u << state)) == 0) {
    co_await self.refuse(cmd, row);
    co_return true;
  }
  const auto n = static_cast<int>(cmd.args.size());
  if (row->args.max >= 0 && (n < row->args.min || n > row->args.max)) {
    std::string usage(row->args.usage);
    co_await self.reply(usage);
    co_return true;
  }
  co_await (self.*(row->run))(cmd);
  co_return !row->ends;
}

}  // namespace ph::fakeservers
