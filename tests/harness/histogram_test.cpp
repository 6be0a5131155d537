#include "harness/bench/histogram.hpp"

#include <gtest/gtest.h>

#include "harness/bench/bench.hpp"

namespace ph::harness::bench {
namespace {

using std::chrono::nanoseconds;

TEST(Histogram, BucketsAreExactBelow64AndWithin3PercentAbove) {
  for (std::uint64_t v : {0ull, 1ull, 63ull})
    EXPECT_EQ(histogram::upper_bound_of(histogram::bucket_of(v)), v);
  for (std::uint64_t v = 64; v < (1ull << 40); v = v * 3 / 2 + 7) {
    auto upper = histogram::upper_bound_of(histogram::bucket_of(v));
    EXPECT_GE(upper, v);
    EXPECT_LE(static_cast<double>(upper - v), 0.032 * static_cast<double>(v)) << v;
  }
}

TEST(Histogram, PercentilesFollowTheSamples) {
  histogram h;
  for (int i = 1; i <= 1000; ++i)
    h.record(nanoseconds(i * 1000));  // 1 us .. 1 ms
  EXPECT_EQ(h.count(), 1000u);
  EXPECT_NEAR(static_cast<double>(h.percentile(0.5).count()), 500e3, 500e3 * 0.035);
  EXPECT_NEAR(static_cast<double>(h.percentile(0.99).count()), 990e3, 990e3 * 0.035);
  EXPECT_EQ(h.percentile(1.0), nanoseconds(1000 * 1000));
  EXPECT_EQ(h.max(), nanoseconds(1000 * 1000));
}

TEST(Histogram, MergeAddsCounts) {
  histogram a, b;
  a.record(nanoseconds(10));
  b.record(nanoseconds(1'000'000));
  a.merge(b);
  EXPECT_EQ(a.count(), 2u);
  EXPECT_EQ(a.max(), nanoseconds(1'000'000));
  EXPECT_EQ(a.min(), nanoseconds(10));
}

TEST(BenchTarget, ParsesUrls) {
  auto t = parse_target("pop3://alice:s3cret@127.0.0.1:1110/inbox");
  EXPECT_EQ(t.scheme, "pop3");
  EXPECT_EQ(t.user, "alice");
  EXPECT_EQ(t.password, "s3cret");
  EXPECT_EQ(t.host, "127.0.0.1");
  EXPECT_EQ(t.port, 1110);
  EXPECT_EQ(t.path, "inbox");
  EXPECT_EQ(parse_target("smtp://[::1]:2525").host, "::1");
  EXPECT_THROW(parse_target("smtp:/x"), std::invalid_argument);
  EXPECT_THROW(parse_target("smtp://host:99999"), std::invalid_argument);
}

TEST(BenchRun, CountsEveryOperationAgainstTheFakeServer) {
  options o;
  o.where = parse_target("smtp://ignored:1");
  o.op = "sendmail";
  o.fake = true;
  o.count = 40;
  o.connections = 2;
  auto r = run(o);
  EXPECT_EQ(r.ops, 40u);
  EXPECT_TRUE(r.errors.empty());
  EXPECT_EQ(r.latency.count(), 40u);
  EXPECT_GT(r.bytes, 40u * 1024u);
}

TEST(BenchRun, ErrorsAreCountedByName) {
  options o;
  o.where = parse_target("smtp://127.0.0.1:1");  // nothing listens on port 1
  o.op = "sendmail";
  o.count = 3;
  o.timeout = std::chrono::milliseconds(500);
  auto r = run(o);
  EXPECT_EQ(r.ops, 0u);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors.begin()->second, 3u);
}

TEST(BenchRegression, GatesOnTolerance) {
  result r;
  r.ops = 900;
  r.seconds = 1;
  nlohmann::json base = {{"ops_per_second", 1000.0}};
  EXPECT_FALSE(regression(r, base, 15));
  auto why = regression(r, base, 5);
  ASSERT_TRUE(why);
  EXPECT_NE(why->find("ops_per_second fell from 1000.00 to 900.00"), std::string::npos) << *why;
}

}  // namespace
}  // namespace ph::harness::bench
