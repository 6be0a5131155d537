#pragma once
// The protocol registry's row type. The registry itself, one row per protocol, is
// harness/protocols.cpp: the one place that lists protocol names. The row lives here, at the
// bottom, so that every layer may use it; its plain-data columns (ports, redaction forms) are
// read anywhere, while the columns that belong to upper layers (dialect, driver, rule set,
// bench workloads) are opaque pointers here. Lower layers never look a name up in the
// registry: they are handed what they need from a row (the fake server its dialect, the judge
// its rule set, the reports the redaction forms, through scenario_result::redaction).

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace ph::fakeservers {
class dialect;  // fakeservers/engine/dialect.hpp
}  // namespace ph::fakeservers

namespace ph::harness {
struct driver;  // harness/driver.hpp
namespace rules {
class rule;  // harness/rules/rule.hpp
}  // namespace rules
namespace bench {
struct workload_set;  // harness/bench/workloads.hpp
}  // namespace bench
}  // namespace ph::harness

namespace ph {

// The credential forms reports mask in a protocol's client lines (reports/redactor.hpp).
struct redaction_forms {
  bool auth = false;      // AUTH <mech> <initial-response>
  bool pass = false;      // PASS <x>
  bool apop = false;      // APOP <user> <digest>
  bool authinfo = false;  // AUTHINFO PASS <x>, AUTHINFO SASL <mech> <initial-response>
  bool http = false;      // Authorization: <scheme> <credentials>
  // Server reply codes after which the client's next line is a SASL response ("334").
  std::vector<std::string_view> continuations;
};

struct protocol_row {
  std::string_view name;                // the scenario's `protocol`, the URL scheme of `bench`
  std::uint16_t port = 0;               // the registered port
  std::uint16_t implicit_tls_port = 0;  // the port of its implicit-TLS variant; 0: none
  bool server_greets = false;           // the server speaks first (bench --op idle waits for it)
  const fakeservers::dialect* dialect = nullptr;   // the fake server's side
  const harness::driver* client_driver = nullptr;  // the in-tree client's op table
  std::span<const harness::rules::rule* const> (*rules)() = nullptr;  // the judge's rule set
  const harness::bench::workload_set* workloads = nullptr;            // bench ops; nullptr: none
  redaction_forms redaction;
};

}  // namespace ph
