#include "harness/shard.hpp"

#include <algorithm>
#include <map>
#include <random>
#include <set>

#include <gtest/gtest.h>

namespace ph::harness {
namespace {

using durations = std::map<std::string, double, std::less<>>;

std::vector<std::string> corpus(int n) {
  std::vector<std::string> ids;
  for (int i = 0; i < n; ++i)
    ids.push_back("p" + std::to_string(i % 5) + "/scenario-" + std::to_string(i));
  return ids;
}

std::set<std::string> slice_ids(const std::vector<std::string>& ids, shard s, const durations& d) {
  std::set<std::string> out;
  for (std::size_t i : shard_slice(ids, s, d))
    out.insert(ids[i]);
  return out;
}

TEST(Shard, ParsesIOfN) {
  std::string problem;
  auto s = parse_shard("2/4", problem);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->index, 2);
  EXPECT_EQ(s->count, 4);
  for (const char* bad : {"", "2", "0/4", "5/4", "-1/4", "1/0", "a/b", "1/4x", " 1/4", "1/10001",
                          "99999999999999999999/2"}) {
    EXPECT_FALSE(parse_shard(bad, problem)) << bad;
    EXPECT_NE(problem.find("I/N"), std::string::npos) << problem;
  }
}

// The slices of N shards cover every scenario exactly once, whatever order the files came
// in, by count and by durations alike.
TEST(Shard, SlicesArePartitionsIndependentOfInputOrder) {
  auto ids = corpus(37);
  durations timed;
  for (std::size_t i = 0; i < ids.size(); i += 2)
    timed[ids[i]] = static_cast<double>((i * 7919) % 101);
  std::mt19937 rng(7);
  for (const auto& d : {durations{}, timed}) {
    for (int n = 1; n <= 8; ++n) {
      auto shuffled = ids;
      std::shuffle(shuffled.begin(), shuffled.end(), rng);
      std::multiset<std::string> seen;
      for (int i = 1; i <= n; ++i) {
        auto a = slice_ids(ids, {i, n}, d);
        EXPECT_EQ(a, slice_ids(shuffled, {i, n}, d)) << i << "/" << n;
        seen.insert(a.begin(), a.end());
      }
      EXPECT_EQ(seen, std::multiset<std::string>(ids.begin(), ids.end())) << n;
    }
  }
}

TEST(Shard, ByCountSlicesDifferByAtMostOne) {
  auto ids = corpus(23);
  for (int n = 1; n <= 30; ++n) {
    std::size_t lo = ids.size(), hi = 0;
    for (int i = 1; i <= n; ++i) {
      const auto k = shard_slice(ids, {i, n}, {}).size();
      lo = std::min(lo, k);
      hi = std::max(hi, k);
    }
    EXPECT_LE(hi - lo, 1u) << n;
  }
}

TEST(Shard, ByDurationsBalancesTime) {
  // One long scenario and many short ones: by count the long one's slice would also get half
  // the short ones; by time it runs alone.
  std::vector<std::string> ids = {"a/long"};
  durations d = {{"a/long", 1000}};
  for (int i = 0; i < 10; ++i) {
    ids.push_back("b/short-" + std::to_string(i));
    d[ids.back()] = 100;
  }
  auto first = slice_ids(ids, {1, 2}, d), second = slice_ids(ids, {2, 2}, d);
  EXPECT_EQ(first, std::set<std::string>{"a/long"});
  EXPECT_EQ(second.size(), 10u);
}

TEST(Shard, AnUnknownIdCountsAsTheMedian) {
  std::vector<std::string> ids = {"a", "b", "c", "new"};
  durations d = {{"a", 10}, {"b", 50}, {"c", 60}};
  // Longest first onto the lighter slice: c (60) -> 1; b (50) -> 2; new (the median, 50) -> 2,
  // which holds 50 against 60; a (10) -> 1.
  EXPECT_EQ(slice_ids(ids, {1, 2}, d), (std::set<std::string>{"a", "c"}));
  EXPECT_EQ(slice_ids(ids, {2, 2}, d), (std::set<std::string>{"b", "new"}));
}

TEST(Shard, DurationsFromAReport) {
  nlohmann::json report = {{"scenarios",
                            {{{"id", "smtp/a"}, {"duration_ms", 12.5}},
                             {{"id", "smtp/b"}, {"duration_ms", -3}},
                             {{"id", 7}, {"duration_ms", 1}},
                             {{"id", "smtp/c"}}}}};
  const auto d = durations_from_report(report);
  EXPECT_EQ(d, (durations{{"smtp/a", 12.5}, {"smtp/b", 0.0}}));
}

}  // namespace
}  // namespace ph::harness
