// The scenario loader as `protoharness check` runs it: TOML text to a scenario
// (vocabulary/scenario.cpp), then the fake server's and the driver's validation of their
// parts. Bad input must end in scenario_error ("file:line: problem"); any other exception
// escapes and is reported (an error that names no line), as is a crash or a hang.
// Input: the TOML text.

#include <string>

#include "fakeservers/fake_server.hpp"
#include "harness/driver.hpp"
#include "harness/protocols.hpp"
#include "tests/fuzz/fuzz_support.hpp"
#include "vocabulary/scenario.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace ph;
  using namespace ph::harness;
  try {
    const scenario scen = parse_scenario(std::string(ph::fuzz::bytes(data, size)), "fuzz.toml", "");
    (void)scen.where("/server/step/0/expect");
    const protocol_row* p = find_protocol(scen.protocol);
    if (p == nullptr) return 0;
    ph::fakeservers::validate_server(*p->dialect, scen);
    p->client_driver->validate(scen);
  } catch (const scenario_error&) {
  }
  return 0;
}
