// Placeholder until the HTTP client lands: validation refuses every client step.

#include "harness/drivers/http_driver.hpp"

#include <stdexcept>

namespace ph::harness::drivers {

void http_driver::validate(const scenario& scen) const {
  if (!scen.client.empty())
    scen.fail(scen.client.front().pointer, "the HTTP client is not implemented yet");
}

std::unique_ptr<client_session> http_driver::start(const scenario&, const endpoint&) const {
  throw std::logic_error("the HTTP client is not implemented yet");
}

nlohmann::json http_driver::describe_error(std::exception_ptr) const {
  return {{"error", "exception"}};
}

std::vector<std::string> http_driver::secrets(const scenario&) const {
  return {};
}

}  // namespace ph::harness::drivers
