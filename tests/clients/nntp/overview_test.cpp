#include "clients/nntp/overview.hpp"

#include <gtest/gtest.h>

#include <system_error>

namespace nntp = ph::clients::nntp;

TEST(NntpOverview, DefaultFormatHasSevenFields) {
  const auto line =
      "3000234\tI am just a test article\t\"Demo User\" <nobody@example.com>\t6 Oct 1998 "
      "04:38:40 -0500\t<45223423@example.com>\t<45454@example.net>\t1234\t17";
  const auto o = nntp::parse_overview_line(line, nntp::default_overview_format());
  EXPECT_EQ(o.number, 3000234);
  EXPECT_EQ(o.subject, "I am just a test article");
  EXPECT_EQ(o.from, "\"Demo User\" <nobody@example.com>");
  EXPECT_EQ(o.date, "6 Oct 1998 04:38:40 -0500");
  EXPECT_EQ(o.message_id, "<45223423@example.com>");
  EXPECT_EQ(o.references, "<45454@example.net>");
  EXPECT_EQ(o.bytes, 1234);
  EXPECT_EQ(o.lines, 17);
  EXPECT_TRUE(o.extra.empty());
}

TEST(NntpOverview, EmptyFieldsAndExtraXref) {
  const auto fmt = nntp::parse_overview_format({"Subject:", "From:", "Date:", "Message-ID:",
                                                "References:", "Bytes:", "Lines:", "Xref:full"});
  ASSERT_EQ(fmt.size(), 8u);
  EXPECT_EQ(fmt[5].name, ":bytes");
  EXPECT_EQ(fmt[6].name, ":lines");
  EXPECT_EQ(fmt[7].name, "xref");
  EXPECT_TRUE(fmt[7].full);
  const auto o = nntp::parse_overview_line(
      "7\t\tA <a@b>\t\t<7@x>\t\t\t\tXref: news.example.com misc.test:7", fmt);
  EXPECT_EQ(o.number, 7);
  EXPECT_EQ(o.subject, "");
  EXPECT_EQ(o.from, "A <a@b>");
  EXPECT_EQ(o.date, "");
  EXPECT_EQ(o.message_id, "<7@x>");
  EXPECT_EQ(o.references, "");
  EXPECT_EQ(o.bytes, 0);
  EXPECT_EQ(o.lines, 0);
  EXPECT_EQ(o.extra.at("xref"), "news.example.com misc.test:7");
}

TEST(NntpOverview, Rfc3977MetadataNamesAndReorderedFields) {
  const auto fmt = nntp::parse_overview_format({"From:", "Subject:", ":bytes", ":lines"});
  const auto o = nntp::parse_overview_line("0\tme\thello\t10\t2", fmt);
  EXPECT_EQ(o.number, 0);
  EXPECT_EQ(o.from, "me");
  EXPECT_EQ(o.subject, "hello");
  EXPECT_EQ(o.bytes, 10);
  EXPECT_EQ(o.lines, 2);
}

TEST(NntpOverview, MissingTrailingFieldsAreEmpty) {
  const auto o = nntp::parse_overview_line("5\tsubj", nntp::default_overview_format());
  EXPECT_EQ(o.subject, "subj");
  EXPECT_EQ(o.message_id, "");
}

TEST(NntpOverview, BadNumbersAreProtocolErrors) {
  const auto fmt = nntp::default_overview_format();
  EXPECT_THROW((void)nntp::parse_overview_line("abc\tx", fmt), std::system_error);
  EXPECT_THROW((void)nntp::parse_overview_line("", fmt), std::system_error);
  EXPECT_THROW((void)nntp::parse_overview_line("1\ts\tf\td\t<m@x>\t\tmany\t1", fmt),
               std::system_error);
  EXPECT_THROW((void)nntp::parse_overview_format({"NoColon"}), std::system_error);
}
