#pragma once
// A protocol's server side: its framing (the blocks a script can `read`), its model
// server, and the checks of its parts of [server]. One implementation per protocol, the
// `dialect` column of its row in the protocol registry (harness/protocols.cpp), which hands it
// to the fake server.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fakeservers/engine/session.hpp"

namespace ph::fakeservers {

class model_server;  // fakeservers/model/model_loop.hpp

// What a dialect's own [[server.step]] keys hold once parsed.
struct step_extra {
  virtual ~step_extra() = default;
};

// The [[server.step]] keys a dialect adds to the script engine's, and what they do at three
// points of a step: after its line matched, before its reply goes out, after the reply (and
// STARTTLS). Per-connection state they need beyond the session goes in session::extra.
class step_keys {
 public:
  virtual ~step_keys() = default;
  // The keys, in the order messages list them.
  virtual const std::vector<std::string>& names() const = 0;
  // The step `j` (at `ptr`) holds at least one of them; `expects_line` when it also expects a
  // line. Throws ph::scenario_error naming file:line.
  virtual std::shared_ptr<const step_extra> parse(const ph::scenario& scen, const json& j,
                                                  const std::string& ptr,
                                                  bool expects_line) const = 0;
  // After the step's line (without its terminator) matched: a problem, or "".
  virtual std::string on_line(session& s, const step_extra& x, const std::string& line) const = 0;
  // Before the reply goes out: may fill `send` or rewrite it.
  virtual void before_send(session& s, const step_extra& x, std::vector<std::string>& send,
                           std::optional<std::string>& send_raw) const = 0;
  // After the reply: the step's actions beyond the control connection; each problem is
  // reported through `problem` as it is found.
  virtual awaitable<void> after_send(session& s, const step_extra& x,
                                     const std::function<void(std::string)>& problem) const = 0;
};

class dialect {
 public:
  virtual ~dialect() = default;
  // Checks the protocol-specific parts of [server] and, in model mode, compiles
  // [server.model] into the model server every connection of the scenario shares (nullptr
  // in script mode). Throws ph::scenario_error naming file:line.
  virtual std::shared_ptr<const model_server> compile(const ph::scenario& scen) const = 0;
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
  // The [[server.step]] keys this protocol adds, or nullptr.
  virtual const step_keys* script_keys() const { return nullptr; }
};

}  // namespace ph::fakeservers
