#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ph::clients::url {

/// A URL that cannot be parsed: a bad port, a bad IPv6 literal, a control character, a character
/// a host may not hold. what() names the problem and quotes the input.
class invalid_url : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A URL split into its RFC 3986 §3 components, as Python's urllib.parse.urlsplit does (with the
/// netloc further split into userinfo, host and port). Relative references parse too (empty
/// scheme, has_authority false). Components are kept as written (percent-encoding untouched),
/// except that scheme and host are lower-cased (RFC 3986 §3.1, §3.2.2: case-insensitive).
struct url {
  using invalid_url = ::ph::clients::url::invalid_url;

  /// Lower-case, without ":"; "" for a relative reference.
  std::string scheme;
  /// The userinfo before and after its first ":", percent-encoded as written (unquote() them
  /// for credentials); password is "" when absent.
  std::string username, password;
  /// Lower-case; an IPv6 or IPvFuture literal without its brackets ("::1").
  std::string host;
  /// Absent when the URL has none (or an empty one: "http://h:/").
  std::optional<std::uint16_t> port;
  /// As written ("" when absent); query and fragment without their "?" and "#".
  std::string path, query, fragment;
  /// True when the URL had "//" (an authority component, possibly empty as in "file:///x").
  bool has_authority = false;

  /// "[user[:password]@]" + authority().
  std::string netloc() const;
  /// host[:port], an IPv6 literal bracketed, no userinfo ("[::1]:8080").
  std::string authority() const;
  /// port, else the scheme's default (http/ws 80, https/wss 443, ftp 21), else 0.
  std::uint16_t effective_port() const;
  /// The HTTP request-target of RFC 9112 §3.2.1: path (or "/") + "?" + query (when non-empty);
  /// the fragment is never sent.
  std::string origin_form() const;
  /// The URL unsplit (RFC 3986 §5.3): parse(u.str()) == u; as urlunsplit, a path that does not
  /// start with "/" gets one when there is an authority, and an empty query or fragment is
  /// dropped.
  std::string str() const;

  friend bool operator==(const url&, const url&) = default;
};

/// Splits text (an absolute URL or a relative reference) into its components. Throws
/// invalid_url for a control character (C0 or DEL) anywhere, a port that is not 1*DIGIT or is
/// over 65535, a malformed IP literal (RFC 3986 §3.2.2: "[" IPv6address / IPvFuture "]"), or a
/// host holding a character outside unreserved / pct-encoded / sub-delims (bytes >= 0x80 are
/// let through: IDNA is not done here).
url parse(std::string_view text);

/// The target URI of reference resolved against base, RFC 3986 §5.2 exactly (the strict parser
/// of §5.2.2: "http:g" stays "http:g"), recomposed per §5.3. base should be absolute (it is
/// used as given otherwise). Throws invalid_url for a control character in either.
std::string join(std::string_view base, std::string_view reference);

/// RFC 3986 §5.2.4: removes "." and ".." segments ("/a/b/c/./../../g" -> "/a/g").
std::string remove_dot_segments(std::string_view path);

/// Percent-encodes every octet of s (taken as UTF-8 bytes) but ALPHA, DIGIT, "-._~" and the
/// characters in safe, with upper-case hex digits (RFC 3986 §2.1) — Python's quote().
std::string quote(std::string_view s, std::string_view safe = "/");
/// As quote(), but a space becomes "+" (application/x-www-form-urlencoded) — quote_plus().
std::string quote_plus(std::string_view s, std::string_view safe = "");
/// Decodes every "%" HEXDIG HEXDIG to its octet; a "%" not followed by two hex digits is left
/// as is — unquote() (the result is bytes: no UTF-8 validation).
std::string unquote(std::string_view s);
/// As unquote(), with "+" decoded to a space first — unquote_plus().
std::string unquote_plus(std::string_view s);

/// "k1=v1&k2=v2", names and values quote_plus()-encoded, in the order given — urlencode().
std::string urlencode(const std::vector<std::pair<std::string, std::string>>& fields);

/// The name/value pairs of a query (without "?"), split on "&", each part unquote_plus()-ed, in
/// order — parse_qsl() with its defaults: empty parts and fields with an empty value ("a=",
/// "a") are dropped.
std::vector<std::pair<std::string, std::string>> parse_qsl(std::string_view query);
/// As above; with keep_blank_values, "a=" and "a" give {"a", ""} (empty parts still dropped).
std::vector<std::pair<std::string, std::string>> parse_qsl(std::string_view query,
                                                           bool keep_blank_values);

}  // namespace ph::clients::url
