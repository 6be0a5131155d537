// The FTP server side (placeholder until the dialect lands: it refuses service).

#include "fakeservers/ftp/ftp_dialect.hpp"

namespace ph::fakeservers::ftp {

void ftp_dialect::validate(const harness::scenario&) const {}

awaitable<void> ftp_dialect::serve_model(session& s) const {
  co_await s.send_line("502 not implemented yet");
}

std::vector<std::string> ftp_dialect::block_kinds() const {
  return {};
}

awaitable<std::optional<std::string>> ftp_dialect::read_block(session&, std::string_view) const {
  co_return std::nullopt;
}

std::string ftp_dialect::mismatch_reply() const {
  return "502 not implemented yet";
}

}  // namespace ph::fakeservers::ftp
