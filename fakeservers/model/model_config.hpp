#pragma once
// Helpers the dialects share to compile [server.model].

#include <memory>
#include <string>
#include <vector>

#include "fakeservers/engine/session.hpp"

namespace ph::fakeservers {

// True when the scenario's server runs in model mode ([server] mode = "model").
bool model_mode(const ph::scenario& scen);

// [server.model] ({} when absent); throws scenario_error when it is not a table.
json model_table(const ph::scenario& scen);

// An array of strings at `ptr`; throws scenario_error naming the element that is not one.
std::vector<std::string> string_array(const ph::scenario& scen, const json& j,
                                      const std::string& ptr);

}  // namespace ph::fakeservers
