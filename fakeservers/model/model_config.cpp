#include "fakeservers/model/model_config.hpp"

namespace ph::fakeservers {

bool model_mode(const ph::scenario& scen) {
  return scen.server.value("mode", "") == "model";
}

json model_table(const ph::scenario& scen) {
  json model = scen.server.value("model", json::object());
  if (!model.is_object()) scen.fail("/server/model", "[server.model] must be a table");
  return model;
}

std::vector<std::string> string_array(const ph::scenario& scen, const json& j,
                                      const std::string& ptr) {
  if (!j.is_array()) scen.fail(ptr, "expected an array of strings");
  std::vector<std::string> out;
  for (std::size_t i = 0; i < j.size(); ++i) {
    if (!j[i].is_string()) scen.fail(ptr + "/" + std::to_string(i), "expected a string");
    out.push_back(j[i]);
  }
  return out;
}

}  // namespace ph::fakeservers
