#include "fakeservers/nntp/nntp_dialect.hpp"

#include "fakeservers/model/line_dialect.hpp"
#include "fakeservers/nntp/nntp_model.hpp"

namespace ph::fakeservers::nntp {

const dialect& server() {
  static const line_dialect d({
      // RFC 3977 §6.3.1, §3.1.1: a POST/IHAVE article ends at CRLF "." CRLF.
      .dot_blocks = {"article"},
      .mismatch_reply = "500 protoharness: not what the script expected",
      // RFC 3977 §3.1: a command line is at most 512 octets; 501 is the syntax-error reply.
      .limit = {64 * 1024, "501 Command line too long", false},
      .compile_model = compile_model,
  });
  return d;
}

}  // namespace ph::fakeservers::nntp
