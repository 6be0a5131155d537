// Placeholder until the FTP client lands: validation refuses every client step.

#include "harness/drivers/ftp_driver.hpp"

#include <stdexcept>

namespace ph::harness::drivers {

void ftp_driver::validate(const scenario& scen) const {
  if (!scen.client.empty())
    scen.fail(scen.client.front().pointer, "the FTP client is not implemented yet");
}

std::unique_ptr<client_session> ftp_driver::start(const scenario&, const endpoint&) const {
  throw std::logic_error("the FTP client is not implemented yet");
}

nlohmann::json ftp_driver::describe_error(std::exception_ptr) const {
  return {{"error", "exception"}};
}

std::vector<std::string> ftp_driver::secrets(const scenario&) const {
  return {};
}

}  // namespace ph::harness::drivers
