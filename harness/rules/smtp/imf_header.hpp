#pragma once
// The judge's reading of an RFC 5322 header section, for the SMTP message rules. Works on
// the un-stuffed DATA content; lines end at CRLF only, so stray CR and LF stay visible.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace ph::harness::rules::smtp {

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

// Reads fields up to the first empty line (RFC 5322 §2.1, §2.2). A line that is neither a
// field nor a fold is a problem and ends the section, as lenient readers would take it for
// the body. Never throws.
header_section parse_header(std::string_view message);

// A field body with folding removed and comments (RFC 5322 §3.2.2) replaced by a space.
std::string unfold_and_strip_comments(std::string_view body);

// RFC 5322 §3.3 date-time, non-obsolete form, and semantically valid (the day exists, the
// weekday matches, zone minutes 00-59). Returns "" when valid, else what is wrong.
std::string check_date(std::string_view body);

// RFC 5322 §3.6.4: the body is exactly one msg-id, "<" id-left "@" id-right ">", with CFWS
// around it.
bool is_msg_id(std::string_view body);

// Mailboxes in an address list (top-level comma-separated items holding an '@').
std::size_t count_mailboxes(std::string_view body);

}  // namespace ph::harness::rules::smtp
