#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ph::clients::smtp {

/// One SMTP reply (RFC 5321 §4.2): the 3-digit code and the text of each line, without the code,
/// the separator and the CRLF.
struct reply {
  int code = 0;  ///< 0 when no reply was received
  std::vector<std::string> lines;

  /// The lines joined by "\n".
  std::string text() const;
  /// A 2yz or 3yz reply (RFC 5321 §4.2.1: decisions are made on the first digit).
  bool positive() const { return code >= 200 && code < 400; }
  /// A 2yz reply.
  bool completed() const { return code >= 200 && code < 300; }
};

/// Sans-I/O reply parser: feed it the lines of a reply one at a time, without their CRLF.
///
/// Accepted shapes (RFC 5321 §4.2, §4.2.1): "250-text" (continuation), "250 text" and "250" (final
/// line; a client MUST accept a final line without the SP). Anything else — fewer than three
/// digits, or a fourth character that is neither SP nor '-' — throws
/// net::error(net::errc::malformed_reply).
///
/// A server MUST use the same code on every line of a reply; when it does not, the final line's
/// code wins (it is the line that completes the reply, and reply counting stays in step).
class reply_parser {
 public:
  enum class status { incomplete, complete };

  /// max_octets bounds the total text of one reply (an endless multi-line reply throws
  /// net::error(net::errc::line_too_long) instead of exhausting memory).
  explicit reply_parser(std::size_t max_octets = 1024 * 1024);

  /// Consumes one line. After `complete`, call take() before feeding the next reply (feeding a
  /// complete parser throws std::logic_error).
  status feed(std::string_view line);
  /// The completed reply; resets the parser.
  reply take();

 private:
  reply current_;
  std::size_t octets_ = 0;
  std::size_t max_octets_;
  bool complete_ = false;
};

/// The service extensions of an EHLO reply (RFC 5321 §4.1.1.1, §2.2.2).
///
/// The first line (the server's domain and greeting) is skipped. Keywords are case-insensitive and
/// stored upper-case; the parameters after the keyword are kept as sent. The legacy "AUTH=LOGIN
/// PLAIN" form is merged into AUTH, and AUTH mechanism names are upper-cased and de-duplicated.
/// Lines that do not start with a valid keyword (ALPHA / DIGIT then ALPHA / DIGIT / "-") are
/// ignored.
class extensions {
 public:
  extensions() = default;
  static extensions parse(const reply& ehlo_reply);

  bool has(std::string_view keyword) const;
  /// The parameters of keyword ("" when it has none); nullopt when not advertised.
  std::optional<std::string> params(std::string_view keyword) const;
  const std::map<std::string, std::string>& features() const { return features_; }
  /// The advertised AUTH mechanisms, upper-case, in the server's order.
  std::vector<std::string> auth_mechanisms() const;
  /// RFC 1870 §3: the advertised SIZE limit in octets; 0 when SIZE is absent, has no usable number,
  /// or is "SIZE 0" (no fixed limit).
  std::uint64_t size_limit() const;

 private:
  std::map<std::string, std::string> features_;
};

}  // namespace ph::clients::smtp
