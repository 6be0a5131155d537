#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ph::clients::ftp {

/// One complete FTP reply (RFC 959 §4.2): its three-digit code and its lines as received, CRLF
/// removed (the first and the last line keep their "123-" / "123 " prefix).
struct reply {
  int code = 0;
  std::vector<std::string> lines;

  /// The reply's text: the lines with the code and separator removed from the first and the last
  /// line, joined by "\n".
  std::string text() const;
  /// 1 (preliminary) .. 5 (permanent negative); 0 for an empty reply.
  int kind() const { return code / 100; }
};

/// Sans-I/O assembler of one reply from lines (RFC 959 §4.2). A single-line reply is "123 text"
/// (or exactly "123"); a multi-line reply starts "123-" and ends at the first line that starts
/// with the same code followed by SP (or is exactly that code). Middle lines may start with
/// anything, including other digits ("  200 ..." or "211 no" with a different code).
class reply_parser {
 public:
  enum class state { need_more, done };

  /// Feeds one line (without CRLF). Returns done when the reply is complete. Throws
  /// net::error(malformed_reply) when the first line has no valid code ("xyz", "12", "123x",
  /// a first digit outside 1..5).
  state feed(std::string_view line);
  /// The reply assembled so far; complete once feed() returned done.
  const ftp::reply& result() const { return reply_; }
  /// Starts a new reply.
  void reset();

 private:
  ftp::reply reply_;
  bool multi_ = false;
  bool done_ = false;
};

/// Host and port a PASV or EPSV reply names.
struct passive_address {
  std::string host;  ///< dotted IPv4 (PASV); empty for EPSV (the control peer's address applies)
  std::uint16_t port = 0;
};

/// Parses a 227 reply's text (RFC 959 §4.1.2 PASV): the first run of six comma-separated
/// numbers, each 0..255, wherever it stands and whatever spaces surround the commas or numbers
/// ("Entering Passive Mode (h1,h2,h3,h4,p1,p2)", "=h1,h2,...", "h1, h2 ,..."). Throws
/// net::error(malformed_reply) when none is found.
passive_address parse_pasv(std::string_view text);

/// Parses a 229 reply's text (RFC 2428 §3 EPSV): "(<d><d><d><port><d>)", the delimiter any
/// printable ASCII octet 33..126, the port 1..65535. Throws net::error(malformed_reply).
passive_address parse_epsv(std::string_view text);

/// PORT's argument for an IPv4 address and port (RFC 959 §4.1.2): "h1,h2,h3,h4,p1,p2". Throws
/// std::invalid_argument for a non-IPv4 address.
std::string format_port(std::string_view ipv4, std::uint16_t port);

/// EPRT's argument (RFC 2428 §2): "|1|addr|port|" for IPv4, "|2|addr|port|" for IPv6.
std::string format_eprt(std::string_view address, std::uint16_t port);

/// The directory named in a 257 reply (RFC 959 Appendix II): the text between the first quote
/// and its closing quote, with doubled quotes ("") read as one. nullopt when there is none.
std::optional<std::string> parse_257(std::string_view text);

/// One MLSD/MLST entry (RFC 3659 §7): fact names lower-cased, values as sent.
struct mlsd_entry {
  std::string name;
  std::map<std::string, std::string> facts;
};

/// Parses one MLSD line (RFC 3659 §7.2): "fact=value;fact=value; name". The name is everything
/// after the first SP, so it may hold spaces and semicolons. Throws net::error(malformed_reply)
/// when there is no SP or a fact has no '='.
mlsd_entry parse_mlsd_line(std::string_view line);

}  // namespace ph::clients::ftp
