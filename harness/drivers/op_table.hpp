#pragma once
// A protocol's op table: one row per scenario op — its name, the arguments it takes, and the
// client call that performs it. A driver's validate() checks the scenario's [[client]] steps and
// [client_options] against its tables (this is what `protoharness check` reports), and its
// session's perform() calls the row of the step's op, so there is one list of ops per protocol.

#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "vocabulary/scenario.hpp"

namespace ph::harness::drivers {

// What an argument (or a client option) must hold.
enum class arg_kind {
  string,
  count,    // a non-negative integer
  integer,  // any integer
  boolean,
  table,              // a TOML table
  string_or_array,    // one string or an array (SMTP: an address or a list of them)
  string_or_integer,  // NNTP ranges and article numbers, written either way
  string_or_table,    // HTTP data: raw text or form fields
  string_pair,        // an array of two strings (HTTP auth)
  any,                // anything (HTTP json; options a protocol does not type-check)
};

// How a protocol words a mistyped argument and an argument given to an op that takes none. Each
// protocol keeps the wording its scenarios have always been checked with:
//   argument: "argument 'name' must be a string" (a table: "headers must be a table")
//   quoted:   "'name' must be a string", "'name' must be true or false"
//   bare:     "name must be a boolean", "name must be an integer"
//   terse:    "argument 'name' has the wrong type"; "op 'close' takes no arguments"
enum class wording { argument, quoted, bare, terse };

// A check of an argument's value beyond its kind (run once the kind holds); fails through
// scen.fail(pointer, ...).
using value_check = void (*)(const scenario& scen, const std::string& pointer,
                             const nlohmann::json& value);
// A check of a whole step once each of its arguments is valid.
using step_check = void (*)(const scenario& scen, const client_step& step);

struct arg_spec {
  std::string name;
  bool required = false;
  arg_kind kind = arg_kind::string;
  value_check check = nullptr;
};

// The arguments of one op and the rules that tie them together.
struct op_spec {
  std::string name;
  std::vector<arg_spec> args;
  // Pairs of arguments of which a step may give one only: "op 'over' takes range or message_id,
  // not both".
  std::vector<std::pair<std::string, std::string>> exclusive = {};
  step_check check = nullptr;
};

// The non-template half of op_table: names and arguments, without the calls.
class op_catalogue {
 public:
  op_catalogue(std::string protocol, wording words, std::vector<op_spec> ops);

  // The row of `op`, or nullptr.
  [[nodiscard]] const op_spec* find(std::string_view op) const;
  // Checks every [[client]] step of `scen` in order: args is a table, the op is known ("unknown
  // SMTP op 'x' (known: ...)", listed in table order), its required arguments are there ("op
  // 'login' needs args.password"), exclusive pairs, then each argument in key order (known to
  // the op, of its kind, its value check), then the op's step check. Throws scenario_error
  // (scen.fail) naming file:line.
  void check(const scenario& scen) const;

 private:
  std::string protocol_;  // as messages name it: "SMTP"
  wording words_;
  std::vector<op_spec> ops_;
};

// Checks [client_options]: each key is one of `options` ("unknown SMTP client option 'x'
// (timeout_ms, ...)", listed in order), of its kind, and passes its value check.
void check_client_options(const scenario& scen, std::string_view protocol, wording words,
                          const std::vector<arg_spec>& options);

// A protocol's ops with the calls that perform them on its client session.
template <class Session>
class op_table {
 public:
  using call = nlohmann::json (*)(Session& session, const nlohmann::json& args);
  struct row {
    op_spec spec;
    call perform;
  };

  op_table(std::string protocol, wording words, std::vector<row> rows)
      : catalogue_(std::move(protocol), words, specs_of(rows)) {
    for (auto& r : rows)
      calls_.emplace_back(std::move(r.spec.name), r.perform);
  }

  [[nodiscard]] const op_catalogue& catalogue() const { return catalogue_; }

  // Performs `step` (validated by catalogue().check()) on `session`.
  nlohmann::json perform(Session& session, const client_step& step) const {
    return perform(session, step.op, step.args);
  }
  nlohmann::json perform(Session& session, const std::string& op,
                         const nlohmann::json& args) const {
    for (const auto& [name, fn] : calls_)
      if (name == op) return fn(session, args);
    throw std::logic_error("unvalidated op " + op);
  }

 private:
  static std::vector<op_spec> specs_of(const std::vector<row>& rows) {
    std::vector<op_spec> out;
    out.reserve(rows.size());
    for (const auto& r : rows)
      out.push_back(r.spec);
    return out;
  }

  op_catalogue catalogue_;
  std::vector<std::pair<std::string, call>> calls_;
};

}  // namespace ph::harness::drivers
