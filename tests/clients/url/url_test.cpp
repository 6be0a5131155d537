#include "clients/url/url.hpp"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace ph::clients::url {
namespace {

struct join_case {
  const char* reference;
  const char* expected;
};

constexpr const char* rfc_base = "http://a/b/c/d;p?q";

// RFC 3986 §5.4.1
constexpr join_case normal_examples[] = {
    {"g:h", "g:h"},
    {"g", "http://a/b/c/g"},
    {"./g", "http://a/b/c/g"},
    {"g/", "http://a/b/c/g/"},
    {"/g", "http://a/g"},
    {"//g", "http://g"},
    {"?y", "http://a/b/c/d;p?y"},
    {"g?y", "http://a/b/c/g?y"},
    {"#s", "http://a/b/c/d;p?q#s"},
    {"g#s", "http://a/b/c/g#s"},
    {"g?y#s", "http://a/b/c/g?y#s"},
    {";x", "http://a/b/c/;x"},
    {"g;x", "http://a/b/c/g;x"},
    {"g;x?y#s", "http://a/b/c/g;x?y#s"},
    {"", "http://a/b/c/d;p?q"},
    {".", "http://a/b/c/"},
    {"./", "http://a/b/c/"},
    {"..", "http://a/b/"},
    {"../", "http://a/b/"},
    {"../g", "http://a/b/g"},
    {"../..", "http://a/"},
    {"../../", "http://a/"},
    {"../../g", "http://a/g"},
};

// RFC 3986 §5.4.2 (the strict parser's answer for "http:g")
constexpr join_case abnormal_examples[] = {
    {"../../../g", "http://a/g"},
    {"../../../../g", "http://a/g"},
    {"/./g", "http://a/g"},
    {"/../g", "http://a/g"},
    {"g.", "http://a/b/c/g."},
    {".g", "http://a/b/c/.g"},
    {"g..", "http://a/b/c/g.."},
    {"..g", "http://a/b/c/..g"},
    {"./../g", "http://a/b/g"},
    {"./g/.", "http://a/b/c/g/"},
    {"g/./h", "http://a/b/c/g/h"},
    {"g/../h", "http://a/b/c/h"},
    {"g;x=1/./y", "http://a/b/c/g;x=1/y"},
    {"g;x=1/../y", "http://a/b/c/y"},
    {"g?y/./x", "http://a/b/c/g?y/./x"},
    {"g?y/../x", "http://a/b/c/g?y/../x"},
    {"g#s/./x", "http://a/b/c/g#s/./x"},
    {"g#s/../x", "http://a/b/c/g#s/../x"},
    {"http:g", "http:g"},
};

TEST(UrlJoin, Rfc3986NormalExamples) {
  for (const auto& c : normal_examples)
    EXPECT_EQ(join(rfc_base, c.reference), c.expected) << "reference " << c.reference;
}

TEST(UrlJoin, Rfc3986AbnormalExamples) {
  for (const auto& c : abnormal_examples)
    EXPECT_EQ(join(rfc_base, c.reference), c.expected) << "reference " << c.reference;
}

TEST(UrlJoin, EmptyBasePathMergesWithSlash) {
  EXPECT_EQ(join("http://a", "g"), "http://a/g");
  EXPECT_EQ(join("http://a?q", "?"), "http://a?");
  EXPECT_EQ(join("http://a/b", "//c:8080/d/../e"), "http://c:8080/e");
}

TEST(UrlJoin, RejectsControlCharacters) {
  EXPECT_THROW(join("http://a/", "b\r\nX: y"), invalid_url);
}

TEST(UrlRemoveDotSegments, Rfc3986Examples) {
  EXPECT_EQ(remove_dot_segments("/a/b/c/./../../g"), "/a/g");
  EXPECT_EQ(remove_dot_segments("mid/content=5/../6"), "mid/6");
  EXPECT_EQ(remove_dot_segments("/.."), "/");
  EXPECT_EQ(remove_dot_segments("/a/.."), "/");
  EXPECT_EQ(remove_dot_segments("../a"), "a");
  EXPECT_EQ(remove_dot_segments(""), "");
}

TEST(UrlParse, SplitsAllComponents) {
  const url u = parse("HTTP://User:Pa%3Ass@Example.COM:8080/p/a;t/h?q=1&r#frag");
  EXPECT_EQ(u.scheme, "http");
  EXPECT_EQ(u.username, "User");
  EXPECT_EQ(u.password, "Pa%3Ass");
  EXPECT_EQ(u.host, "example.com");
  ASSERT_TRUE(u.port.has_value());
  EXPECT_EQ(*u.port, 8080);
  EXPECT_EQ(u.path, "/p/a;t/h");
  EXPECT_EQ(u.query, "q=1&r");
  EXPECT_EQ(u.fragment, "frag");
  EXPECT_TRUE(u.has_authority);
  EXPECT_EQ(u.netloc(), "User:Pa%3Ass@example.com:8080");
  EXPECT_EQ(u.authority(), "example.com:8080");
  EXPECT_EQ(u.effective_port(), 8080);
  EXPECT_EQ(u.origin_form(), "/p/a;t/h?q=1&r");
}

TEST(UrlParse, DefaultsAndOriginForm) {
  const url u = parse("https://example.com");
  EXPECT_FALSE(u.port.has_value());
  EXPECT_EQ(u.effective_port(), 443);
  EXPECT_EQ(u.origin_form(), "/");
  EXPECT_EQ(parse("http://h").effective_port(), 80);
  EXPECT_EQ(parse("ftp://h").effective_port(), 21);
  EXPECT_EQ(parse("gopher://h").effective_port(), 0);
  EXPECT_FALSE(parse("http://h:/").port.has_value());
  EXPECT_EQ(parse("http://h/p?#f").origin_form(), "/p");
}

TEST(UrlParse, RelativeReferences) {
  const url a = parse("/only/path?x");
  EXPECT_EQ(a.scheme, "");
  EXPECT_FALSE(a.has_authority);
  EXPECT_EQ(a.path, "/only/path");
  EXPECT_EQ(a.query, "x");
  const url b = parse("//host:1/p");
  EXPECT_TRUE(b.has_authority);
  EXPECT_EQ(b.host, "host");
  const url c = parse("file:///etc/hosts");
  EXPECT_TRUE(c.has_authority);
  EXPECT_EQ(c.host, "");
  EXPECT_EQ(c.path, "/etc/hosts");
  EXPECT_EQ(parse("mailto:a@b").path, "a@b");
  // RFC 3986 §3.1: a scheme starts with a letter.
  EXPECT_EQ(parse("127.0.0.1:80").scheme, "");
}

TEST(UrlParse, LastAtSeparatesUserinfo) {
  const url u = parse("http://a@b:c@host/");
  EXPECT_EQ(u.username, "a@b");
  EXPECT_EQ(u.password, "c");
  EXPECT_EQ(u.host, "host");
}

TEST(UrlParse, Ipv6Literals) {
  const url u = parse("http://[::1]:8080/x");
  EXPECT_EQ(u.host, "::1");
  EXPECT_EQ(*u.port, 8080);
  EXPECT_EQ(u.authority(), "[::1]:8080");
  EXPECT_EQ(u.str(), "http://[::1]:8080/x");
  EXPECT_EQ(parse("http://[2001:DB8::A]/").host, "2001:db8::a");
  EXPECT_EQ(parse("http://[::ffff:192.0.2.1]").host, "::ffff:192.0.2.1");
  EXPECT_EQ(parse("http://[1:2:3:4:5:6:7:8]").authority(), "[1:2:3:4:5:6:7:8]");
  EXPECT_EQ(parse("http://[fe80::1%25eth0]/").host, "fe80::1%25eth0");
  EXPECT_EQ(parse("http://[v1.fe:x]/").host, "v1.fe:x");
}

TEST(UrlParse, RejectsBadIpv6Literals) {
  for (const char* text :
       {"http://[::1/", "http://[::1]x/", "http://[1:2:3:4:5:6:7:8:9]/", "http://[1::2::3]/",
        "http://[12345::]/", "http://[::g]/", "http://[]/", "http://[1:2:3:4:5:6:7]/",
        "http://[::1.2.3.256]/", "http://[::01.2.3.4]/", "http://::1/", "http://[fe80::1%eth0]/",
        "http://[:::]/"})
    EXPECT_THROW(parse(text), invalid_url) << text;
}

TEST(UrlParse, RejectsBadPorts) {
  for (const char* text : {"http://h:65536/", "http://h:99999999999999999999/", "http://h:8o/",
                           "http://h:-1/", "http://h: 80/", "http://h:80:81/"})
    EXPECT_THROW(parse(text), invalid_url) << text;
  EXPECT_EQ(*parse("http://h:65535/").port, 65535);
  EXPECT_EQ(*parse("http://h:0/").port, 0);
}

TEST(UrlParse, RejectsControlCharactersAndBadHosts) {
  for (const char* text : {"http://h/a\nb", "http://h/\x7f", "http://h\t/", "http://h/?q\r",
                           "http://a b/", "http://a<b/", "http://h%zz/", "http://a\\b/"})
    EXPECT_THROW(parse(text), invalid_url) << text;
  EXPECT_THROW(parse(std::string_view("http://h/\0", 10)), invalid_url);
}

TEST(UrlParse, ErrorNamesTheProblem) {
  try {
    parse("http://h:70000/");
    FAIL() << "no throw";
  } catch (const invalid_url& e) {
    EXPECT_NE(std::string(e.what()).find("port"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("http://h:70000/"), std::string::npos) << e.what();
  }
  EXPECT_THROW(parse("http://[x]/"), url::invalid_url);
}

TEST(UrlParse, RoundTrips) {
  for (const char* text :
       {"http://example.com/", "https://u:p@h:8443/a/b?c=d#e", "http://[::1]:8080/x?y", "http://h",
        "//h/p", "/p?q#f", "mailto:a@b", "file:///etc/hosts", "http://h/%7Efoo", "g;x=1/../y", "?q",
        "#f", "urn:isbn:0451450523"}) {
    const url u = parse(text);
    EXPECT_EQ(u.str(), text);
    EXPECT_EQ(parse(u.str()), u) << text;
  }
  url built;
  built.scheme = "http";
  built.host = "h";
  built.path = "rel";
  built.query = "a=1";
  EXPECT_EQ(built.str(), "http://h/rel?a=1");
  EXPECT_EQ(parse("HTTP://H:80/").str(), "http://h:80/");
}

TEST(UrlQuote, EncodesWithSafeCharacters) {
  EXPECT_EQ(quote("/a b/c?d"), "/a%20b/c%3Fd");
  EXPECT_EQ(quote("/a b", ""), "%2Fa%20b");
  EXPECT_EQ(quote("a-b_c.d~e"), "a-b_c.d~e");
  EXPECT_EQ(quote("a&b=c", "&="), "a&b=c");
  EXPECT_EQ(quote("\xff\x01"), "%FF%01");
  EXPECT_EQ(quote("caf\xc3\xa9 \xe2\x82\xac"), "caf%C3%A9%20%E2%82%AC");
  EXPECT_EQ(quote_plus("a b&c/d"), "a+b%26c%2Fd");
  EXPECT_EQ(quote_plus("a b/", "/"), "a+b/");
  EXPECT_EQ(quote(""), "");
}

TEST(UrlQuote, UnquoteLeavesInvalidEscapes) {
  EXPECT_EQ(unquote("caf%C3%A9"), "caf\xc3\xa9");
  EXPECT_EQ(unquote("%e2%82%ac"), "\xe2\x82\xac");
  EXPECT_EQ(unquote("100%"), "100%");
  EXPECT_EQ(unquote("%zz%4"), "%zz%4");
  EXPECT_EQ(unquote("%41%2"), "A%2");
  EXPECT_EQ(unquote("a+b"), "a+b");
  EXPECT_EQ(unquote_plus("a+b%2B"), "a b+");
  const std::string raw("\x00\x7f\xff space/", 10);
  EXPECT_EQ(quote(raw, ""), "%00%7F%FF%20space%2F");
  EXPECT_EQ(unquote(quote(raw, "")), raw);
}

TEST(UrlQuery, UrlencodeAndParseQsl) {
  const std::vector<std::pair<std::string, std::string>> fields{
      {"q", "a b"}, {"x&y", "1=2"}, {"e", "\xc3\xa9"}, {"empty", ""}};
  const std::string encoded = urlencode(fields);
  EXPECT_EQ(encoded, "q=a+b&x%26y=1%3D2&e=%C3%A9&empty=");
  EXPECT_EQ(parse_qsl(encoded, true), fields);
  const std::vector<std::pair<std::string, std::string>> without_blank{
      {"q", "a b"}, {"x&y", "1=2"}, {"e", "\xc3\xa9"}};
  EXPECT_EQ(parse_qsl(encoded), without_blank);
  EXPECT_EQ(urlencode({}), "");
}

TEST(UrlQuery, ParseQslEdgeCases) {
  using pairs = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(parse_qsl(""), pairs{});
  EXPECT_EQ(parse_qsl("a=1&&b=2&"), (pairs{{"a", "1"}, {"b", "2"}}));
  EXPECT_EQ(parse_qsl("a&b=&c=3"), (pairs{{"c", "3"}}));
  EXPECT_EQ(parse_qsl("a&b=&c=3", true), (pairs{{"a", ""}, {"b", ""}, {"c", "3"}}));
  EXPECT_EQ(parse_qsl("a=1=2&a=3"), (pairs{{"a", "1=2"}, {"a", "3"}}));
  EXPECT_EQ(parse_qsl("k%20x=v+w%zz"), (pairs{{"k x", "v w%zz"}}));
}

}  // namespace
}  // namespace ph::clients::url
