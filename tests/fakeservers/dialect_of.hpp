#pragma once
// The dialect a test's fake server speaks, from the protocol registry (harness/protocols.hpp):
// the fake servers look no protocol name up, whoever starts one hands it its dialect.

#include <stdexcept>
#include <string>
#include <string_view>

#include "fakeservers/fake_server.hpp"
#include "harness/protocols.hpp"

namespace ph::fakeservers::test {

inline const dialect& dialect_of(std::string_view protocol) {
  const ph::protocol_row* row = harness::find_protocol(protocol);
  if (!row) throw std::invalid_argument("no protocol '" + std::string(protocol) + "'");
  return *row->dialect;
}

inline const dialect& dialect_of(const ph::scenario& scen) {
  return dialect_of(scen.protocol);
}

// validate_server with the scenario's own dialect.
inline void validate(const ph::scenario& scen) {
  validate_server(dialect_of(scen), scen);
}

}  // namespace ph::fakeservers::test
