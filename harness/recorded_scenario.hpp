#pragma once
// A recorded connection (protoharness record) as a script-mode scenario that replays the
// upstream's side: each reply sent as it was recorded (send_raw, every byte), each client line
// expected as a glob, loosened by named normalisers so that a new run of the same client still
// matches. `protoharness serve FILE` then stands in for the upstream.

#include <string>

#include "vocabulary/result.hpp"

namespace ph::harness {

struct recording_options {
  bool raw = false;      // no normaliser: every client line exactly (credentials included)
  std::string upstream;  // HOST:PORT, for the summary
  std::string when;      // UTC time of the recording, for the header comment
};

// The normalisers, by name, in the order they apply (listed in each scenario's header):
//  - credentials: credential arguments and SASL responses (the protocol's redaction forms)
//    become "*";
//  - date: a "Date:" header line in a message becomes "Date: *";
//  - message-id: a "Message-ID:" header line becomes "Message-ID: *";
//  - size: the digits of an ESMTP SIZE= parameter (RFC 1870) become "*".
// Client lines are matched as globs, so a "*" or "?" the client sent matches loosely too.

// The scenario's TOML text for the first connection of `result`. The replay ends where the
// recording stops being readable: at a TLS upgrade (the relay passes TLS on unread) or where
// the transcript limit cut it; the header says so.
std::string recorded_scenario(const scenario_result& result, const recording_options& opts);

}  // namespace ph::harness
