#include "reports/rfc_links.hpp"

#include <cctype>

namespace ph::reports {
namespace {

constexpr std::string_view section_sign = "\xC2\xA7";  // "§" in UTF-8

bool digit(char c) {
  return std::isdigit(static_cast<unsigned char>(c)) != 0;
}
bool alnum(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0;
}

// Length of "RFC <digits>" at s[i] (one or more spaces allowed), else 0; the number in `num`.
std::size_t rfc_at(std::string_view s, std::size_t i, std::string& num) {
  if (s.substr(i, 3) != "RFC") return 0;
  if (i > 0 && alnum(s[i - 1])) return 0;
  std::size_t j = i + 3;
  while (j < s.size() && s[j] == ' ')
    ++j;
  const std::size_t start = j;
  while (j < s.size() && digit(s[j]))
    ++j;
  if (j == start) return 0;
  num = std::string(s.substr(start, j - start));
  while (num.size() > 1 && num.front() == '0')
    num.erase(0, 1);
  return j - i;
}

// Length of "§<section>" at s[i] (the section: letters, digits and inner dots), else 0.
std::size_t section_at(std::string_view s, std::size_t i, std::string& sec) {
  if (s.substr(i, section_sign.size()) != section_sign) return 0;
  std::size_t j = i + section_sign.size();
  while (j < s.size() && s[j] == ' ')
    ++j;
  const std::size_t start = j;
  while (j < s.size() && (alnum(s[j]) || (s[j] == '.' && j + 1 < s.size() && alnum(s[j + 1]))))
    ++j;
  if (j == start) return 0;
  sec = std::string(s.substr(start, j - start));
  return j - i;
}

std::string url_for(const std::string& rfc, const std::string& section) {
  std::string url = "https://www.rfc-editor.org/rfc/rfc" + rfc;
  if (section.empty()) return url;
  const bool appendix = std::isalpha(static_cast<unsigned char>(section.front())) != 0;
  return url + (appendix ? "#appendix-" : "#section-") + section;
}

}  // namespace

std::vector<rfc_ref> rfc_links(std::string_view s) {
  std::vector<rfc_ref> out;
  std::string plain, current;
  auto flush = [&] {
    if (!plain.empty()) out.push_back({std::move(plain), ""});
    plain.clear();
  };
  for (std::size_t i = 0; i < s.size();) {
    std::string num, sec;
    if (const std::size_t n = rfc_at(s, i, num)) {
      flush();
      current = num;
      std::size_t len = n;
      std::size_t k = i + n;
      while (k < s.size() && s[k] == ' ')
        ++k;
      if (const std::size_t m = section_at(s, k, sec)) len = k + m - i;
      out.push_back({std::string(s.substr(i, len)), url_for(current, sec)});
      i += len;
      continue;
    }
    if (!current.empty()) {
      if (const std::size_t m = section_at(s, i, sec)) {
        flush();
        out.push_back({std::string(s.substr(i, m)), url_for(current, sec)});
        i += m;
        continue;
      }
    }
    plain += s[i++];
  }
  flush();
  return out;
}

}  // namespace ph::reports
