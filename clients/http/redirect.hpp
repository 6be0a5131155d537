#pragma once

#include <string>
#include <string_view>

namespace ph::clients::http {

/// 301, 302, 303, 307 and 308: the statuses a client follows (RFC 9110 §15.4).
bool is_redirect(int status) noexcept;

/// The request that follows a redirect.
struct redirect_method {
  std::string method;
  /// False when the body (and its Content-* fields) must be dropped.
  bool keep_body = true;
};

/// As requests does: 303 turns anything but HEAD into GET (RFC 9110 §15.4.4); 302 does too, and
/// 301 turns POST into GET (the historic behaviour RFC 9110 §15.4.2/§15.4.3 allows); 307 and 308
/// keep the method and the body (§15.4.8, §15.4.9).
redirect_method method_after_redirect(int status, std::string_view method);

/// The next URL: Location resolved against the current URL (RFC 3986 §5.2 via url::join); when
/// Location has no fragment the current one is inherited (RFC 9110 §10.2.2). Throws
/// http::error(invalid_url) when either cannot be parsed.
std::string redirect_target(std::string_view current_url, std::string_view location);

/// Scheme, host and effective port equal (RFC 6454 §5): credentials stay within an origin.
bool same_origin(std::string_view a, std::string_view b);

}  // namespace ph::clients::http
