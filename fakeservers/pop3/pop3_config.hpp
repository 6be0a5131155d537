#pragma once
// The POP3 model server's [server.model] (users, mailboxes, capabilities, greeting),
// compiled once per scenario.

#include <map>
#include <string>
#include <vector>

#include "vocabulary/scenario.hpp"

namespace ph::fakeservers::pop3 {

struct message {
  std::string content;  // CRLF line ends, ends with CRLF (or empty); unstuffed
  std::string uid;
  // The whole RETR response (status line, stuffed content, ".\r\n"), made on first RETR:
  // messages never change while a session runs (DELE only marks), so it is built once.
  std::string retr_reply;
};

struct mailbox {
  std::string password;
  std::vector<message> messages;
  bool in_use = false;
};

struct model_config {
  std::string hostname = "fake.test";
  std::string greeting;                                  // the whole first line
  std::string timestamp = "<1896.697170952@fake.test>";  // RFC 1939 §7; "" disables APOP
  std::vector<std::string> capabilities = {"TOP",
                                           "UIDL",
                                           "USER",
                                           "SASL PLAIN",
                                           "STLS",
                                           "RESP-CODES",
                                           "AUTH-RESP-CODE",
                                           "PIPELINING",
                                           "IMPLEMENTATION protoharness"};
  bool capa = true;
  std::map<std::string, mailbox> users;
};

// Reads [server.model] over the default mailbox (scenarios/README.md, "POP3"); throws
// ph::scenario_error naming file:line.
model_config parse_model(const ph::scenario& scen);

}  // namespace ph::fakeservers::pop3
