// The judge's SMTP rules (harness/rules/smtp): the session parser and every rule of the catalogue
// over a transcript built from fuzzed records (see judge_rig.hpp).

#include "tests/fuzz/judge_rig.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return ph::fuzz::run_judge("smtp", data, size);
}
