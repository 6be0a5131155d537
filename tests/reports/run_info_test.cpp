#include "reports/run_info.hpp"

#include <gtest/gtest.h>

namespace ph::reports {
namespace {

TEST(RunInfo, UtcTimestampIsIso8601WithMilliseconds) {
  using namespace std::chrono;
  const system_clock::time_point tp = sys_days{2024y / 5 / 1} + 12h + 34min + 56s + 789ms;
  EXPECT_EQ(utc_timestamp(tp), "2024-05-01T12:34:56.789Z");
  EXPECT_EQ(utc_timestamp(system_clock::time_point{}), "1970-01-01T00:00:00.000Z");
}

TEST(RunInfo, CommandLineQuotesWhatTheShellWouldSplit) {
  const char* argv[] = {"build/protoharness",  "run",      "scenarios/", "--client-cmd",
                        "python3 a.py {host}", "--filter", "it's",       ""};
  EXPECT_EQ(command_line(8, argv),
            "build/protoharness run scenarios/ --client-cmd 'python3 a.py {host}' --filter "
            "'it'\\''s' ''");
  EXPECT_EQ(command_line(0, argv), "");
}

TEST(RunInfo, HostnameIsNotEmpty) {
  EXPECT_FALSE(local_hostname().empty());
}

}  // namespace
}  // namespace ph::reports
