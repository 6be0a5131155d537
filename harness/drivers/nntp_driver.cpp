// Placeholder until the NNTP client lands: validation refuses every client step.

#include "harness/drivers/nntp_driver.hpp"

#include <stdexcept>

namespace ph::harness::drivers {

void nntp_driver::validate(const scenario& scen) const {
  if (!scen.client.empty())
    scen.fail(scen.client.front().pointer, "the NNTP client is not implemented yet");
}

std::unique_ptr<client_session> nntp_driver::start(const scenario&, const endpoint&) const {
  throw std::logic_error("the NNTP client is not implemented yet");
}

nlohmann::json nntp_driver::describe_error(std::exception_ptr) const {
  return {{"error", "exception"}};
}

std::vector<std::string> nntp_driver::secrets(const scenario&) const {
  return {};
}

}  // namespace ph::harness::drivers
