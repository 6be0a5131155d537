// The cookie jar (RFC 6265): Set-Cookie values stored against a request URL, Cookie values for
// later requests, cookie dates. Input lines: the first is the request URL; "> URL" switches the
// request URL and asks for its Cookie value; "@N" moves the clock N seconds on; any other line
// is a Set-Cookie value received from the current URL.

#include <charconv>
#include <chrono>
#include <string>

#include "clients/http/cookies.hpp"
#include "clients/url/url.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using namespace ph::clients;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto lines = ph::fuzz::lines(ph::fuzz::bytes(data, size));
  if (lines.empty()) return 0;
  url::url request;
  try {
    request = url::parse(lines[0]);
  } catch (const url::invalid_url&) {
    return 0;
  }
  // 2026-11-22: a fixed start, so that a run replays.
  auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1795300000));
  http::cookie_jar jar;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    const std::string_view line = lines[i];
    (void)http::parse_cookie_date(line);
    if (line.starts_with('@')) {
      unsigned seconds = 0;
      std::from_chars(line.data() + 1, line.data() + line.size(), seconds);
      now += std::chrono::seconds(seconds);
      continue;
    }
    if (line.starts_with("> ")) {
      try {
        request = url::parse(line.substr(2));
      } catch (const url::invalid_url&) {
        continue;
      }
      const std::string header = jar.header_for(request, now);
      ph::fuzz::check(header.find_first_of("\r\n") == std::string::npos, "CR/LF in Cookie");
      continue;
    }
    jar.store(request, line, now);
    const auto all = jar.cookies();
    ph::fuzz::check(all.size() <= http::cookie_jar::max_cookies, "jar bound");
    for (const auto& c : all)
      ph::fuzz::check(!c.name.empty() && http::domain_match(c.domain, c.domain), "stored cookie");
  }
  (void)jar.snapshot();
  return 0;
}
