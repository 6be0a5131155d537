// The SMTP server side: DATA framing for scripts and the model server (smtp_model.hpp).

#include "fakeservers/smtp/smtp_dialect.hpp"

#include "fakeservers/model/model_config.hpp"
#include "fakeservers/smtp/smtp_model.hpp"

namespace ph::fakeservers::smtp {

std::shared_ptr<const model_server> smtp_dialect::compile(const harness::scenario& scen) const {
  if (!model_mode(scen)) return nullptr;
  return make_model_server(parse_model(scen));
}

std::vector<std::string> smtp_dialect::block_kinds() const {
  return {"data"};
}

awaitable<std::optional<std::string>> smtp_dialect::read_block(session& s, std::string_view) const {
  co_return co_await s.read_dot_block();
}

std::string smtp_dialect::mismatch_reply() const {
  return "503 5.5.1 protoharness: not what the script expected";
}

line_limit smtp_dialect::command_line_limit() const {
  // RFC 5321 §4.5.3.1.4-6: command lines are 512 octets, text lines 1000; a longer one is
  // answered "500 Line too long" (X.5.6: the enhanced code RFC 4954 gives a too-long line).
  return {64 * 1024, "500 5.5.6 Line too long", false};
}

}  // namespace ph::fakeservers::smtp
