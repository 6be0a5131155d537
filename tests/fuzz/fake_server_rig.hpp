#pragma once
// Runs one fake-server connection in-process on loopback with fuzzed client bytes: the dialect's
// model server (or a script, for the engine's block readers) reads them as it would a client's,
// on a real session (recording wire, deadlines), single-threaded. The rig plays the client:
// it writes the bytes (in pieces of a fuzzed size), half-closes, reads every reply, and
// connects to each passive data port the server announces (FTP 227/229) so that transfers
// complete instead of waiting for the session deadline.

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace ph::fuzz {

// The scenarios one target serves: a model (always) and, optionally, a script.
struct fake_server_scenarios {
  std::string_view model_toml;
  std::string_view script_toml;  // empty: none
};

// Input: byte 0 is the write piece size in its low 7 bits (0: one write) and, in its top bit,
// script (1) or model (0); the rest are the client's bytes. A server failure (an exception
// out of the dialect, a "fake server failed" error) aborts: it is a finding.
int run_fake_server(const fake_server_scenarios& scenarios, const std::uint8_t* data,
                    std::size_t size);

}  // namespace ph::fuzz
