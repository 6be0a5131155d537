#pragma once
// Splitting a run across CI runners: `--shard I/N` picks the I-th of N slices of the selected
// scenarios. Every scenario is in exactly one slice, and the slices depend only on the set of
// ids (and the timings given), never on the order the files were found in, so N runners that
// each run one slice cover the corpus exactly once.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace ph::harness {

struct shard {
  int index = 1;  // 1-based
  int count = 1;
};

// "I/N" with 1 <= I <= N <= 10000; nullopt with `problem` set otherwise.
std::optional<shard> parse_shard(std::string_view text, std::string& problem);

// How long each scenario took, by id, in milliseconds, from a report as
// reports::load_report returns it.
std::map<std::string, double, std::less<>> durations_from_report(const nlohmann::json& report);

// The positions in `ids` that belong to slice `s`. Without durations the ids are sorted and
// dealt out in turn (counts differ by at most one). With durations, longest first onto the
// slice with the least time so far (ties: the lower slice); an id the durations do not know
// counts as their median. Positions come back in the order of `ids`.
std::vector<std::size_t> shard_slice(const std::vector<std::string>& ids, shard s,
                                     const std::map<std::string, double, std::less<>>& durations);

}  // namespace ph::harness
