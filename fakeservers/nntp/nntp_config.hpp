#pragma once
// The NNTP model server's [server.model] (groups with articles, users, capabilities, ...),
// compiled once per scenario. With an empty model it holds the defaults documented in
// scenarios/README.md ("NNTP").

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "vocabulary/scenario.hpp"

namespace ph::fakeservers::nntp {

struct article_def {
  std::int64_t number = 0;
  std::string message_id;
  std::string from = "Tester <tester@fake.test>";
  std::string subject;
  std::string date = "Mon, 01 Jan 2024 12:00:00 +0000";
  std::string references;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers, in order
  std::string arrived = "20240101120000";                    // for NEWNEWS, UTC
  std::vector<std::string> newsgroups;                       // filled in from the groups
};

struct group_def {
  std::string name;
  std::string description;
  bool posting = true;
  std::string created = "20240101000000";  // for NEWGROUPS, UTC
  std::vector<article_def> articles;       // ascending by number
};

struct model_config {
  std::string hostname = "fake.test";
  std::string greeting;
  bool posting_allowed = true;
  bool auth_required = false;
  std::map<std::string, std::string> users = {{"test", "test"}};
  std::vector<std::string> capabilities;  // empty: derived from the state
  std::vector<std::string> overview_fmt = {
      "Subject:", "From:", "Date:", "Message-ID:", "References:", ":bytes", ":lines"};
  std::string date;  // DATE reply; empty: the current time
  std::vector<group_def> groups;
};

// Reads [server.model]; throws ph::scenario_error naming file:line.
model_config parse_model(const ph::scenario& scen);

}  // namespace ph::fakeservers::nntp
