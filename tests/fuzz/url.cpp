// URLs (RFC 3986): parse and its documented round trip parse(u.str()) == u, join (§5.2),
// remove_dot_segments, the quote/unquote pairs and parse_qsl/urlencode. Input: a base URL, LF,
// a reference (the whole input is both when there is no LF).

#include <string>

#include "clients/url/url.hpp"
#include "tests/fuzz/fuzz_support.hpp"

namespace url = ph::clients::url;

namespace {

void one(std::string_view text) {
  url::url u;
  try {
    u = url::parse(text);
  } catch (const url::invalid_url&) {
    return;
  }
  const std::string again = u.str();
  url::url v;
  try {
    v = url::parse(again);
  } catch (const url::invalid_url&) {
    ph::fuzz::check(false, "parse(u.str()) throws");
  }
  ph::fuzz::check(v == u, "parse(u.str()) != u");
  (void)u.netloc();
  (void)u.origin_form();
  (void)u.effective_port();
  const std::string once = url::remove_dot_segments(u.path);
  ph::fuzz::check(url::remove_dot_segments(once) == once, "remove_dot_segments not idempotent");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in = ph::fuzz::bytes(data, size);
  const auto lf = in.find('\n');
  const std::string_view base = in.substr(0, lf);
  const std::string_view ref = lf == std::string_view::npos ? in : in.substr(lf + 1);
  one(base);
  one(ref);
  try {
    one(url::join(base, ref));
  } catch (const url::invalid_url&) {
  }
  ph::fuzz::check(url::unquote(url::quote(in, "")) == in, "unquote(quote(s)) != s");
  ph::fuzz::check(url::unquote(url::quote(in)) == in, "unquote(quote(s, \"/\")) != s");
  ph::fuzz::check(url::unquote_plus(url::quote_plus(in)) == in, "unquote_plus(quote_plus(s))");
  const auto pairs = url::parse_qsl(ref, true);
  ph::fuzz::check(url::parse_qsl(url::urlencode(pairs), true) == pairs, "parse_qsl(urlencode)");
  (void)url::parse_qsl(ref);
  return 0;
}
