#include "harness/expect.hpp"

#include <fmt/format.h>

#include "vocabulary/scenario.hpp"

namespace ph::harness {

namespace {

std::optional<std::string> subset(const nlohmann::json& want, const nlohmann::json& got,
                                  const std::string& path) {
  if (want.is_object()) {
    if (!got.is_object()) return fmt::format("{}: expected a table, got {}", path, got.dump());
    // An empty table means "empty" (refused = {}: nothing refused), not "anything".
    if (want.empty() && !got.empty())
      return fmt::format("{}: expected {{}}, got {}", path, got.dump());
    for (const auto& [key, value] : want.items()) {
      if (!got.contains(key))
        return fmt::format("{}.{}: missing (outcome {})", path, key, got.dump());
      if (auto diff = subset(value, got[key], path + "." + key)) return diff;
    }
    return std::nullopt;
  }
  if (want.is_string() && got.is_string()) {
    const auto& w = want.get_ref<const std::string&>();
    const auto& g = got.get_ref<const std::string&>();
    bool ok = w.find('*') != std::string::npos ? glob_match(w, g) : w == g;
    if (!ok) return fmt::format("{}: expected {}, got {}", path, want.dump(), got.dump());
    return std::nullopt;
  }
  if (want.is_number() && got.is_number()) {
    if (want.get<double>() != got.get<double>())
      return fmt::format("{}: expected {}, got {}", path, want.dump(), got.dump());
    return std::nullopt;
  }
  if (want != got) return fmt::format("{}: expected {}, got {}", path, want.dump(), got.dump());
  return std::nullopt;
}

}  // namespace

std::optional<std::string> match_outcome(const nlohmann::json& expect,
                                         const nlohmann::json& outcome) {
  const bool failed = outcome.is_object() && outcome.contains("error");
  const bool want_error = expect.is_object() && expect.contains("error");
  if (!want_error && failed)
    return fmt::format("unexpected error {}: {}", outcome["error"].dump(),
                       outcome.value("message", ""));
  if (want_error && !failed)
    return fmt::format("expected error {}, but the step succeeded ({})", expect["error"].dump(),
                       outcome.dump());
  if (expect.is_null()) return std::nullopt;
  return subset(expect, outcome, "expect");
}

}  // namespace ph::harness
