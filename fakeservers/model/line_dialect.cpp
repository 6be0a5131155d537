#include "fakeservers/model/line_dialect.hpp"

#include "fakeservers/model/model_config.hpp"

namespace ph::fakeservers {

std::shared_ptr<const model_server> line_dialect::compile(const ph::scenario& scen) const {
  if (!model_mode(scen)) return nullptr;
  return spec_.compile_model(scen);
}

awaitable<std::optional<std::string>> line_dialect::read_block(session& s, std::string_view) const {
  co_return co_await s.read_dot_block();
}

}  // namespace ph::fakeservers
