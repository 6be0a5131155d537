#include "clients/nntp/response.hpp"

#include <gtest/gtest.h>

#include <system_error>

#include "clients/net/errors.hpp"

namespace nntp = ph::clients::nntp;
namespace net = ph::clients::net;

TEST(NntpResponse, ParsesStatusLines) {
  const auto r = nntp::parse_status_line("211 3 1 3 misc.test");
  EXPECT_EQ(r.code, 211);
  EXPECT_EQ(r.text, "3 1 3 misc.test");
  EXPECT_EQ(nntp::parse_status_line("205").code, 205);
  EXPECT_EQ(nntp::parse_status_line("205").text, "");
  EXPECT_TRUE(nntp::parse_status_line("381 more").positive());
  EXPECT_FALSE(nntp::parse_status_line("480 auth").positive());
}

TEST(NntpResponse, RejectsMalformedStatusLines) {
  for (const char* bad : {"", "21", "2x1 x", "211-more", "611 no", "021 no", "abc"}) {
    try {
      (void)nntp::parse_status_line(bad);
      ADD_FAILURE() << "accepted \"" << bad << "\"";
    } catch (const std::system_error& e) {
      EXPECT_EQ(e.code(), net::errc::malformed_reply) << bad;
    }
  }
}

TEST(NntpResponse, BlockReaderUnstuffsAndStopsAtDot) {
  nntp::block_reader reader;
  EXPECT_EQ(reader.feed("Subject: x"), nntp::block_reader::status::incomplete);
  EXPECT_EQ(reader.feed(""), nntp::block_reader::status::incomplete);
  EXPECT_EQ(reader.feed(".."), nntp::block_reader::status::incomplete);
  EXPECT_EQ(reader.feed("..starts with a dot"), nntp::block_reader::status::incomplete);
  EXPECT_EQ(reader.feed(". "), nntp::block_reader::status::incomplete);
  EXPECT_EQ(reader.feed("."), nntp::block_reader::status::complete);
  EXPECT_THROW(reader.feed("more"), std::logic_error);
  const auto lines = reader.take();
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_EQ(lines[2], ".");
  EXPECT_EQ(lines[3], ".starts with a dot");
  EXPECT_EQ(lines[4], " ");
  EXPECT_EQ(reader.feed("."), nntp::block_reader::status::complete);
  EXPECT_TRUE(reader.take().empty());
}

TEST(NntpResponse, BlockReaderBoundsItsSize) {
  nntp::block_reader reader(10);
  EXPECT_EQ(reader.feed("12345678"), nntp::block_reader::status::incomplete);
  try {
    reader.feed("x");
    ADD_FAILURE() << "no throw";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), net::errc::line_too_long);
  }
}

TEST(NntpResponse, ParsesGroupArticleAndActive) {
  const auto g = nntp::parse_group_response("3 10 12 misc.test");
  EXPECT_EQ(g.count, 3);
  EXPECT_EQ(g.first, 10);
  EXPECT_EQ(g.last, 12);
  EXPECT_EQ(g.name, "misc.test");
  EXPECT_THROW((void)nntp::parse_group_response("3 10 misc.test"), std::system_error);
  EXPECT_THROW((void)nntp::parse_group_response("x 1 2 g"), std::system_error);

  const auto a = nntp::parse_article_response("0 <a@b> article follows");
  EXPECT_EQ(a.number, 0);
  EXPECT_EQ(a.message_id, "<a@b>");
  EXPECT_THROW((void)nntp::parse_article_response("12"), std::system_error);

  const auto e = nntp::parse_active_line("misc.test 3002322 3000234 y");
  EXPECT_EQ(e.name, "misc.test");
  EXPECT_EQ(e.first, 3000234);
  EXPECT_EQ(e.last, 3002322);
  EXPECT_EQ(e.flag, "y");
  EXPECT_THROW((void)nntp::parse_active_line("misc.test 12"), std::system_error);
}

TEST(NntpResponse, ParsesCapabilities) {
  const auto caps = nntp::parse_capabilities(
      {"VERSION 2", "reader", "LIST ACTIVE NEWSGROUPS OVERVIEW.FMT", "AUTHINFO USER", ""});
  EXPECT_EQ(caps.at("VERSION"), "2");
  EXPECT_EQ(caps.at("READER"), "");
  EXPECT_EQ(caps.at("LIST"), "ACTIVE NEWSGROUPS OVERVIEW.FMT");
  EXPECT_EQ(caps.at("AUTHINFO"), "USER");
  EXPECT_EQ(caps.size(), 4u);
}
