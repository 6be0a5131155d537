#pragma once
// What a run concluded: rule outcomes with evidence, client step outcomes, and the
// scenario verdict that CI gates on.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "vocabulary/protocol.hpp"
#include "vocabulary/script_trace.hpp"
#include "vocabulary/transcript.hpp"

namespace ph {

// RFC requirement level as the rule's source states it. MUST-level breaks FAIL a
// scenario; SHOULD-level breaks WARN.
enum class level : std::uint8_t { must, should };

std::string_view to_string(level lvl);

struct rule_info {
  std::string id;        // "SMTP-DOT-STUFF"
  std::string protocol;  // "smtp"
  std::string rfc;       // "RFC 5321 §4.5.2"
  level lvl = level::must;
  std::string level_text;  // as the catalogue writes it: "MUST*", "SHOULD", ...
  std::string summary;     // one line: what the client must do
};

enum class outcome : std::uint8_t { pass, fail, not_applicable };

std::string_view to_string(outcome o);

std::string_view to_string(script_read r);  // "none", "line", "block"

// Where in the transcript a rule found its evidence.
struct evidence {
  int connection = 0;
  int event = -1;            // index into transcript::events, -1 when not tied to one event
  std::string excerpt;       // the offending bytes, raw: their beginning when they are long
  std::uint64_t length = 0;  // of all the offending bytes (excerpt.size() when not cut)
  std::string sha256;        // of all the offending bytes when the excerpt is cut, else empty

  [[nodiscard]] bool cut() const { return excerpt.size() < length; }
};

struct rule_result {
  const rule_info* rule = nullptr;  // points into the static rule registry
  outcome result = outcome::not_applicable;
  std::string message;  // why it failed (or what was checked)
  std::vector<ph::evidence> evidence;
};

// One client step as performed, and whether it matched the scenario's expectation.
struct step_result {
  std::string op;
  nlohmann::json expect;   // the scenario's `expect` (null: must succeed)
  nlohmann::json outcome;  // {"code":250,...} or {"error":"timeout","message":...}
  bool matched = true;
  std::string mismatch;  // what differed from `expect`
  std::chrono::microseconds elapsed{0};
};

// not_applicable ("N/A"): the client under test cannot express a step of the scenario (an
// external client said so), so it was neither passed nor failed. It is set by the judge, never
// reached through worst(); reports count it apart (JUnit: skipped) and it fails no run.
enum class verdict : std::uint8_t { pass, warn, fail, error, not_applicable };
inline constexpr std::size_t verdict_kinds = 5;

std::string_view to_string(verdict v);
verdict worst(verdict a, verdict b);

struct scenario_result {
  std::string id;
  std::string file;
  std::string protocol;
  std::string summary;
  std::vector<std::string> tags;  // the scenario's tags (selection in reports)
  verdict final = verdict::pass;
  std::vector<std::string> problems;  // script mismatches, client mismatches, harness errors
  std::vector<rule_result> rules;
  std::vector<step_result> steps;
  std::vector<transcript> connections;
  std::vector<script_step_trace> script;  // script mode: every step of every connection
  std::vector<std::string> secrets;  // strings reports redact (passwords and encodings of them)
  // The credential forms reports mask: the `redaction` column of the protocol's registry row
  // (harness/protocols.cpp). Not in report.json: merge sets it again from the registry.
  redaction_forms redaction;
  std::chrono::microseconds duration{0};
  std::string client_log;      // stderr of an external client, if any
  std::string not_applicable;  // why the client could not run the scenario (verdict N/A)
};

}  // namespace ph
