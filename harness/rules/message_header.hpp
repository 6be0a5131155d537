#pragma once
// The judge's reading of an RFC 5322 header section, for mail (SMTP DATA, RFC 5322) and
// news (NNTP articles, RFC 5536 §2.2, which adopts the same syntax). Works on un-stuffed
// content; lines end at CRLF only, so stray CR and LF stay visible.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace ph::harness::rules {

struct header_field {
  std::string name;        // as written
  std::string body;        // after the colon, folding CRLFs kept
  std::size_t offset = 0;  // of the field's first byte in the message
  std::size_t size = 0;    // bytes of the message the field spans, CRLFs included
};

struct header_problem {
  std::size_t offset = 0;
  std::string what;
  std::string bytes;  // the offending line
};

struct header_section {
  std::vector<header_field> fields;
  std::vector<header_problem> problems;  // RFC 5322 §2.2 breaks
  std::size_t end = 0;  // where the body begins (after the empty line) or where reading stopped

  // Fields named `name` (case-insensitive), in order.
  [[nodiscard]] std::vector<const header_field*> find(std::string_view name) const;
};

// What a line that is neither a field nor a fold does.
enum class on_junk {
  stop,  // ends the section, as lenient readers would take it for the body
  skip,  // is passed over, and the fields after it are read
};

// Reads fields up to the first empty line (RFC 5322 §2.1, §2.2). A line that is neither a
// field nor a fold is a problem. Never throws.
header_section parse_header(std::string_view message, on_junk junk = on_junk::stop);

// A field body unfolded: leading WSP dropped, each fold's CRLF and the WSP octet after it
// turned into one SP (RFC 5322 §2.2.3).
std::string unfolded(std::string_view body);

}  // namespace ph::harness::rules
