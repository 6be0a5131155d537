#include "vocabulary/result.hpp"

namespace ph {

std::string_view to_string(level lvl) {
  return lvl == level::must ? "MUST" : "SHOULD";
}

std::string_view to_string(outcome o) {
  switch (o) {
    case outcome::pass:
      return "pass";
    case outcome::fail:
      return "fail";
    case outcome::not_applicable:
      return "n/a";
  }
  return "?";
}

std::string_view to_string(script_read r) {
  switch (r) {
    case script_read::none:
      return "none";
    case script_read::line:
      return "line";
    case script_read::block:
      return "block";
  }
  return "?";
}

std::string_view to_string(verdict v) {
  switch (v) {
    case verdict::pass:
      return "PASS";
    case verdict::warn:
      return "WARN";
    case verdict::fail:
      return "FAIL";
    case verdict::error:
      return "ERROR";
    case verdict::not_applicable:
      return "N/A";
  }
  return "?";
}

verdict worst(verdict a, verdict b) {
  return a > b ? a : b;
}

}  // namespace ph
