// The FTP server side: the model server (ftp_model.hpp) and the script face; scripts drive
// data connections with the data_* step keys.

#include "fakeservers/ftp/ftp_dialect.hpp"

#include "fakeservers/ftp/ftp_model.hpp"
#include "fakeservers/model/model_config.hpp"

namespace ph::fakeservers::ftp {

std::shared_ptr<const model_server> ftp_dialect::compile(const harness::scenario& scen) const {
  if (!model_mode(scen)) return nullptr;
  return make_model_server(parse_model(scen));
}

std::vector<std::string> ftp_dialect::block_kinds() const {
  return {};  // FTP's control channel has no multi-line client blocks; data uses data_*
}

awaitable<std::optional<std::string>> ftp_dialect::read_block(session&, std::string_view) const {
  co_return std::nullopt;
}

std::string ftp_dialect::mismatch_reply() const {
  return "500 Unexpected command (the script expected another)";
}

line_limit ftp_dialect::command_line_limit() const {
  // RFC 959 §4.2: 500 "Syntax error, command unrecognized. This may include errors such as
  // command line too long."
  return {64 * 1024, "500 Command line too long", false};
}

}  // namespace ph::fakeservers::ftp
