#pragma once
// The harness's protocol table: the driver of each protocol's in-tree client. Fake server
// dialects and rules have their own one-row registrations (fakeservers/registry.cpp,
// harness/rules/rule.cpp).

#include <string_view>
#include <vector>

#include "harness/driver.hpp"

namespace ph::harness {

struct protocol_entry {
  std::string_view name;
  const driver& client_driver;
};

const std::vector<protocol_entry>& protocol_table();
const protocol_entry* find_protocol(std::string_view name);

}  // namespace ph::harness
