#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace ph::clients::nntp {

/// One NNTP status line (RFC 3977 §3.2): the 3-digit code and the text after it.
struct response {
  int code = 0;  ///< 0 when no response was received
  std::string text;

  /// 1xx, 2xx or 3xx.
  bool positive() const { return code >= 100 && code < 400; }
};

/// Parses a status line without its CRLF. RFC 3977 §3.2: three digits, then SP and text or the end
/// of the line; the first digit is 1-5. Anything else throws net::error(malformed_reply).
response parse_status_line(std::string_view line);

/// Sans-I/O reader of a multi-line data block (RFC 3977 §3.1.1): feed it the lines after the
/// status line, without CRLF, one at a time. A line "." ends the block; a line starting with "."
/// has that dot removed (dot-stuffing undone). max_octets bounds the block's total size: beyond
/// it feed() throws net::error(line_too_long).
class block_reader {
 public:
  enum class status { incomplete, complete };

  explicit block_reader(std::size_t max_octets = 64 * 1024 * 1024);

  /// Consumes one line. Feeding a complete reader throws std::logic_error.
  /// By value: a line read into a string is kept, not copied (long blocks are many lines).
  status feed(std::string line);
  /// The un-stuffed lines; resets the reader.
  std::vector<std::string> take();

 private:
  std::vector<std::string> lines_;
  std::size_t octets_ = 0;
  std::size_t max_octets_;
  bool complete_ = false;
};

/// The result of GROUP (RFC 3977 §6.1.1): "211 number low high group".
struct group_info {
  std::int64_t count = 0;
  std::int64_t first = 0;
  std::int64_t last = 0;
  std::string name;
};

/// An article as identified by ARTICLE/HEAD/BODY/STAT/NEXT/LAST (RFC 3977 §6.2): "n message-id"
/// (n is 0 when the article was selected by message-id and the server has no number for it).
struct article_ref {
  std::int64_t number = 0;
  std::string message_id;
};

/// One line of LIST ACTIVE or NEWGROUPS (RFC 3977 §7.6.3): "group high low status".
struct active_entry {
  std::string name;
  std::int64_t first = 0;  ///< the low water mark
  std::int64_t last = 0;   ///< the high water mark
  std::string flag;        ///< "y", "n", "m", "x", "j" or "=group"
};

/// Parses the arguments of a 211 response to GROUP. Throws net::error(malformed_reply).
group_info parse_group_response(std::string_view text);
/// Parses "n message-id ..." of a 220-223 response. Throws net::error(malformed_reply).
article_ref parse_article_response(std::string_view text);
/// Parses one LIST ACTIVE / NEWGROUPS line. Throws net::error(malformed_reply).
active_entry parse_active_line(std::string_view line);
/// Parses a decimal number of 1-18 digits. Throws net::error(malformed_reply) naming `what`.
std::int64_t parse_number(std::string_view digits, std::string_view what);

/// The CAPABILITIES list (RFC 3977 §5.2.2): each line "LABEL args"; labels are case-insensitive
/// and stored upper-case, args kept as sent ("" when none). Lines with no label are ignored.
std::map<std::string, std::string> parse_capabilities(const std::vector<std::string>& lines);

}  // namespace ph::clients::nntp
