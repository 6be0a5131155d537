#include "fakeservers/ftp/ftp_dialect.hpp"

#include "fakeservers/ftp/ftp_model.hpp"
#include "fakeservers/ftp/ftp_script.hpp"
#include "fakeservers/model/line_dialect.hpp"

namespace ph::fakeservers::ftp {

const dialect& server() {
  static const line_dialect d({
      // None: FTP's control channel has no multi-line client blocks; data uses data_*.
      .dot_blocks = {},
      .mismatch_reply = "500 Unexpected command (the script expected another)",
      // RFC 959 §4.2: 500 "Syntax error, command unrecognized. This may include errors such as
      // command line too long."
      .limit = {64 * 1024, "500 Command line too long", false},
      .compile_model = compile_model,
      .script_keys = &data_step_keys(),
  });
  return d;
}

}  // namespace ph::fakeservers::ftp
