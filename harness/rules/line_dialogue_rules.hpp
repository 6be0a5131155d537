#pragma once
// Dialogue checks every line protocol whose session is a line::control_channel with a
// greeting shares (RFC 5321 §4.3.1, RFC 1939 §4): the client waits for the whole greeting,
// and after a greeting that refuses service it sends only QUIT.

#include <string>
#include <string_view>

#include <fmt/format.h>

#include "harness/rules/catalogue.hpp"

namespace ph::harness::rules::line {

// `g` is the greeting (nullptr when none came), `refused` whether it refuses service and
// `after_refusal` the message for a command sent after it ("{}": the command).
template <class Session, class Answer>
void check_greeting_wait(const Session& s, const Answer* g, bool refused,
                         std::string_view after_refusal, findings& f) {
  if (s.first_client_event < 0) return;
  f.applied();
  const bool have_turn = !s.turns.empty() && s.turns.front().segment == s.greeting_segment;
  if (g == nullptr || !g->complete || g->final_event > s.first_client_event) {
    // A QUIT after a greeting that never came is giving up, not talking first.
    const bool gave_up = (g == nullptr || !g->complete) && have_turn && s.turns.front().is("QUIT");
    if (!gave_up)
      f.fail("client sent data before the greeting was complete", s.first_client_event,
             have_turn ? std::string_view(s.turns.front().raw) : std::string_view{});
  }
  if (!refused) return;
  for (const auto& t : s.turns) {
    if (t.segment != s.greeting_segment || t.kind != decltype(t.kind)::command || t.verb == "QUIT")
      continue;
    f.fail(fmt::format(fmt::runtime(after_refusal), t.verb), t.first_event, t.raw);
  }
}

}  // namespace ph::harness::rules::line
