// The NNTP server side (placeholder until the dialect lands: it refuses service).

#include "fakeservers/nntp/nntp_dialect.hpp"

namespace ph::fakeservers::nntp {

void nntp_dialect::validate(const harness::scenario&) const {}

awaitable<void> nntp_dialect::serve_model(session& s) const {
  co_await s.send_line("502 not implemented yet");
}

std::vector<std::string> nntp_dialect::block_kinds() const {
  return {};
}

awaitable<std::optional<std::string>> nntp_dialect::read_block(session&, std::string_view) const {
  co_return std::nullopt;
}

std::string nntp_dialect::mismatch_reply() const {
  return "500 protoharness: not what the script expected";
}

}  // namespace ph::fakeservers::nntp
