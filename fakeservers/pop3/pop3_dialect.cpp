// The POP3 server side (placeholder until the dialect lands: it refuses service).

#include "fakeservers/pop3/pop3_dialect.hpp"

namespace ph::fakeservers::pop3 {

void pop3_dialect::validate(const harness::scenario&) const {}

awaitable<void> pop3_dialect::serve_model(session& s) const {
  co_await s.send_line("-ERR not implemented yet");
}

std::vector<std::string> pop3_dialect::block_kinds() const {
  return {};
}

awaitable<std::optional<std::string>> pop3_dialect::read_block(session&, std::string_view) const {
  co_return std::nullopt;
}

std::string pop3_dialect::mismatch_reply() const {
  return "-ERR protoharness: not what the script expected";
}

}  // namespace ph::fakeservers::pop3
