#pragma once
// The RFC 5322 field bodies the SMTP message rules read: dates, message-ids, address
// lists. The header section itself is read by message_header.hpp (shared with NNTP).

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "harness/rules/message_header.hpp"

namespace ph::harness::rules::smtp {

using rules::header_field;
using rules::header_section;
using rules::parse_header;

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
