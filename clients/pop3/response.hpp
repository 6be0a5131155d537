#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace ph::clients::pop3 {

/// A POP3 status line (RFC 1939 §3): "+OK" or "-ERR", optionally followed by SP and text.
struct response {
  bool ok = false;
  /// Everything after the status indicator and its SP, as sent (a response code included).
  std::string text;
  /// The RFC 2449 §8 extended response code without its brackets, upper-case, hierarchical
  /// levels kept ("IN-USE", "SYS/TEMP"); empty when the text does not start with one.
  std::string code;
};

/// Parses one status line (without its CRLF). The indicators are matched case-insensitively (a
/// client is liberal in what it accepts) but must be followed by SP or the end of the line.
/// Throws net::error(net::errc::malformed_reply) for anything else.
response parse_status(std::string_view line);

/// The RFC 2449 §8 response code at the start of text ("[SYS/TEMP] busy" -> "SYS/TEMP"),
/// upper-case; "" when text does not start with a well-formed one (resp-level = 1*<CHAR except
/// CTLs, SP, "/", "[" and "]">).
std::string parse_response_code(std::string_view text);

/// The body of a multi-line response (RFC 1939 §3), un-byte-stuffed.
struct multiline {
  response status;
  /// The lines without their CRLF, the leading termination octet of stuffed lines removed.
  std::vector<std::string> lines;
  /// Octets of the un-stuffed lines, each counted with its CRLF (as Python's poplib): equals
  /// data().size().
  std::size_t octets = 0;
  /// The lines joined by CRLF, with a final CRLF ("" when there are no lines).
  std::string data() const;
};

/// Sans-I/O reader of a multi-line body: feed it the lines after a "+OK" status line, one at a
/// time without their CRLF. RFC 1939 §3: the body ends only at the line "."; any other line
/// starting with "." has that first "." removed. Sizes announced by LIST or STAT are never used
/// to frame the body.
class multiline_parser {
 public:
  enum class status { incomplete, complete };

  /// max_octets bounds the body (an endless response throws
  /// net::error(net::errc::line_too_long) instead of exhausting memory).
  explicit multiline_parser(std::size_t max_octets = 64 * 1024 * 1024);

  /// Consumes one line. Feeding a complete parser throws std::logic_error.
  /// By value: a line read into a string is kept, not copied (a long body is many lines).
  status feed(std::string line);
  /// The lines and octet count so far (status is left empty); resets the parser.
  multiline take();

 private:
  multiline current_;
  std::size_t max_octets_;
  bool complete_ = false;
};

/// RFC 2449 §5 CAPA lines: tag (case-insensitive, stored upper-case) -> the parameters after the
/// first SP, as sent ("" when none). A repeated tag keeps its first parameters; empty lines are
/// ignored.
std::map<std::string, std::string> parse_capabilities(const std::vector<std::string>& lines);

/// One line of a LIST listing or a STAT reply: message number (or count) and size.
struct scan_listing {
  std::uint64_t number = 0;
  std::uint64_t size = 0;
};

/// RFC 1939 §5: "msg-number SP size" (also "count SP size" of STAT, §5); whatever follows the
/// size after a SP is ignored ("This memo makes no requirement on what follows the message
/// size"). Throws net::error(malformed_reply) otherwise.
scan_listing parse_scan_listing(std::string_view line);

/// One line of a UIDL listing.
struct uid_listing {
  std::uint64_t number = 0;
  std::string uid;
};

/// RFC 1939 §7: "msg-number SP unique-id", unique-id 1 to 70 octets in 0x21..0x7E. Throws
/// net::error(malformed_reply) otherwise; text after a further SP is ignored.
uid_listing parse_uid_listing(std::string_view line);

}  // namespace ph::clients::pop3
