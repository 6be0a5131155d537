// The NNTP server side: article framing for scripts and the model server (nntp_model.hpp).

#include "fakeservers/nntp/nntp_dialect.hpp"

#include "fakeservers/model/model_config.hpp"
#include "fakeservers/nntp/nntp_model.hpp"

namespace ph::fakeservers::nntp {

std::shared_ptr<const model_server> nntp_dialect::compile(const harness::scenario& scen) const {
  if (!model_mode(scen)) return nullptr;
  return make_model_server(parse_model(scen));
}

std::vector<std::string> nntp_dialect::block_kinds() const {
  return {"article"};
}

awaitable<std::optional<std::string>> nntp_dialect::read_block(session& s, std::string_view) const {
  // RFC 3977 §6.3.1, §3.1.1: an article ends at CRLF "." CRLF.
  co_return co_await s.read_dot_block();
}

std::string nntp_dialect::mismatch_reply() const {
  return "500 protoharness: not what the script expected";
}

line_limit nntp_dialect::command_line_limit() const {
  // RFC 3977 §3.1: a command line is at most 512 octets; 501 is the syntax-error reply.
  return {64 * 1024, "501 Command line too long", false};
}

}  // namespace ph::fakeservers::nntp
