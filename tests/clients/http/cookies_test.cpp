#include "clients/http/cookies.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <string>

namespace ph::clients::http {
namespace {

using namespace std::chrono_literals;
using time_point = std::chrono::system_clock::time_point;

// A fixed instant (2021-06-09 10:00:00 UTC): tests never read the wall clock.
const time_point t0 = std::chrono::sys_days(std::chrono::year(2021) / 6 / 9) + 10h;

url::url u(const char* text) {
  return url::parse(text);
}

TEST(CookieJar, HostOnlyCookieIsNotSentToSubdomains) {
  cookie_jar jar;
  jar.store(u("http://example.com/"), "a=1", t0);
  EXPECT_EQ(jar.header_for(u("http://example.com/x"), t0), "a=1");
  EXPECT_EQ(jar.header_for(u("http://www.example.com/"), t0), "");
  EXPECT_EQ(jar.header_for(u("http://other.com/"), t0), "");
  ASSERT_EQ(jar.cookies().size(), 1u);
  EXPECT_TRUE(jar.cookies()[0].host_only);
}

TEST(CookieJar, DomainCookieIsSentToSubdomains) {
  cookie_jar jar;
  jar.store(u("http://www.example.com/"), "a=1; Domain=.Example.COM", t0);
  EXPECT_EQ(jar.header_for(u("http://example.com/"), t0), "a=1");
  EXPECT_EQ(jar.header_for(u("http://deep.www.example.com/"), t0), "a=1");
  EXPECT_EQ(jar.header_for(u("http://badexample.com/"), t0), "");
  ASSERT_EQ(jar.cookies().size(), 1u);
  EXPECT_FALSE(jar.cookies()[0].host_only);
  EXPECT_EQ(jar.cookies()[0].domain, "example.com");
}

TEST(CookieJar, DomainNotCoveringTheHostIsIgnored) {
  cookie_jar jar;
  jar.store(u("http://www.example.com/"), "a=1; Domain=other.com", t0);
  jar.store(u("http://www.example.com/"), "b=2; Domain=sub.www.example.com", t0);
  jar.store(u("http://example.com/"), "c=3; Domain=ample.com", t0);
  jar.store(u("http://127.0.0.1/"), "d=4; Domain=0.0.1", t0);
  EXPECT_TRUE(jar.snapshot().empty());
  // An empty Domain attribute is ignored: the cookie is host-only.
  jar.store(u("http://www.example.com/"), "e=5; Domain=", t0);
  EXPECT_EQ(jar.header_for(u("http://www.example.com/"), t0), "e=5");
  EXPECT_EQ(jar.header_for(u("http://x.www.example.com/"), t0), "");
  // A Domain equal to an IP host is accepted (identical strings domain-match).
  jar.store(u("http://127.0.0.1/"), "f=6; Domain=127.0.0.1", t0);
  EXPECT_EQ(jar.header_for(u("http://127.0.0.1/"), t0), "f=6");
}

TEST(CookieJar, PathMatchAndDefaultPath) {
  cookie_jar jar;
  jar.store(u("http://h/docs/page"), "d=1", t0);  // default-path /docs
  jar.store(u("http://h/"), "p=2; Path=/docs/", t0);
  jar.store(u("http://h/"), "r=3; Path=relative", t0);  // default-path of "/" is "/"
  EXPECT_EQ(jar.header_for(u("http://h/docs/"), t0), "p=2; d=1; r=3");
  EXPECT_EQ(jar.header_for(u("http://h/docs"), t0), "d=1; r=3");
  EXPECT_EQ(jar.header_for(u("http://h/docs/a/b"), t0), "p=2; d=1; r=3");
  EXPECT_EQ(jar.header_for(u("http://h/docsx"), t0), "r=3");
  EXPECT_EQ(jar.header_for(u("http://h"), t0), "r=3");
}

TEST(CookieJar, PathHelpers) {
  EXPECT_TRUE(path_match("/a/b", "/a"));
  EXPECT_TRUE(path_match("/a/b", "/a/"));
  EXPECT_TRUE(path_match("/a", "/a"));
  EXPECT_FALSE(path_match("/ab", "/a"));
  EXPECT_FALSE(path_match("/", "/a"));
  EXPECT_EQ(default_cookie_path(""), "/");
  EXPECT_EQ(default_cookie_path("x"), "/");
  EXPECT_EQ(default_cookie_path("/x"), "/");
  EXPECT_EQ(default_cookie_path("/x/y/z"), "/x/y");
  EXPECT_TRUE(domain_match("a.b.c", "b.c"));
  EXPECT_FALSE(domain_match("ab.c", "b.c"));
  EXPECT_FALSE(domain_match("1.2.3.4", "2.3.4"));
}

TEST(CookieJar, SecureOnlyOverHttps) {
  cookie_jar jar;
  jar.store(u("https://h/"), "s=1; Secure", t0);
  jar.store(u("https://h/"), "n=2", t0);
  EXPECT_EQ(jar.header_for(u("https://h/"), t0), "s=1; n=2");
  EXPECT_EQ(jar.header_for(u("http://h/"), t0), "n=2");
}

TEST(CookieJar, OrderedByPathLengthThenCreation) {
  cookie_jar jar;
  jar.store(u("http://h/"), "b=1; Path=/", t0);
  jar.store(u("http://h/"), "a=2; Path=/", t0);
  jar.store(u("http://h/"), "c=3; Path=/x/y", t0);
  jar.store(u("http://h/"), "d=4; Path=/x", t0);
  EXPECT_EQ(jar.header_for(u("http://h/x/y/z"), t0), "c=3; d=4; b=1; a=2");
  // Replacing a cookie keeps its creation time, hence its place.
  jar.store(u("http://h/"), "b=9; Path=/", t0);
  EXPECT_EQ(jar.header_for(u("http://h/"), t0), "b=9; a=2");
}

TEST(CookieJar, MaxAgeWinsOverExpires) {
  cookie_jar jar;
  // Expires long past, Max-Age in the future: kept (whatever the attribute order).
  jar.store(u("http://h/"), "a=1; Max-Age=60; Expires=Thu, 01 Jan 1970 00:00:00 GMT", t0);
  jar.store(u("http://h/"), "b=2; Expires=Fri, 01 Jan 2100 00:00:00 GMT; Max-Age=0", t0);
  EXPECT_EQ(jar.header_for(u("http://h/"), t0), "a=1");
  EXPECT_EQ(jar.header_for(u("http://h/"), t0 + 59s), "a=1");
  EXPECT_EQ(jar.header_for(u("http://h/"), t0 + 60s), "");
}

TEST(CookieJar, ExpiryAndDeletion) {
  cookie_jar jar;
  jar.store(u("http://h/"), "e=1; Expires=Wed, 09 Jun 2021 10:18:14 GMT", t0);
  jar.store(u("http://h/"), "s=2", t0);
  EXPECT_EQ(jar.header_for(u("http://h/"), t0), "e=1; s=2");
  EXPECT_EQ(jar.header_for(u("http://h/"), t0 + 18min + 14s), "s=2");
  // A server deletes a cookie with a past expiry.
  jar.store(u("http://h/"), "s=gone; Max-Age=-1", t0);
  EXPECT_EQ(jar.header_for(u("http://h/"), t0), "e=1");
  // Expired cookies are evicted at the next store.
  jar.store(u("http://h/"), "x=3", t0 + 1h);
  EXPECT_EQ(jar.snapshot(), (std::map<std::string, std::string>{{"x", "3"}}));
  // Invalid Max-Age and Expires values are ignored: a session cookie.
  jar.store(u("http://h/"), "y=4; Max-Age=abc; Expires=not a date", t0);
  EXPECT_EQ(jar.header_for(u("http://h/"), t0 + 24h * 3650), "x=3; y=4");
  // Huge values saturate instead of overflowing.
  jar.store(u("http://h/"), "z=5; Max-Age=99999999999999999999999", t0);
  jar.store(u("http://h/"), "w=6; Expires=Fri, 31 Dec 9999 23:59:59 GMT", t0);
  EXPECT_EQ(jar.header_for(u("http://h/"), t0 + 24h * 3650), "x=3; y=4; z=5; w=6");
}

TEST(CookieJar, CookieDates) {
  using std::chrono::sys_days;
  const time_point expected = sys_days(std::chrono::year(1994) / 11 / 6) + 8h + 49min + 37s;
  EXPECT_EQ(parse_cookie_date("Sun, 06 Nov 1994 08:49:37 GMT"), expected);
  EXPECT_EQ(parse_cookie_date("Sunday, 06-Nov-94 08:49:37 GMT"), expected);
  EXPECT_EQ(parse_cookie_date("Sun Nov  6 08:49:37 1994"), expected);
  EXPECT_EQ(parse_cookie_date("6 november 1994 8:49:37"), expected);
  EXPECT_EQ(parse_cookie_date("Thu, 01 Jan 2037 00:00:00 GMT"),
            time_point(sys_days(std::chrono::year(2037) / 1 / 1)));
  EXPECT_EQ(parse_cookie_date("01 Jan 69 00:00:00"),
            time_point(sys_days(std::chrono::year(2069) / 1 / 1)));
  for (const char* bad : {"", "Sun, 06 Nov 1994", "31 Feb 2020 00:00:00", "06 Nov 1994 24:00:00",
                          "06 Nov 1600 00:00:00", "32 Jan 2020 00:00:00", "06 Foo 1994 1:2:3"})
    EXPECT_FALSE(parse_cookie_date(bad).has_value()) << bad;
}

TEST(CookieJar, ParsingEdgeCases) {
  cookie_jar jar;
  jar.store(u("http://h/"), "noequals", t0);
  jar.store(u("http://h/"), "=novalue", t0);
  jar.store(u("http://h/"), "  ; x=1", t0);
  EXPECT_TRUE(jar.snapshot().empty());
  jar.store(u("http://h/"), " sp = a b ;HttpOnly; secure ; pAtH = /", t0);
  jar.store(u("http://h/"), "empty=", t0);
  jar.store(u("http://h/"), "q=\"quoted=x\"", t0);
  const auto all = jar.cookies();
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].name, "sp");
  EXPECT_EQ(all[0].value, "a b");
  EXPECT_TRUE(all[0].http_only);
  EXPECT_TRUE(all[0].secure);
  EXPECT_EQ(all[0].path, "/");
  EXPECT_EQ(jar.header_for(u("https://h/"), t0), "sp=a b; empty=; q=\"quoted=x\"");
}

TEST(CookieJar, SnapshotAndClear) {
  cookie_jar jar;
  jar.store(u("http://h/"), "a=1", t0);
  jar.store(u("http://h/"), "b=2; Path=/p", t0);
  jar.store(u("http://other/"), "a=3; Path=/deeper", t0);
  EXPECT_EQ(jar.snapshot(), (std::map<std::string, std::string>{{"a", "3"}, {"b", "2"}}));
  jar.clear();
  EXPECT_TRUE(jar.snapshot().empty());
  EXPECT_EQ(jar.header_for(u("http://h/"), t0), "");
}

TEST(CookieJar, Ipv6Host) {
  cookie_jar jar;
  jar.store(u("http://[::1]:8080/"), "a=1", t0);
  EXPECT_EQ(jar.header_for(u("http://[::1]:9090/x"), t0), "a=1");
  EXPECT_EQ(jar.header_for(u("http://localhost:8080/"), t0), "");
}

TEST(CookieJar, StoreIsBounded) {
  cookie_jar jar;
  for (std::size_t i = 0; i <= cookie_jar::max_cookies; ++i)
    jar.store(u("http://h/"), "c" + std::to_string(i) + "=v", t0);
  const auto all = jar.snapshot();
  EXPECT_EQ(all.size(), cookie_jar::max_cookies);
  EXPECT_EQ(all.count("c0"), 0u);
  EXPECT_EQ(all.count("c3000"), 1u);
}

// Found by tests/fuzz/cookies: a CR in a Set-Cookie value was stored and sent back inside the
// Cookie field.
TEST(CookieJar, ValueWithAControlCharacterIsIgnored) {
  using namespace std::string_literals;
  cookie_jar jar;
  jar.store(u("http://h/"), "c=3\r; d=4", t0);
  jar.store(u("http://h/"), "n=1\0"s, t0);
  jar.store(u("http://h/"), "x=1; Path=/\x7f", t0);
  EXPECT_TRUE(jar.cookies().empty());
  jar.store(u("http://h/"), "t=a\tb", t0);
  EXPECT_EQ(jar.header_for(u("http://h/"), t0), "t=a\tb");
}

}  // namespace
}  // namespace ph::clients::http
