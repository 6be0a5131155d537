#include "harness/expect.hpp"

#include <gtest/gtest.h>

namespace ph::harness {
namespace {

using nlohmann::json;

TEST(MatchOutcome, NullExpectRequiresSuccess) {
  EXPECT_FALSE(match_outcome(nullptr, {{"code", 250}}));
  auto diff = match_outcome(nullptr, {{"error", "timeout"}, {"message", "timed out"}});
  ASSERT_TRUE(diff);
  EXPECT_NE(diff->find("unexpected error \"timeout\""), std::string::npos);
}

TEST(MatchOutcome, ExpectedErrorMustHappen) {
  json want = {{"error", "recipients_refused"}};
  EXPECT_TRUE(match_outcome(want, {{"refused", json::object()}}));
  EXPECT_FALSE(match_outcome(want, {{"error", "recipients_refused"}, {"refused", {{"a@b", 550}}}}));
  EXPECT_TRUE(match_outcome(want, {{"error", "sender_refused"}}));
}

TEST(MatchOutcome, TablesAreSubsetsAndStarIsAGlob) {
  json got = {
      {"code", 250}, {"text", "2.0.0 Ok: queued as PH000001"}, {"extensions", {{"SIZE", "100"}}}};
  EXPECT_FALSE(match_outcome({{"code", 250}}, got));
  EXPECT_FALSE(match_outcome({{"text", "*queued*"}}, got));
  EXPECT_FALSE(match_outcome({{"extensions", {{"SIZE", "100"}}}}, got));
  EXPECT_TRUE(match_outcome({{"code", 251}}, got));
  EXPECT_TRUE(match_outcome({{"extensions", {{"STARTTLS", ""}}}}, got));
  EXPECT_TRUE(match_outcome({{"text", "queued"}}, got));
}

TEST(MatchOutcome, EmptyRefusedMapMeansNoneRefused) {
  EXPECT_FALSE(match_outcome({{"refused", json::object()}}, {{"refused", json::object()}}));
  // refused = {} must prove that nothing was refused, not match any table.
  EXPECT_TRUE(match_outcome({{"refused", json::object()}}, {{"refused", {{"a@b", 550}}}}));
}

}  // namespace
}  // namespace ph::harness
