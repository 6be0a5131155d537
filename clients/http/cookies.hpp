#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "clients/url/url.hpp"

namespace ph::clients::http {

/// One stored cookie (RFC 6265 §5.3).
struct cookie {
  std::string name, value;
  /// Lower-case, no leading "."; the request host itself when host_only.
  std::string domain;
  std::string path;
  /// Set without a Domain attribute: sent to exactly domain, never to its subdomains.
  bool host_only = true;
  bool secure = false;
  bool http_only = false;
  /// Set with Expires or Max-Age; a session cookie (false) never expires here.
  bool persistent = false;
  std::chrono::system_clock::time_point expiry{};
  /// Store order, the tie-breaker of RFC 6265 §5.4 step 2 (earlier creation first).
  std::uint64_t creation = 0;
};

/// The user agent's cookie store of RFC 6265 §5.3 and §5.4 (no public-suffix list: a Domain
/// attribute is accepted whenever it domain-matches the request host).
class cookie_jar {
 public:
  /// The store's bound (RFC 6265 §6.1 asks for at least 3000): storing one more evicts the
  /// oldest-created cookie.
  static constexpr std::size_t max_cookies = 3000;

  /// Processes one Set-Cookie field value received in the response to request_url (RFC 6265
  /// §5.2 parsing, §5.3 storage). A malformed value (no "=", an empty name), a value holding a
  /// control character other than HTAB (draft-ietf-httpbis-rfc6265bis) and a Domain that the
  /// request host does not domain-match are ignored without error; a cookie that is already expired
  /// deletes the stored one of the same name, domain and path. Expired cookies are evicted at each
  /// call.
  void store(const url::url& request_url, std::string_view set_cookie_value,
             std::chrono::system_clock::time_point now);

  /// The Cookie field value for a request to request_url (RFC 6265 §5.4): "a=1; b=2", "" when
  /// no cookie applies. A cookie applies when its domain matches (exactly for host-only ones,
  /// §5.1.3 domain-match otherwise), its path path-matches (§5.1.4), it is not Secure or the
  /// scheme is https/wss, and it has not expired at now. Longer paths first, then earlier
  /// creation.
  std::string header_for(const url::url& request_url,
                         std::chrono::system_clock::time_point now) const;

  /// name -> value of every stored cookie (as dict(session.cookies)); when a name is stored
  /// under several domains or paths, the first in §5.4 order wins.
  std::map<std::string, std::string> snapshot() const;

  /// Every stored cookie, in §5.4 order.
  std::vector<cookie> cookies() const;

  void clear();

 private:
  std::vector<cookie> cookies_;
  std::uint64_t next_creation_ = 0;
};

/// RFC 6265 §5.1.1 cookie-date parsing ("Wed, 09 Jun 2021 10:18:14 GMT" and the legacy forms
/// it tolerates); nullopt when the date is not valid. Dates beyond the clock's range are
/// clamped to its min/max.
std::optional<std::chrono::system_clock::time_point> parse_cookie_date(std::string_view text);

/// RFC 6265 §5.1.3: host equals domain, or ends with "." + domain and is not an IP address.
bool domain_match(std::string_view host, std::string_view domain);

/// RFC 6265 §5.1.4: path equals cookie_path, or starts with it and either cookie_path ends in
/// "/" or the next character of path is "/".
bool path_match(std::string_view path, std::string_view cookie_path);

/// RFC 6265 §5.1.4 default-path of a request path ("/a/b" -> "/a", "/a" -> "/", "" -> "/").
std::string default_cookie_path(std::string_view path);

}  // namespace ph::clients::http
