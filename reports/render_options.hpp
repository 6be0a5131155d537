#pragma once
// How much of a transcript the reports show, and whether credentials are hidden.

#include <cstddef>

namespace ph::reports {

struct render_options {
  // Replace the scenario's secrets and credential arguments (AUTH, PASS, SASL responses...)
  // with "***". On by default: reports end up in CI artefacts.
  bool redact = true;
  // Show every byte of long events instead of a head and a sha256.
  bool full_data = false;
  // Text form: an event that renders to more rows than this is summarised.
  std::size_t max_rows = 200;
  // Text and JSON forms: an event larger than this is summarised.
  std::size_t max_event_bytes = 64 * 1024;
  // What a summarised event keeps: at most this many rows (text) and bytes (text and JSON).
  std::size_t head_rows = 20;
  std::size_t head_bytes = 4096;
  // junit.xml stays within this many bytes (CI systems refuse larger JUnit reports): beyond
  // it, every transcript in it is cut to the same length, and the document says so.
  std::size_t max_junit_bytes = 30'000'000;
  // Console: verdict words in ANSI colour (the CLI's --color, NO_COLOR).
  bool color = false;
};

}  // namespace ph::reports
