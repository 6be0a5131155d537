#pragma once
// What every report says about the run as a whole.

#include <chrono>
#include <string>
#include <vector>

namespace ph::reports {

struct run_info {
  std::string tool_version;  // "0.1.0"
  std::string started_at;    // UTC, ISO 8601: "2024-05-01T12:34:56.789Z"
  std::chrono::microseconds wall_time{0};
  int jobs = 1;
  std::string client;    // "in-tree", or the external command line
  std::string hostname;  // of the machine that ran the harness
  std::string command;   // the command line, shell-quoted: "build/protoharness run scenarios/ -j 2"
  std::vector<std::string> paths;  // the scenario files and folders given (the tree run)
};

// argv as one shell command line: arguments holding anything but [A-Za-z0-9_@%+=:,./-] are
// single-quoted (a quote inside becomes '\''), so it can be pasted back into a shell.
std::string command_line(int argc, const char* const* argv);

// `tp` as UTC ISO 8601 with milliseconds, e.g. "2024-05-01T12:34:56.789Z".
std::string utc_timestamp(std::chrono::system_clock::time_point tp);

// This machine's host name, or "localhost" when the system will not say.
std::string local_hostname();

}  // namespace ph::reports
