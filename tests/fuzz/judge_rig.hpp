#pragma once
// Builds a transcript from fuzzed bytes and runs a protocol's whole rule set on it, as the
// judge does after a run (harness/rules: every *_session parser and every rule).
//
// Input: a first line naming a scenario of the corpus ("smtp/data-dot-stuffing", "" for none:
// the judge of `serve`, where rules that need the scenario do not apply), then records: a
// header byte, a two-byte big-endian length, that many bytes (fewer at the end of the input).
// Header bits 0-3: the event kind (8 open, 9 tls_start, 10 tls_ready, 11 tls_failed, 12 close,
// 13 reset, 14 note, anything else data); bit 4: server to client; bits 5-6: the channel (0 is
// the control connection, 1-3 data channels).

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace ph::fuzz {

int run_judge(std::string_view protocol, const std::uint8_t* data, std::size_t size);

}  // namespace ph::fuzz
