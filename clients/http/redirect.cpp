#include "clients/http/redirect.hpp"

#include "clients/http/errors.hpp"
#include "clients/url/url.hpp"

namespace ph::clients::http {

bool is_redirect(int status) noexcept {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

redirect_method method_after_redirect(int status, std::string_view method) {
  redirect_method out{std::string(method), true};
  if ((status == 303 || status == 302) && method != "HEAD") out = {"GET", false};
  if (status == 301 && method == "POST") out = {"GET", false};
  return out;
}

std::string redirect_target(std::string_view current_url, std::string_view location) {
  try {
    std::string next = url::join(current_url, location);
    url::url parsed = url::parse(next);
    if (parsed.fragment.empty() && location.find('#') == std::string_view::npos) {
      const url::url current = url::parse(current_url);
      if (!current.fragment.empty()) {
        parsed.fragment = current.fragment;
        next = parsed.str();
      }
    }
    return next;
  } catch (const url::invalid_url& e) {
    throw error(errc::invalid_url, std::string("invalid redirect target: ") + e.what());
  }
}

bool same_origin(std::string_view a, std::string_view b) {
  try {
    const url::url x = url::parse(a);
    const url::url y = url::parse(b);
    return x.scheme == y.scheme && x.host == y.host && x.effective_port() == y.effective_port();
  } catch (const url::invalid_url&) {
    return false;
  }
}

}  // namespace ph::clients::http
