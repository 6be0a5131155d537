#pragma once
// The loop every line protocol's model server runs (read a command line, apply the
// overrides, let the model answer, restore the faults), and the compiled model a dialect
// hands the engine.

#include <string>
#include <vector>

#include "fakeservers/engine/session.hpp"
#include "fakeservers/model/overrides.hpp"

namespace ph::fakeservers {

// A scenario's model server, compiled once from [server.model]; connections share it and
// never change it (a connection that changes state works on its own copy).
class model_server {
 public:
  virtual ~model_server() = default;
  // Serves one connection as a well-behaved server; `overrides` answer first.
  virtual awaitable<void> serve(session& s, const std::vector<override_rule>& overrides) const = 0;
};

// Restores the session's write faults once a command has been answered, whatever an
// override or the model changed for it.
class fault_scope {
 public:
  explicit fault_scope(session& s) : s_(s), saved_(s.faults()) {}
  ~fault_scope() { s_.faults() = saved_; }
  fault_scope(const fault_scope&) = delete;
  fault_scope& operator=(const fault_scope&) = delete;

 private:
  session& s_;
  write_faults saved_;
};

// One connection of a line protocol's model server, as run_line_model drives it.
class line_model {
 public:
  virtual ~line_model() = default;
  // Sends the greeting; false when the server has closed after it (a refusing greeting).
  virtual awaitable<bool> greet() = 0;
  // Answers one command line (raw, with its terminator); false ends the dialogue.
  virtual awaitable<bool> answer(const std::string& raw) = 0;
  // The client closed the connection before the dialogue ended.
  virtual awaitable<void> at_eof() { co_return; }
};

// Greets, then for each command line: counts it, applies the overrides, lets the model
// answer the lines they did not, restores the faults; until the model ends the dialogue or
// the client closes.
awaitable<void> run_line_model(session& s, override_state& overrides, line_model& m);

// The model server of a line protocol: the compiled `Config` shared by every connection,
// each served by a fresh `Session(session&, const Config&, const override_state&)` (a
// line_model) under run_line_model. Instantiate it where Session is defined.
template <class Config, class Session>
class line_model_server final : public model_server {
 public:
  explicit line_model_server(Config cfg) : cfg_(std::move(cfg)) {}
  awaitable<void> serve(session& s, const std::vector<override_rule>& overrides) const override {
    override_state state(overrides);
    Session m(s, cfg_, state);
    co_await run_line_model(s, state, m);
  }

 private:
  Config cfg_;
};

}  // namespace ph::fakeservers
