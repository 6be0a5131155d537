#pragma once
// What a script-mode fake server expected of the client at each [[server.step]], beside what
// the client actually sent: the record reports use to align "expected" and "actual" step by
// step and to point at the first divergence.

#include <cstddef>
#include <cstdint>
#include <string>

namespace ph {

enum class script_read : std::uint8_t {
  none,   // the step only sends (a greeting, an unsolicited reply)
  line,   // expect / expect_re: one line from the client
  block,  // read / read_bytes: a protocol block or a byte count
};

struct script_step_trace {
  int connection = 0;  // transcript::connection this step ran on
  int step = 0;        // 1-based index in [[server.step]]; 0: a line after the last step
  std::string where;   // "file:line" of the step ("" for a line after the last step)
  script_read read = script_read::none;
  std::string expected;  // the pattern as written, or "read data {...expect_data...}"
  bool regex = false;    // `expected` is a regex (expect_re), not a glob
  bool reached = false;  // false: the connection ended (or the script stopped) before it
  bool matched = true;   // false: the client's bytes (or the data channel) did not match
  std::string mismatch;  // why not, as in the result's problems
  std::string actual;    // the client's line raw with its terminator, or a block's first bytes
  std::size_t actual_bytes = 0;  // the whole line or block, when `actual` is a head of it
  int event = -1;    // index in the transcript's events of the event holding actual's 1st byte
  std::string sent;  // what the step sent on the control channel, raw (a head of it)
};

}  // namespace ph
