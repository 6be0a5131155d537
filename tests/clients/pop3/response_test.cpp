#include "clients/pop3/response.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#include "clients/net/errors.hpp"

namespace pop3 = ph::clients::pop3;
namespace net = ph::clients::net;

namespace {

net::errc error_of(auto&& f) {
  try {
    f();
  } catch (const std::system_error& e) {
    return static_cast<net::errc>(e.code().value());
  }
  ADD_FAILURE() << "did not throw";
  return {};
}

pop3::multiline body(const std::vector<std::string>& lines) {
  pop3::multiline_parser p;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const auto st = p.feed(lines[i]);
    EXPECT_EQ(st == pop3::multiline_parser::status::complete, i + 1 == lines.size()) << i;
  }
  return p.take();
}

}  // namespace

TEST(Pop3Status, OkWithText) {
  const auto r = pop3::parse_status("+OK 2 messages (320 octets)");
  EXPECT_TRUE(r.ok);
  EXPECT_EQ(r.text, "2 messages (320 octets)");
  EXPECT_EQ(r.code, "");
}

TEST(Pop3Status, BareIndicatorsAndCaseInsensitive) {
  EXPECT_TRUE(pop3::parse_status("+OK").ok);
  EXPECT_EQ(pop3::parse_status("+OK").text, "");
  EXPECT_FALSE(pop3::parse_status("-ERR").ok);
  EXPECT_TRUE(pop3::parse_status("+ok fine").ok);
  EXPECT_FALSE(pop3::parse_status("-err no").ok);
}

TEST(Pop3Status, MalformedLinesThrow) {
  for (const char* line : {"", "OK", "+OKAY", "-ERROR x", "+ go on", "220 smtp", "+OK\tx"})
    EXPECT_EQ(error_of([&] { pop3::parse_status(line); }), net::errc::malformed_reply) << line;
}

TEST(Pop3Status, ResponseCodes) {
  EXPECT_EQ(pop3::parse_status("-ERR [IN-USE] locked").code, "IN-USE");
  EXPECT_EQ(pop3::parse_status("-ERR [auth] bad").code, "AUTH");
  EXPECT_EQ(pop3::parse_status("-ERR [SYS/TEMP] later").code, "SYS/TEMP");
  EXPECT_EQ(pop3::parse_status("-ERR [sys/perm/x] never").code, "SYS/PERM/X");
  EXPECT_EQ(pop3::parse_status("-ERR [IN-USE] locked").text, "[IN-USE] locked");
}

TEST(Pop3Status, MalformedResponseCodesAreText) {
  for (const char* text : {"[] x", "[IN USE] x", "[SYS//TEMP] x", "[/SYS] x", "[SYS/] x",
                           "[IN-USE x", " [IN-USE] x", "no [IN-USE]"})
    EXPECT_EQ(pop3::parse_response_code(text), "") << text;
}

TEST(Pop3Multiline, UnstuffsAndCountsOctets) {
  const auto m = body({"Subject: x", "", "..x", ".y", "."});
  ASSERT_EQ(m.lines.size(), 4u);
  EXPECT_EQ(m.lines[2], ".x");
  // RFC 1939 §3: any leading termination octet is removed, even when not followed by another.
  EXPECT_EQ(m.lines[3], "y");
  EXPECT_EQ(m.octets, 12u + 2u + 4u + 3u);
}

TEST(Pop3Multiline, DotDotIsALoneDotLine) {
  const auto m = body({"a", "..", "...", "."});
  ASSERT_EQ(m.lines.size(), 3u);
  EXPECT_EQ(m.lines[1], ".");
  EXPECT_EQ(m.lines[2], "..");
  EXPECT_EQ(m.data(), "a\r\n.\r\n..\r\n");
  EXPECT_EQ(m.octets, m.data().size());
}

TEST(Pop3Multiline, EmptyBody) {
  const auto m = body({"."});
  EXPECT_TRUE(m.lines.empty());
  EXPECT_EQ(m.octets, 0u);
  EXPECT_EQ(m.data(), "");
}

TEST(Pop3Multiline, DotWithTrailingSpaceIsNotTheEnd) {
  pop3::multiline_parser p;
  EXPECT_EQ(p.feed(". "), pop3::multiline_parser::status::incomplete);
  EXPECT_EQ(p.feed("."), pop3::multiline_parser::status::complete);
  EXPECT_EQ(p.take().lines, std::vector<std::string>{" "});
}

TEST(Pop3Multiline, BoundedSize) {
  pop3::multiline_parser p(10);
  EXPECT_EQ(p.feed("12345678"), pop3::multiline_parser::status::incomplete);
  EXPECT_EQ(error_of([&] { p.feed("x"); }), net::errc::line_too_long);
}

TEST(Pop3Multiline, FeedingCompleteParserIsLogicError) {
  pop3::multiline_parser p;
  p.feed(".");
  EXPECT_THROW(p.feed("x"), std::logic_error);
  p.take();
  EXPECT_EQ(p.feed("."), pop3::multiline_parser::status::complete);
}

TEST(Pop3Capabilities, TagsUpperCaseParamsKept) {
  const auto caps =
      pop3::parse_capabilities({"top", "USER", "SASL PLAIN Login", "RESP-CODES", "PIPELINING",
                                "EXPIRE 60 USER", "", "IMPLEMENTATION Fake Server", "top ignored"});
  EXPECT_EQ(caps.size(), 7u);
  EXPECT_EQ(caps.at("TOP"), "");
  EXPECT_EQ(caps.at("SASL"), "PLAIN Login");
  EXPECT_EQ(caps.at("EXPIRE"), "60 USER");
  EXPECT_EQ(caps.at("IMPLEMENTATION"), "Fake Server");
}

TEST(Pop3Listing, ScanListing) {
  const auto l = pop3::parse_scan_listing("2 200");
  EXPECT_EQ(l.number, 2u);
  EXPECT_EQ(l.size, 200u);
  EXPECT_EQ(pop3::parse_scan_listing("1 120 extra info").size, 120u);
  EXPECT_EQ(pop3::parse_scan_listing("3 18446744073709551615").size, 18446744073709551615u);
}

TEST(Pop3Listing, MalformedScanListing) {
  for (const char* line :
       {"", "1", "1 ", "x 12", "1 12x", "-1 2", " 1 2", "1  2", "1 18446744073709551616"})
    EXPECT_EQ(error_of([&] { pop3::parse_scan_listing(line); }), net::errc::malformed_reply)
        << line;
}

TEST(Pop3Listing, UidListing) {
  const auto u = pop3::parse_uid_listing("1 whqtswO00WBw418f9t5JxYwZ");
  EXPECT_EQ(u.number, 1u);
  EXPECT_EQ(u.uid, "whqtswO00WBw418f9t5JxYwZ");
  EXPECT_EQ(pop3::parse_uid_listing("2 QhdPYR:00WBw1Ph7x7 trailing").uid, "QhdPYR:00WBw1Ph7x7");
  EXPECT_EQ(pop3::parse_uid_listing("3 " + std::string(70, '~')).uid.size(), 70u);
}

TEST(Pop3Listing, MalformedUidListing) {
  for (const std::string& line : {std::string("1"), std::string("1 "), std::string("a uid"),
                                  "1 " + std::string(71, 'x'), std::string("1 caf\xc3\xa9")})
    EXPECT_EQ(error_of([&] { pop3::parse_uid_listing(line); }), net::errc::malformed_reply) << line;
}
