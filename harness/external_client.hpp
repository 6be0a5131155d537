#pragma once
// An external client under test: any program that performs a scenario's client steps.
//
// Contract (documented in scenarios/README.md): the command line template gets {host},
// {port} and {steps} substituted; {steps} names a JSON file
//   {"scenario": id, "protocol": "smtp", "host": ..., "port": ..., "ca_file": path,
//    "options": {client_options}, "steps": [{"op": ..., "args": {...}}, ...]}
// The program prints one JSON object per performed step on stdout, in order (one per line,
// or a single {"outcomes": [...]}), e.g. {"code": 250} or {"error": "timeout", "message": ...}.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/driver.hpp"
#include "vocabulary/scenario.hpp"

namespace ph::harness {

struct external_run {
  std::vector<nlohmann::json> outcomes;
  std::vector<std::string> problems;  // exit status, time-out, unparsable output
  std::string stderr_text;
  int exit_code = 0;
};

// Runs the command (through /bin/sh) bounded by the scenario's timeout; kills its process
// group when the bound passes.
external_run run_external_client(const std::string& command_template, const scenario& scen,
                                 const endpoint& ep, const std::string& work_dir);

}  // namespace ph::harness
