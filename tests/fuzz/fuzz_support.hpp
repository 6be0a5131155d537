#pragma once
// Shared by the fuzz targets: input splitting and invariant checks. A target catches only the
// exceptions its parser documents; anything else escapes to libFuzzer and is reported as a
// crash, as is a broken invariant (check()).

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <vector>

namespace ph::fuzz {

inline std::string_view bytes(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// The lines of data as a line reader hands them to a reply parser: split at LF, the CR before
// it dropped; a last line without LF is kept (a parser must survive any line).
inline std::vector<std::string_view> lines(std::string_view data) {
  std::vector<std::string_view> out;
  while (!data.empty()) {
    const auto lf = data.find('\n');
    std::string_view line = data.substr(0, lf);
    if (line.ends_with('\r')) line.remove_suffix(1);
    out.push_back(line);
    if (lf == std::string_view::npos) break;
    data.remove_prefix(lf + 1);
  }
  return out;
}

// Aborts (a finding) when an invariant the parser documents does not hold.
inline void check(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "fuzz invariant broken: %s\n", what);
  std::abort();
}

}  // namespace ph::fuzz
