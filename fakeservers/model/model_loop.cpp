#include "fakeservers/model/model_loop.hpp"

#include <cctype>

#include "fakeservers/model/command_table.hpp"

namespace ph::fakeservers {

awaitable<void> run_line_model(session& s, override_state& overrides, line_model& m) {
  bool greeted = co_await m.greet();
  if (!greeted) co_return;
  while (true) {
    auto line = co_await s.read_line();
    if (!line) break;
    s.count_command();
    fault_scope scope(s);
    bool answered = co_await overrides.apply(s, *line);
    if (answered) continue;
    bool more = co_await m.answer(*line);
    if (!more) co_return;
  }
  co_await m.at_eof();
}

}  // namespace ph::fakeservers
