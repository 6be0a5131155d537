#pragma once
// ASCII case for protocol keywords, header names and the like: locale-independent, bytes
// outside A-Z / a-z unchanged. The vocabulary's one home for it (the fake servers, the judge
// and the reports use it; the clients, which stand alone, keep their own in clients/codec).

#include <string>
#include <string_view>

namespace ph::ascii {

constexpr char upper(char c) noexcept {
  return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
}
constexpr char lower(char c) noexcept {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

inline std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    c = upper(c);
  return out;
}
inline std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    c = lower(c);
  return out;
}

// `s` begins with `prefix`, ignoring ASCII case.
constexpr bool starts_with_ci(std::string_view s, std::string_view prefix) noexcept {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i)
    if (lower(s[i]) != lower(prefix[i])) return false;
  return true;
}

constexpr bool iequals(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() && starts_with_ci(a, b);
}

}  // namespace ph::ascii
