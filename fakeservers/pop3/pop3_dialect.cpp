#include "fakeservers/pop3/pop3_dialect.hpp"

#include "fakeservers/model/line_dialect.hpp"
#include "fakeservers/pop3/pop3_model.hpp"

namespace ph::fakeservers::pop3 {

const dialect& server() {
  static const line_dialect d({
      // None: a client never sends a multi-line block in POP3.
      .dot_blocks = {},
      .mismatch_reply = "-ERR protoharness: not what the script expected",
      // RFC 2449 §4: commands up to 255 octets (RFC 1939 said 40 for arguments); -ERR otherwise.
      .limit = {64 * 1024, "-ERR line too long", false},
      .compile_model = compile_model,
  });
  return d;
}

}  // namespace ph::fakeservers::pop3
