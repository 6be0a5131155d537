#pragma once
// A scenario as loaded from TOML: metadata, the client's steps, the server's script or
// model, and what the judge should make of it. Protocol-specific sections stay JSON here;
// each protocol's dialect and driver validate their own parts (see protocol registry).

#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace ph {

// A problem with a scenario file; what() is "file:line: problem".
class scenario_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct client_step {
  std::string op;
  nlohmann::json args = nlohmann::json::object();
  nlohmann::json expect;  // null: must succeed; object: subset of the outcome, or {error=...}
  std::string pointer;    // JSON pointer of this step in the document, for where()
  // This step's deadline instead of client_options.timeout_ms (a stall scenario waits for the
  // deadline on its stalled step only).
  std::optional<std::chrono::milliseconds> timeout;
};

struct scenario {
  std::string id;  // path below scenarios/ without .toml, e.g. "smtp/data-dot-stuffing"
  std::string file;
  std::string protocol;
  std::string summary;
  std::vector<std::string> rfc;
  std::vector<std::string> tags;

  std::vector<client_step> client;
  nlohmann::json client_options = nlohmann::json::object();  // [client_options]
  nlohmann::json server = nlohmann::json::object();          // [server], dialect-specific

  std::vector<std::string> skip_rules;         // rules that do not apply here
  std::vector<std::string> expect_fail_rules;  // rules this scenario must see broken
  std::chrono::milliseconds timeout{10000};    // whole-run bound

  nlohmann::json document;           // the whole file, as JSON
  std::map<std::string, int> lines;  // JSON pointer -> line in file

  // "file:line" for the value at pointer (or its nearest ancestor that has a line).
  [[nodiscard]] std::string where(const std::string& pointer) const;
  // Throws scenario_error "file:line: message".
  [[noreturn]] void fail(const std::string& pointer, const std::string& message) const;
  // Client step timeout (client_options.timeout_ms, default 2000 ms).
  [[nodiscard]] std::chrono::milliseconds client_timeout() const;
};

// Limits on a scenario file, checked before the TOML parser sees the text (it recurses once
// per nesting level, so depth must be bounded first). scenarios/README.md, "Limits".
inline constexpr std::size_t scenario_max_bytes = std::size_t{4} << 20;  // 4 MiB
// Arrays, inline tables, [table] headers and dotted-key parts, counted together from the
// root table.
inline constexpr int scenario_max_depth = 64;

// Loads and validates the protocol-independent parts. The id is the path below the nearest
// ancestor folder named "scenarios" (else the file's stem). Only regular files are read: a
// folder, FIFO, device or socket, or a file over scenario_max_bytes, is a scenario_error.
scenario load_scenario(const std::string& file);
// Parses scenario text. Throws scenario_error "file:line: problem" for a TOML syntax error,
// nesting deeper than scenario_max_depth, an integer outside 64 bits, a float out of range,
// or a protocol-independent part that is missing or malformed. Linear in the text's size.
scenario parse_scenario(const std::string& text, const std::string& file, const std::string& id);

// Files named *.toml below each path (or the path itself), sorted.
std::vector<std::string> find_scenario_files(const std::vector<std::string>& paths);

// The id a scenario file gets without reading it: its path below the nearest folder named
// scenarios/, without .toml ("smtp/data-dot-stuffing"); the file's stem outside one.
std::string scenario_id_for(const std::string& file);

// Glob match with '*' and '?', as used by --filter and scenario patterns.
bool glob_match(std::string_view pattern, std::string_view text, bool ignore_case = false);

}  // namespace ph
