#pragma once
// The grammar of NNTP command arguments and posted articles, as the model server reads them
// (RFC 3977). Its parsing is its own: nothing here is shared with clients/ or harness/rules/.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "vocabulary/ascii.hpp"

namespace ph::fakeservers::nntp {

using ph::ascii::lower;

// RFC 3977 §4: a wildmat is a comma-separated list of patterns, '!' negates, the last
// pattern that matches decides.
bool wildmat(const std::string& pattern, const std::string& text);

// "yyyymmdd hhmmss" or "yymmdd hhmmss" (RFC 3977 §7.3: a two-digit year is in the current
// century unless that would be in the future) as "yyyymmddhhmmss"; nullopt when malformed.
std::optional<std::string> parse_since(const std::string& date, const std::string& time);

// The words of a command line, split on spaces and tabs.
std::vector<std::string> split_ws(const std::string& s);

// A decimal article number (at most 16 digits); nullopt otherwise.
std::optional<std::int64_t> parse_number(const std::string& s);

struct range {
  std::int64_t low = 0, high = 0;  // inclusive; high < 0: no upper bound
};

// RFC 3977 §6.1.2: "n", "n-" or "n-m".
std::optional<range> parse_range(const std::string& s);

bool in_range(const range& r, std::int64_t n);

using header_list = std::vector<std::pair<std::string, std::string>>;

// A POSTed/IHAVEd article's headers (unfolded, names lower-cased), the body after the empty
// line in `body`; nullopt when the header section is malformed (RFC 3977 §3.6: name ":" SP
// value, then an empty line).
std::optional<header_list> parse_headers(const std::string& text, std::string& body);

// The first value of header `name` (lower case), or "".
std::string header_value(const header_list& headers, const std::string& name);

}  // namespace ph::fakeservers::nntp
