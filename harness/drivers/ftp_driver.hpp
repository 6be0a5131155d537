#pragma once
// Maps FTP scenario steps to ph::clients::ftp::client calls.

#include "harness/driver.hpp"

namespace ph::harness::drivers {

class ftp_driver final : public driver {
 public:
  void validate(const scenario& scen) const override;
  std::unique_ptr<client_session> start(const scenario& scen, const endpoint& ep) const override;
  nlohmann::json describe_error(std::exception_ptr error) const override;
  std::vector<std::string> secrets(const scenario& scen) const override;
};

}  // namespace ph::harness::drivers
