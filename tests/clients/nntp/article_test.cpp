#include "clients/nntp/article.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "clients/nntp/errors.hpp"

namespace nntp = ph::clients::nntp;
using namespace std::chrono;

TEST(NntpArticle, ValidatesMessageIds) {
  EXPECT_TRUE(nntp::is_valid_message_id("<a@b>"));
  EXPECT_TRUE(nntp::is_valid_message_id("<45223423@example.com>"));
  EXPECT_FALSE(nntp::is_valid_message_id("a@b"));
  EXPECT_FALSE(nntp::is_valid_message_id("<ab>"));
  EXPECT_FALSE(nntp::is_valid_message_id("<@b>"));
  EXPECT_FALSE(nntp::is_valid_message_id("<a@>"));
  EXPECT_FALSE(nntp::is_valid_message_id("<a b@c>"));
  EXPECT_FALSE(nntp::is_valid_message_id("<a<@c>"));
  EXPECT_FALSE(nntp::is_valid_message_id("<a\x7f@c>"));
  const std::string at_limit = "<" + std::string(243, 'x') + "@ex.c>";
  ASSERT_EQ(at_limit.size(), 250u);
  EXPECT_TRUE(nntp::is_valid_message_id(at_limit));
  EXPECT_FALSE(nntp::is_valid_message_id("<" + std::string(244, 'x') + "@ex.c>"));
}

TEST(NntpArticle, FormatsDatesWithFourDigitYears) {
  const sys_days day = year{1999} / 12 / 31;
  EXPECT_EQ(nntp::format_datetime(day + 23h + 59min + 58s), "19991231 235958");
  const sys_days y2k = year{2000} / 1 / 2;
  EXPECT_EQ(nntp::format_datetime(y2k + 3h + 4min + 5s), "20000102 030405");
}

TEST(NntpArticle, ParsesDateForms) {
  const auto want = sys_days{year{2024} / 3 / 5} + 6h + 7min + 8s;
  EXPECT_EQ(nntp::parse_datetime("20240305060708"), want);
  EXPECT_EQ(nntp::parse_datetime("20240305 060708"), want);
  EXPECT_EQ(nntp::parse_datetime("2024-03-05 06:07:08"), want);
  EXPECT_EQ(nntp::parse_datetime("2024-03-05T06:07:08Z"), want);
  EXPECT_THROW((void)nntp::parse_datetime("240305 060708"), nntp::error);
  EXPECT_THROW((void)nntp::parse_datetime("20241305 060708"), nntp::error);
  EXPECT_THROW((void)nntp::parse_datetime("yesterday"), nntp::error);
}

TEST(NntpArticle, DotStuffsAndNormalisesLineEnds) {
  EXPECT_EQ(nntp::dot_stuff("a\n.b\r\n..c\nd"), "a\r\n..b\r\n...c\r\nd\r\n");
  EXPECT_EQ(nntp::dot_stuff(".\r\n"), "..\r\n");
  EXPECT_EQ(nntp::dot_stuff(""), "\r\n");
}

TEST(NntpArticle, ChecksPostHeaders) {
  EXPECT_NO_THROW(nntp::check_post_headers(
      "from: a@b\r\nNEWSGROUPS: misc.test\r\nSubject: hi\r\n\r\nbody\r\n"));
  try {
    nntp::check_post_headers("From: a@b\r\nSubject: hi\r\n\r\nNewsgroups: in.body\r\n");
    ADD_FAILURE() << "no throw";
  } catch (const nntp::error& e) {
    EXPECT_NE(std::string(e.what()).find("Newsgroups"), std::string::npos);
  }
}
