#include "fakeservers/smtp/smtp_dialect.hpp"

#include "fakeservers/model/line_dialect.hpp"
#include "fakeservers/smtp/smtp_model.hpp"

namespace ph::fakeservers::smtp {

const dialect& server() {
  static const line_dialect d({
      // DATA's message (RFC 5321 §4.1.1.4).
      .dot_blocks = {"data"},
      .mismatch_reply = "503 5.5.1 protoharness: not what the script expected",
      // RFC 5321 §4.5.3.1.4-6: command lines are 512 octets, text lines 1000; a longer one is
      // answered "500 Line too long" (X.5.6: the enhanced code RFC 4954 gives a too-long line).
      .limit = {64 * 1024, "500 5.5.6 Line too long", false},
      .compile_model = compile_model,
  });
  return d;
}

}  // namespace ph::fakeservers::smtp
