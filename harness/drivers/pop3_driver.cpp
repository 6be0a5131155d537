// Placeholder until the POP3 client lands: validation refuses every client step.

#include "harness/drivers/pop3_driver.hpp"

#include <stdexcept>

namespace ph::harness::drivers {

void pop3_driver::validate(const scenario& scen) const {
  if (!scen.client.empty())
    scen.fail(scen.client.front().pointer, "the POP3 client is not implemented yet");
}

std::unique_ptr<client_session> pop3_driver::start(const scenario&, const endpoint&) const {
  throw std::logic_error("the POP3 client is not implemented yet");
}

nlohmann::json pop3_driver::describe_error(std::exception_ptr) const {
  return {{"error", "exception"}};
}

std::vector<std::string> pop3_driver::secrets(const scenario&) const {
  return {};
}

}  // namespace ph::harness::drivers
