#pragma once
// The POP3 server side: a well-behaved model server over declared mailboxes (RFC 1939,
// RFC 2449 CAPA and response codes, RFC 2595 STLS, RFC 5034 AUTH, RFC 3206 codes).
// Scripts need no POP3 block kinds: a client never sends a multi-line block in POP3.

#include "fakeservers/engine/dialect.hpp"

namespace ph::fakeservers::pop3 {

class pop3_dialect final : public dialect {
 public:
  // Compiles [server.model] (users, messages, capabilities, timestamp, in_use, ...) in
  // model mode; throws harness::scenario_error naming file:line.
  std::shared_ptr<const model_server> compile(const harness::scenario& scen) const override;
  // None.
  std::vector<std::string> block_kinds() const override;
  awaitable<std::optional<std::string>> read_block(session& s,
                                                   std::string_view kind) const override;
  // "-ERR protoharness: not what the script expected".
  std::string mismatch_reply() const override;
  line_limit command_line_limit() const override;
};

}  // namespace ph::fakeservers::pop3
