#pragma once
// Maps POP3 scenario steps to ph::clients::pop3::client calls.

#include "harness/driver.hpp"

namespace ph::harness::drivers {

class pop3_driver final : public driver {
 public:
  void validate(const scenario& scen) const override;
  std::unique_ptr<client_session> start(const scenario& scen, const endpoint& ep) const override;
  nlohmann::json describe_error(std::exception_ptr error) const override;
  std::vector<std::string> secrets(const scenario& scen) const override;
};

}  // namespace ph::harness::drivers
