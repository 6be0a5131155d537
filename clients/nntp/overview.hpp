#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace ph::clients::nntp {

/// One field of the overview format (RFC 3977 §8.4): the header or metadata name, lower-case and
/// without the colons ("subject", "message-id", ":bytes", ":lines", "xref"), and whether the
/// server sends it with its name ("Xref: ...", the ":full" fields).
struct overview_field {
  std::string name;
  bool full = false;
};

using overview_format = std::vector<overview_field>;

/// The RFC 3977 §8.4.1 default: Subject, From, Date, Message-ID, References, :bytes, :lines.
overview_format default_overview_format();

/// Parses the lines of LIST OVERVIEW.FMT (RFC 3977 §8.4). "Bytes:" and "Lines:", used by older
/// servers (RFC 2980 §2.1.7), are read as ":bytes" and ":lines". Lines that are neither a header
/// name followed by ":" (optionally ":full") nor a metadata item (":bytes") throw
/// net::error(malformed_reply). An empty list yields the default format.
overview_format parse_overview_format(const std::vector<std::string>& lines);

/// One line of OVER / XOVER output.
struct article_overview {
  std::int64_t number = 0;  ///< 0 for OVER by message-id (RFC 3977 §8.3.2)
  std::string subject;
  std::string from;
  std::string date;
  std::string message_id;
  std::string references;
  std::int64_t bytes = 0;  ///< 0 when the field is empty
  std::int64_t lines = 0;  ///< 0 when the field is empty
  /// Fields after the seven standard ones, by lower-case name ("xref"), with the "Name: " prefix
  /// of full fields removed.
  std::map<std::string, std::string> extra;
};

/// Parses one overview line (RFC 3977 §8.3.2): the article number, then one TAB-separated field per
/// entry of fmt, each possibly empty. Fields the format does not list are ignored; missing
/// trailing fields are empty. A bad article number, or a non-numeric :bytes / :lines, throws
/// net::error(malformed_reply).
article_overview parse_overview_line(std::string_view line, const overview_format& fmt);

}  // namespace ph::clients::nntp
