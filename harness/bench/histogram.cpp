#include "harness/bench/histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace ph::harness::bench {

std::size_t histogram::bucket_of(std::uint64_t ns) {
  if (ns < 64) return static_cast<std::size_t>(ns);
  const unsigned shift = static_cast<unsigned>(std::bit_width(ns)) - 6;  // >= 1
  const std::uint64_t mantissa = ns >> shift;                            // 32..63
  return std::min<std::size_t>(64 + (shift - 1) * 32 + (mantissa - 32), buckets - 1);
}

std::uint64_t histogram::upper_bound_of(std::size_t bucket) {
  if (bucket < 64) return bucket;
  const std::size_t shift = (bucket - 64) / 32 + 1;
  const std::uint64_t mantissa = (bucket - 64) % 32 + 32;
  return ((mantissa + 1) << shift) - 1;
}

void histogram::record(std::chrono::nanoseconds latency) {
  const auto ns = static_cast<std::uint64_t>(std::max<std::int64_t>(0, latency.count()));
  ++counts_[bucket_of(ns)];
  ++count_;
  max_ = std::max(max_, ns);
}

void histogram::merge(const histogram& other) {
  for (std::size_t i = 0; i < buckets; ++i)
    counts_[i] += other.counts_[i];
  count_ += other.count_;
  max_ = std::max(max_, other.max_);
}

std::chrono::nanoseconds histogram::min() const {
  for (std::size_t i = 0; i < buckets; ++i)
    if (counts_[i]) return std::chrono::nanoseconds(std::min(upper_bound_of(i), max_));
  return std::chrono::nanoseconds(0);
}

std::chrono::nanoseconds histogram::percentile(double fraction) const {
  if (count_ == 0) return std::chrono::nanoseconds(0);
  fraction = std::clamp(fraction, 0.0, 1.0);
  const auto rank =
      std::max<std::uint64_t>(1, static_cast<std::uint64_t>(std::ceil(fraction * count_)));
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < buckets; ++i) {
    seen += counts_[i];
    if (seen >= rank) return std::chrono::nanoseconds(std::min(upper_bound_of(i), max_));
  }
  return std::chrono::nanoseconds(max_);
}

}  // namespace ph::harness::bench
