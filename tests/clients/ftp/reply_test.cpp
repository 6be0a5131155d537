#include "clients/ftp/reply.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <system_error>

#include "clients/net/errors.hpp"

namespace ftp = ph::clients::ftp;
namespace net = ph::clients::net;

namespace {

ftp::reply parse_all(std::initializer_list<const char*> lines) {
  ftp::reply_parser p;
  ftp::reply_parser::state st = ftp::reply_parser::state::need_more;
  for (const char* l : lines) {
    EXPECT_EQ(st, ftp::reply_parser::state::need_more) << "complete before " << l;
    st = p.feed(l);
  }
  EXPECT_EQ(st, ftp::reply_parser::state::done);
  return p.result();
}

template <class F>
std::error_code code_of(F&& f) {
  try {
    f();
  } catch (const std::system_error& e) {
    return e.code();
  }
  ADD_FAILURE() << "did not throw";
  return {};
}

}  // namespace

TEST(FtpReply, SingleLine) {
  const auto r = parse_all({"220 ready"});
  EXPECT_EQ(r.code, 220);
  EXPECT_EQ(r.kind(), 2);
  EXPECT_EQ(r.text(), "ready");
}

TEST(FtpReply, BareCodeIsComplete) {
  const auto r = parse_all({"200"});
  EXPECT_EQ(r.code, 200);
  EXPECT_EQ(r.text(), "");
}

TEST(FtpReply, MultiLineWithDigitLedMiddleLines) {
  // RFC 959 §4.2: only "123 " ends the reply; other codes or "123-" in the middle do not.
  const auto r = parse_all({"123-First line", "Second line", "234 A line beginning with numbers",
                            "123-still inside", "  123 indented", "123 The last line"});
  EXPECT_EQ(r.code, 123);
  EXPECT_EQ(r.lines.size(), 6u);
  EXPECT_EQ(r.text(),
            "First line\nSecond line\n234 A line beginning with numbers\n123-still inside\n"
            "  123 indented\nThe last line");
}

TEST(FtpReply, MultiLineEndsAtBareCode) {
  const auto r = parse_all({"211-Features:", " MDTM", "211"});
  EXPECT_EQ(r.lines.size(), 3u);
}

TEST(FtpReply, MalformedFirstLinesThrow) {
  for (const char* bad :
       {"", "xyz hello", "22 short", "2200 long", "220x", "620 out of range", "099 zero"}) {
    ftp::reply_parser p;
    EXPECT_EQ(code_of([&] { p.feed(bad); }), net::errc::malformed_reply) << bad;
  }
}

TEST(FtpReply, ParserResetsAfterDone) {
  ftp::reply_parser p;
  EXPECT_EQ(p.feed("200 one"), ftp::reply_parser::state::done);
  EXPECT_EQ(p.feed("331 two"), ftp::reply_parser::state::done);
  EXPECT_EQ(p.result().code, 331);
  EXPECT_EQ(p.result().lines.size(), 1u);
}

TEST(FtpPasv, StandardForm) {
  const auto a = ftp::parse_pasv("Entering Passive Mode (192,168,1,2,4,1)");
  EXPECT_EQ(a.host, "192.168.1.2");
  EXPECT_EQ(a.port, 1025);
}

TEST(FtpPasv, OddSpacingAndNoParentheses) {
  EXPECT_EQ(ftp::parse_pasv("Entering Passive Mode 127, 0 ,0,1, 200 , 10").port, 200 * 256 + 10);
  const auto b = ftp::parse_pasv("=10,0,0,7,0,21");
  EXPECT_EQ(b.host, "10.0.0.7");
  EXPECT_EQ(b.port, 21);
  // A number before the address that is not part of six is skipped.
  EXPECT_EQ(ftp::parse_pasv("227 ok (1,2,3,4,5,6)").host, "1.2.3.4");
}

TEST(FtpPasv, MalformedThrows) {
  for (const char* bad :
       {"Entering Passive Mode", "(1,2,3,4,5)", "(256,1,1,1,1,1)", "(1,2,3,4,5,1000)"})
    EXPECT_EQ(code_of([&] { ftp::parse_pasv(bad); }), net::errc::malformed_reply) << bad;
}

TEST(FtpEpsv, DelimitersAndPort) {
  EXPECT_EQ(ftp::parse_epsv("Entering Extended Passive Mode (|||6446|)").port, 6446);
  EXPECT_EQ(ftp::parse_epsv("ok (!!!21!)").port, 21);
  EXPECT_TRUE(ftp::parse_epsv("(|||1|)").host.empty());
}

TEST(FtpEpsv, MalformedThrows) {
  for (const char* bad :
       {"no parens", "(|||0|)", "(|||65536|)", "(||1|2|)", "(|||12a|)", "(| |12|)", "(|||)"})
    EXPECT_EQ(code_of([&] { ftp::parse_epsv(bad); }), net::errc::malformed_reply) << bad;
}

TEST(FtpPort, Formats) {
  EXPECT_EQ(ftp::format_port("127.0.0.1", 1025), "127,0,0,1,4,1");
  EXPECT_EQ(ftp::format_eprt("127.0.0.1", 6275), "|1|127.0.0.1|6275|");
  EXPECT_EQ(ftp::format_eprt("::1", 6275), "|2|::1|6275|");
  EXPECT_THROW(ftp::format_port("::1", 1), std::invalid_argument);
}

TEST(Ftp257, QuotedPathWithDoubledQuotes) {
  EXPECT_EQ(ftp::parse_257("\"/usr/dm\" created"), "/usr/dm");
  EXPECT_EQ(ftp::parse_257("\"/a \"\"b\"\"\" is current"), "/a \"b\"");
  EXPECT_FALSE(ftp::parse_257("no quotes").has_value());
  EXPECT_FALSE(ftp::parse_257("\"unterminated").has_value());
}

TEST(FtpMlsd, FactsAndNameWithSpaces) {
  const auto e =
      ftp::parse_mlsd_line("Type=file;Size=1024;Modify=20240102030405;perm=r; my file;x");
  EXPECT_EQ(e.name, "my file;x");
  EXPECT_EQ(e.facts.at("type"), "file");
  EXPECT_EQ(e.facts.at("size"), "1024");
  EXPECT_EQ(e.facts.at("modify"), "20240102030405");
  EXPECT_EQ(e.facts.at("perm"), "r");
}

TEST(FtpMlsd, NoFactsAndMalformed) {
  EXPECT_EQ(ftp::parse_mlsd_line(" name").name, "name");
  EXPECT_EQ(code_of([] { ftp::parse_mlsd_line("type=file;size=1"); }), net::errc::malformed_reply);
  EXPECT_EQ(code_of([] { ftp::parse_mlsd_line("type;size=1 x"); }), net::errc::malformed_reply);
}
