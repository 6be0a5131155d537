#include "clients/smtp/reply.hpp"

#include <gtest/gtest.h>

#include <initializer_list>
#include <stdexcept>
#include <string>
#include <system_error>

#include "clients/net/errors.hpp"

namespace smtp = ph::clients::smtp;
namespace net = ph::clients::net;
using status = smtp::reply_parser::status;

namespace {

smtp::reply parse(std::initializer_list<std::string> lines) {
  smtp::reply_parser p;
  std::size_t i = 0;
  for (const auto& line : lines) {
    const auto st = p.feed(line);
    EXPECT_EQ(st, ++i == lines.size() ? status::complete : status::incomplete) << line;
  }
  return p.take();
}

void expect_malformed(const std::string& line) {
  smtp::reply_parser p;
  try {
    p.feed(line);
    ADD_FAILURE() << "accepted: " << line;
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), net::errc::malformed_reply) << line;
  }
}

smtp::extensions ehlo(std::initializer_list<std::string> lines) {
  return smtp::extensions::parse(parse(lines));
}

}  // namespace

TEST(SmtpReplyParser, SingleLine) {
  const auto r = parse({"250 OK"});
  EXPECT_EQ(r.code, 250);
  ASSERT_EQ(r.lines.size(), 1u);
  EXPECT_EQ(r.text(), "OK");
  EXPECT_TRUE(r.positive());
  EXPECT_TRUE(r.completed());
}

TEST(SmtpReplyParser, MultiLineJoinsTextWithNewline) {
  const auto r = parse({"250-mail.example greets you", "250-PIPELINING", "250 SIZE 1000"});
  EXPECT_EQ(r.code, 250);
  EXPECT_EQ(r.text(), "mail.example greets you\nPIPELINING\nSIZE 1000");
}

TEST(SmtpReplyParser, FinalLineWithoutSpace) {
  // RFC 5321 §4.2.1: a client MUST accept "250" alone as a final line.
  const auto r = parse({"250-first", "250"});
  EXPECT_EQ(r.code, 250);
  EXPECT_EQ(r.text(), "first\n");
  const auto single = parse({"354"});
  EXPECT_EQ(single.code, 354);
  EXPECT_EQ(single.lines.size(), 1u);
  EXPECT_EQ(single.text(), "");
}

TEST(SmtpReplyParser, EmptyTextAfterSpace) {
  const auto r = parse({"334 "});
  EXPECT_EQ(r.code, 334);
  EXPECT_EQ(r.text(), "");
}

TEST(SmtpReplyParser, FinalLineCodeWinsOnMismatch) {
  const auto r = parse({"250-a", "550 b"});
  EXPECT_EQ(r.code, 550);
  EXPECT_FALSE(r.positive());
}

TEST(SmtpReplyParser, PositiveAndCompletedByFirstDigit) {
  EXPECT_TRUE(parse({"299 unlisted"}).completed());
  EXPECT_TRUE(parse({"354 go"}).positive());
  EXPECT_FALSE(parse({"354 go"}).completed());
  EXPECT_FALSE(parse({"421 bye"}).positive());
  EXPECT_FALSE(parse({"150 odd"}).positive());
  EXPECT_FALSE(parse({"600 odd"}).positive());
}

TEST(SmtpReplyParser, MalformedShapes) {
  expect_malformed("");
  expect_malformed("25");
  expect_malformed("2x0 ok");
  expect_malformed("250ok");
  expect_malformed("250\tok");
  expect_malformed(" 250 ok");
  expect_malformed("abc def");
}

TEST(SmtpReplyParser, MalformedContinuationLine) {
  smtp::reply_parser p;
  EXPECT_EQ(p.feed("250-ok"), status::incomplete);
  EXPECT_THROW(p.feed("garbage"), std::system_error);
}

TEST(SmtpReplyParser, FeedAfterCompleteIsALogicError) {
  smtp::reply_parser p;
  EXPECT_EQ(p.feed("250 ok"), status::complete);
  EXPECT_THROW(p.feed("250 again"), std::logic_error);
  EXPECT_EQ(p.take().code, 250);
  EXPECT_EQ(p.feed("221 bye"), status::complete);
  EXPECT_EQ(p.take().text(), "bye");
}

TEST(SmtpReplyParser, EndlessReplyIsBounded) {
  smtp::reply_parser p(1000);
  try {
    for (int i = 0; i < 100; ++i)
      p.feed("250-" + std::string(50, 'x'));
    FAIL() << "unbounded";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), net::errc::line_too_long);
  }
}

TEST(SmtpExtensions, KeywordsCaseInsensitiveWithParams) {
  const auto ext = ehlo({"250-mail.example", "250-pipelining", "250-Size 35882577", "250-8BITMIME",
                         "250-STARTTLS", "250 ENHANCEDSTATUSCODES"});
  EXPECT_TRUE(ext.has("PIPELINING"));
  EXPECT_TRUE(ext.has("pipelining"));
  EXPECT_TRUE(ext.has("size"));
  EXPECT_EQ(ext.params("SIZE"), "35882577");
  EXPECT_EQ(ext.params("8bitmime"), "");
  EXPECT_EQ(ext.params("DSN"), std::nullopt);
  EXPECT_EQ(ext.size_limit(), 35882577u);
  EXPECT_EQ(ext.features().count("PIPELINING"), 1u);
  EXPECT_EQ(ext.features().size(), 5u);  // the greeting line is not a keyword
}

TEST(SmtpExtensions, FirstLineIsNotAKeyword) {
  const auto ext = ehlo({"250 STARTTLS"});  // a one-line reply: only the server's domain
  EXPECT_FALSE(ext.has("STARTTLS"));
}

TEST(SmtpExtensions, SizeZeroMeansNoLimit) {
  EXPECT_EQ(ehlo({"250-x", "250 SIZE 0"}).size_limit(), 0u);
  EXPECT_TRUE(ehlo({"250-x", "250 SIZE 0"}).has("SIZE"));
  EXPECT_EQ(ehlo({"250-x", "250 SIZE"}).size_limit(), 0u);
  EXPECT_EQ(ehlo({"250-x", "250 SIZE junk"}).size_limit(), 0u);
}

TEST(SmtpExtensions, AuthMergesLegacyFormAndUppercases) {
  const auto ext = ehlo({"250-x", "250-AUTH=LOGIN PLAIN", "250-auth cram-md5 plain", "250 OK"});
  EXPECT_TRUE(ext.has("AUTH"));
  EXPECT_EQ(ext.params("AUTH"), "LOGIN PLAIN CRAM-MD5");
  EXPECT_EQ(ext.auth_mechanisms(), (std::vector<std::string>{"LOGIN", "PLAIN", "CRAM-MD5"}));
  EXPECT_EQ(ext.features().count("AUTH=LOGIN"), 0u);
}

TEST(SmtpExtensions, InvalidKeywordLinesIgnored) {
  const auto ext = ehlo({"250-x", "250--bad", "250-X_Y 1", "250-", "250 GOOD"});
  EXPECT_EQ(ext.features().size(), 1u);
  EXPECT_TRUE(ext.has("GOOD"));
}
