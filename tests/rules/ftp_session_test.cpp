#include "harness/rules/ftp/ftp_session.hpp"

#include <gtest/gtest.h>

#include <string>

#include "tests/rules/ftp_test_support.hpp"

namespace ph::harness::rules::ftp {
namespace {

using test::transcript_builder;

TEST(FtpSession, MultiLineReplyEndsOnlyAtItsOwnCodeAndSpace) {
  transcript_builder b;
  b.greet().client("USER a\r\n").server("230-Welcome\r\n234 inner line\r\n230-more\r\n");
  b.server("230 done\r\n").client("PWD\r\n").server("257 \"/\"\r\n");
  const session s = parse_session(b.get());
  ASSERT_EQ(s.replies.size(), 3u);
  EXPECT_EQ(s.replies[1].code, 230);
  EXPECT_EQ(s.replies[1].lines.size(), 4u);
  EXPECT_EQ(s.replies[1].final_event, 3);
  ASSERT_EQ(s.commands.size(), 2u);
  EXPECT_EQ(s.commands[0].code, 230);
  EXPECT_EQ(s.commands[1].code, 257);
  EXPECT_TRUE(s.commands[1].logged_in);
}

TEST(FtpSession, CommandsSplitAtCrlfOnlyAndTelnetDecoded) {
  transcript_builder b;
  b.greet().client(
      "CWD a\nb\r\nRETR \xff\xff.txt\r\n\xff\xf4\xff\xf2"
      "ABOR\r\nNOOP");
  const session s = parse_session(b.get());
  ASSERT_EQ(s.commands.size(), 4u);
  EXPECT_EQ(s.commands[0].arg, "a\nb");
  EXPECT_EQ(s.commands[1].arg, "\xff.txt");
  EXPECT_EQ(s.commands[2].verb, "ABOR");
  EXPECT_EQ(s.commands[2].telnet, "\xff\xf4\xff\xf2");
  EXPECT_FALSE(s.commands[3].terminated);
}

TEST(FtpSession, PreliminaryAndFinalRepliesAndDataChannel) {
  transcript_builder b;
  b.greet().login().cmd("TYPE I", "200 ok").retr("f", "data");
  const session s = parse_session(b.get());
  ASSERT_EQ(s.data.size(), 1u);
  const data_channel& d = s.data[0];
  EXPECT_TRUE(d.client_opened);
  EXPECT_EQ(d.server_bytes, "data");
  ASSERT_GE(d.transfer, 0);
  const command& retr = s.at(d.transfer);
  EXPECT_EQ(retr.verb, "RETR");
  EXPECT_EQ(retr.type, "I");
  EXPECT_EQ(retr.code, 226);
  EXPECT_GE(retr.prelim, 0);
  EXPECT_EQ(s.at(d.setup).verb, "EPSV");
}

TEST(FtpSession, TlsBoundariesFeatAndProtState) {
  const session s = parse_session(test::clean_session().get());
  ASSERT_EQ(s.tls.size(), 1u);
  EXPECT_GE(s.tls[0].command, 0);
  EXPECT_GE(s.tls[0].ready_event, 0);
  ASSERT_EQ(s.feats.size(), 1u);
  EXPECT_TRUE(s.feats[0].has("mlst"));
  EXPECT_EQ(s.feats[0].features.at("REST"), "STREAM");
  ASSERT_EQ(s.data.size(), 2u);
  EXPECT_GE(s.data[0].tls_ready, 0);
  for (const command& c : s.commands) {
    if (c.is("RETR")) {
      EXPECT_EQ(c.prot, 'P');
      EXPECT_TRUE(c.tls);
    }
  }
}

TEST(FtpSession, TlsRequiredReplyRecognised) {
  transcript_builder b;
  b.greet().cmd("USER bob", "530 Non-anonymous sessions must use encryption.");
  EXPECT_EQ(parse_session(b.get()).tls_required_reply, 1);
}

TEST(FtpSession, JunkNeverCrashes) {
  std::string junk;
  for (int i = 0; i < 2000; ++i)
    junk += static_cast<char>((i * 131 + 7) % 256);
  transcript_builder b;
  b.server(junk).client(junk).server("123-\r\n").client("\xff").open_data(false);
  b.client(junk).tls_start().on(0).tls_start().client("x").tls_failed();
  const session s = parse_session(b.get());
  for (const rule* r : rules()) {
    const rule_result res = r->check(b.get(), {});
    EXPECT_NE(res.rule, nullptr);
  }
  EXPECT_FALSE(s.commands.empty());
}

}  // namespace
}  // namespace ph::harness::rules::ftp
