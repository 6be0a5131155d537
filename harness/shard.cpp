#include "harness/shard.hpp"

#include <algorithm>
#include <charconv>
#include <numeric>

#include <fmt/format.h>

namespace ph::harness {
namespace {

constexpr int max_shards = 10000;

std::optional<int> whole_number(std::string_view text) {
  int value = 0;
  const auto* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end) return std::nullopt;
  return value;
}

}  // namespace

std::optional<shard> parse_shard(std::string_view text, std::string& problem) {
  const auto slash = text.find('/');
  std::optional<int> index, count;
  if (slash != std::string_view::npos) {
    index = whole_number(text.substr(0, slash));
    count = whole_number(text.substr(slash + 1));
  }
  if (!index || !count || *count < 1 || *count > max_shards || *index < 1 || *index > *count) {
    problem =
        fmt::format("'{}' is not a shard: I/N with 1 <= I <= N <= {} (e.g. 2/4)", text, max_shards);
    return std::nullopt;
  }
  return shard{*index, *count};
}

std::map<std::string, double, std::less<>> durations_from_report(const nlohmann::json& report) {
  std::map<std::string, double, std::less<>> out;
  for (const auto& s : report.at("scenarios")) {
    if (!s.is_object() || !s.contains("id") || !s["id"].is_string() || !s.contains("duration_ms") ||
        !s["duration_ms"].is_number())
      continue;
    out[s["id"].get<std::string>()] = std::max(0.0, s["duration_ms"].get<double>());
  }
  return out;
}

std::vector<std::size_t> shard_slice(const std::vector<std::string>& ids, shard s,
                                     const std::map<std::string, double, std::less<>>& durations) {
  std::vector<std::size_t> order(ids.size());
  std::iota(order.begin(), order.end(), 0);
  // Equal ids (the same file given twice) keep their input order, so the slices stay a
  // partition whatever the input.
  auto by_id = [&](std::size_t a, std::size_t b) { return ids[a] < ids[b]; };
  std::vector<int> slice_of(ids.size(), 0);
  if (durations.empty()) {
    std::stable_sort(order.begin(), order.end(), by_id);
    for (std::size_t k = 0; k < order.size(); ++k)
      slice_of[order[k]] = static_cast<int>(k % static_cast<std::size_t>(s.count)) + 1;
  } else {
    std::vector<double> known;
    for (const auto& [_, ms] : durations)
      known.push_back(ms);
    std::nth_element(known.begin(), known.begin() + known.size() / 2, known.end());
    const double median = known[known.size() / 2];
    std::vector<double> cost(ids.size());
    for (std::size_t i = 0; i < ids.size(); ++i) {
      auto it = durations.find(ids[i]);
      cost[i] = it != durations.end() ? it->second : median;
    }
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      if (cost[a] != cost[b]) return cost[a] > cost[b];
      return by_id(a, b);
    });
    std::vector<double> load(static_cast<std::size_t>(s.count), 0.0);
    for (std::size_t i : order) {
      const auto least = std::min_element(load.begin(), load.end()) - load.begin();
      load[static_cast<std::size_t>(least)] += cost[i];
      slice_of[i] = static_cast<int>(least) + 1;
    }
  }
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < ids.size(); ++i)
    if (slice_of[i] == s.index) out.push_back(i);
  return out;
}

}  // namespace ph::harness
