#pragma once

#include <chrono>
#include <string>
#include <string_view>

namespace ph::clients::nntp {

/// RFC 3977 §3.6 / RFC 5536 §3.1.3: "<" local "@" domain ">", 3-250 octets of printable US-ASCII
/// (33-126), no "<" or ">" inside, both sides of the "@" non-empty.
bool is_valid_message_id(std::string_view id);

/// The date and time arguments of NEWGROUPS / NEWNEWS (RFC 3977 §7.3.2): "yyyymmdd hhmmss" in UTC
/// (the caller appends " GMT"), always with a 4-digit year.
std::string format_datetime(std::chrono::system_clock::time_point when);

/// Parses "yyyymmddhhmmss" (the DATE response, RFC 3977 §7.1), "yyyymmdd hhmmss",
/// "yyyy-mm-dd hh:mm:ss" or "yyyy-mm-ddThh:mm:ssZ", all UTC. Throws nntp::error if malformed.
std::chrono::system_clock::time_point parse_datetime(std::string_view text);

/// The article with line endings normalised to CRLF, each line beginning with "." given one more
/// (RFC 3977 §3.1.1), and a final CRLF; the terminating "." line is not added.
std::string dot_stuff(std::string_view article);

/// Throws nntp::error unless the header section (up to the first empty line) has the From,
/// Newsgroups and Subject headers that POST needs (RFC 5536 §3.1; names case-insensitive).
void check_post_headers(std::string_view article);

}  // namespace ph::clients::nntp
