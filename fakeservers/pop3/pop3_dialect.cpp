// The POP3 server side: the model server (pop3_model.hpp) and the script face.

#include "fakeservers/pop3/pop3_dialect.hpp"

#include "fakeservers/model/model_config.hpp"
#include "fakeservers/pop3/pop3_model.hpp"

namespace ph::fakeservers::pop3 {

std::shared_ptr<const model_server> pop3_dialect::compile(const harness::scenario& scen) const {
  if (!model_mode(scen)) return nullptr;
  return make_model_server(parse_model(scen));
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

line_limit pop3_dialect::command_line_limit() const {
  // RFC 2449 §4: commands up to 255 octets (RFC 1939 said 40 for arguments); -ERR otherwise.
  return {64 * 1024, "-ERR line too long", false};
}

}  // namespace ph::fakeservers::pop3
