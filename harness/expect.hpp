#pragma once
// Matching a step's outcome against the scenario's `expect`.

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace ph::harness {

// nullopt when `outcome` satisfies `expect`, else what differs. A null `expect` means
// "succeeds"; an `error` key names the expected failure; other keys must be present in the
// outcome with equal values (objects compared as subsets — an empty table only matches an empty one
// — and strings with '*' as globs).
std::optional<std::string> match_outcome(const nlohmann::json& expect,
                                         const nlohmann::json& outcome);

}  // namespace ph::harness
