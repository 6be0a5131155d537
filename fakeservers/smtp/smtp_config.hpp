#pragma once
// The SMTP model server's [server.model], compiled once per scenario.

#include <map>
#include <string>
#include <vector>

#include "vocabulary/scenario.hpp"

namespace ph::fakeservers::smtp {

struct model_config {
  std::string hostname = "fake.test";
  std::string greeting;
  std::vector<std::string> extensions = {"PIPELINING", "8BITMIME",         "SIZE 10485760",
                                         "STARTTLS",   "AUTH PLAIN LOGIN", "ENHANCEDSTATUSCODES",
                                         "SMTPUTF8"};
  std::map<std::string, std::string> users = {{"test", "test"}};
  bool auth_required = false;
  std::vector<std::string> accept = {"*"};
  std::vector<std::string> reject = {"*@blocked.test"};
  std::vector<std::string> reject_senders;
  int max_recipients = 0;
  std::size_t size_limit = 0;
};

// Reads [server.model] (hostname, greeting, extensions, users, auth_required, accept,
// reject, reject_senders, max_recipients); throws ph::scenario_error naming file:line.
model_config parse_model(const ph::scenario& scen);

}  // namespace ph::fakeservers::smtp
