#pragma once
// A log-linear latency histogram: exact below 64 ns, then 32 buckets per power of two
// (at most ~3% relative error), fixed size, mergeable across threads.

#include <array>
#include <chrono>
#include <cstdint>

namespace ph::harness::bench {

class histogram {
 public:
  void record(std::chrono::nanoseconds latency);
  void merge(const histogram& other);
  [[nodiscard]] std::uint64_t count() const { return count_; }
  [[nodiscard]] std::chrono::nanoseconds max() const { return std::chrono::nanoseconds(max_); }
  [[nodiscard]] std::chrono::nanoseconds min() const;
  // The latency at or below which `fraction` (0..1) of the samples fall: the upper bound of
  // the bucket that holds that rank, never above max().
  [[nodiscard]] std::chrono::nanoseconds percentile(double fraction) const;

  static std::size_t bucket_of(std::uint64_t ns);
  static std::uint64_t upper_bound_of(std::size_t bucket);

 private:
  static constexpr std::size_t buckets = 64 + 44 * 32;  // up to 2^49 ns (~6.5 days)
  std::array<std::uint64_t, buckets> counts_{};
  std::uint64_t count_ = 0;
  std::uint64_t max_ = 0;
};

}  // namespace ph::harness::bench
