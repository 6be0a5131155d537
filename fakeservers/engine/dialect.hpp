#pragma once
// A protocol's server side: its framing (the blocks a script can `read`), its model
// server, and the checks of its parts of [server]. One implementation per protocol, the
// `dialect` column of its row in the protocol registry (harness/protocols.cpp), which hands it
// to the fake server.

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fakeservers/engine/session.hpp"

namespace ph::fakeservers {

class model_server;  // fakeservers/model/model_loop.hpp

class dialect {
 public:
  virtual ~dialect() = default;
  // Checks the protocol-specific parts of [server] and, in model mode, compiles
  // [server.model] into the model server every connection of the scenario shares (nullptr
  // in script mode). Throws harness::scenario_error naming file:line.
  virtual std::shared_ptr<const model_server> compile(const harness::scenario& scen) const = 0;
  // Block kinds a script step may `read` (e.g. SMTP's "data").
  virtual std::vector<std::string> block_kinds() const = 0;
  // Reads one block of that kind, raw, including its terminator; nullopt at EOF.
  virtual awaitable<std::optional<std::string>> read_block(session& s,
                                                           std::string_view kind) const = 0;
  // The reply a script sends when the client's line does not match (then it stops).
  virtual std::string mismatch_reply() const = 0;
  // The longest command line (HTTP: head line) the server reads, and the reply the RFC allows
  // for a longer one. Generous on purpose: the server only bounds its memory, the judge's
  // rules say whether a client broke the RFC's length. [server] line_limit and
  // `serve --line-limit` replace `octets`.
  virtual line_limit command_line_limit() const = 0;
};

}  // namespace ph::fakeservers
