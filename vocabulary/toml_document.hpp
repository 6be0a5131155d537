#pragma once
// A TOML file read as JSON, with the line of every value: what scenario files are parsed from.
// The reader guards the TOML parser against what it handles badly (deep nesting, oversized
// integers, quadratic line counting) and reports every problem as scenario_error "file:line:".

#include <map>
#include <string>

#include <nlohmann/json.hpp>

namespace ph {

struct toml_document {
  nlohmann::json root;
  std::map<std::string, int> lines;  // JSON pointer of each value -> its 1-based line
};

// Parses `text` (the contents of `file`, named in messages). Throws scenario_error.
toml_document read_toml(const std::string& text, const std::string& file);

// A key as one JSON pointer token (RFC 6901: "~" as "~0", "/" as "~1").
std::string escape_pointer_token(const std::string& key);

}  // namespace ph
