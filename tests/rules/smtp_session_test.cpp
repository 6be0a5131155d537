#include "harness/rules/smtp/smtp_session.hpp"

#include <gtest/gtest.h>

#include <random>

#include "tests/rules/smtp_test_support.hpp"

namespace ph::harness::rules::smtp {
namespace {

using test::transcript_builder;

TEST(SmtpSession, SplitAndCoalescedEventsGiveTheSameCommands) {
  transcript_builder split;
  split.server("220 mx ESMTP\r\n").client("EH").client("LO a.example\r").client("\n");
  split.server("250 mx\r\n").client("MAIL FROM:<a@b.example>\r\nRCPT TO:<c@d.example>\r\n");
  split.server("250 ok\r\n250 ok\r\n");
  const session s = parse_session(split.get());
  ASSERT_EQ(s.turns.size(), 3u);
  EXPECT_EQ(s.turns[0].verb, "EHLO");
  EXPECT_EQ(s.turns[0].arg, "a.example");
  EXPECT_EQ(s.turns[0].raw, "EHLO a.example\r\n");
  EXPECT_EQ(s.turns[0].first_event, 1);
  EXPECT_EQ(s.turns[0].last_event, 3);
  EXPECT_EQ(s.turns[1].verb, "MAIL");
  EXPECT_EQ(s.turns[2].verb, "RCPT");
  EXPECT_EQ(s.turns[2].first_event, 5);
  EXPECT_EQ(s.greeting, 0);
  EXPECT_EQ(s.turns[0].reply, 1);
  EXPECT_EQ(s.turns[1].reply, 2);
  EXPECT_EQ(s.turns[2].reply, 3);
}

TEST(SmtpSession, MultiLineRepliesAndEhloKeywords) {
  transcript_builder b;
  b.server("220-mx\r\n220 ESMTP\r\n").client("EHLO a.example\r\n");
  b.server("250-mx\r\n250-pipelining\r\n").server("250-SIZE 1000\r\n250 AUTH PLAIN LOGIN\r\n");
  const session s = parse_session(b.get());
  ASSERT_EQ(s.replies.size(), 2u);
  EXPECT_EQ(s.replies[0].lines.size(), 2u);
  EXPECT_EQ(s.replies[1].code, 250);
  EXPECT_EQ(s.replies[1].final_event, 3);
  ASSERT_EQ(s.ehlos.size(), 1u);
  EXPECT_TRUE(s.ehlos[0].has("PIPELINING"));
  EXPECT_EQ(s.ehlos[0].params("SIZE"), "1000");
  EXPECT_EQ(s.ehlos[0].params("AUTH"), "PLAIN LOGIN");
}

TEST(SmtpSession, BareLfIsNotALineEnd) {
  transcript_builder b;
  b.server("220 mx\r\n").client("EHLO a.example\nMAIL FROM:<a@b>\r\n");
  const session s = parse_session(b.get());
  ASSERT_EQ(s.turns.size(), 1u);
  EXPECT_EQ(s.turns[0].arg, "a.example\nMAIL FROM:<a@b>");
}

TEST(SmtpSession, DataBlockIsUnstuffedAndEndsAtTheLoneDot) {
  transcript_builder b;
  b.greet_ehlo({}).client("MAIL FROM:<a@b.example>\r\n").server("250 ok\r\n");
  b.client("RCPT TO:<c@d.example>\r\n").server("250 ok\r\n").client("DATA\r\n");
  b.server("354 go\r\n").client("Subject: x\r\n\r\n..dot\r\n.").client("\r\nNOOP\r\n");
  b.server("250 queued\r\n250 ok\r\n");
  const session s = parse_session(b.get());
  ASSERT_EQ(s.blocks.size(), 1u);
  const data_block& blk = s.blocks[0];
  EXPECT_TRUE(blk.terminated);
  EXPECT_EQ(blk.raw, "Subject: x\r\n\r\n..dot\r\n");
  EXPECT_EQ(blk.message, "Subject: x\r\n\r\n.dot\r\n");
  EXPECT_EQ(s.turns[static_cast<std::size_t>(blk.content)].kind, turn_kind::content);
  EXPECT_EQ(s.turns.back().verb, "NOOP");
  ASSERT_GE(blk.reply, 0);
  ASSERT_FALSE(s.replies[static_cast<std::size_t>(blk.reply)].lines.empty());
  EXPECT_EQ(s.replies[static_cast<std::size_t>(blk.reply)].lines[0], "250 queued");
  EXPECT_EQ(s.message_event_at(blk, 14), 9);  // ".dot" came in the first content read
}

TEST(SmtpSession, AuthContinuationsAreNotCommands) {
  transcript_builder b;
  b.greet_ehlo({"AUTH LOGIN"}).client("AUTH LOGIN\r\n").server("334 VXNlcm5hbWU6\r\n");
  b.client("YWxpY2U=\r\n").server("334 UGFzc3dvcmQ6\r\n").client("c2VjcmV0\r\n");
  b.server("235 ok\r\n").client("QUIT\r\n").server("221 bye\r\n");
  const session s = parse_session(b.get());
  ASSERT_EQ(s.auths.size(), 1u);
  EXPECT_EQ(s.auths[0].mechanism, "LOGIN");
  EXPECT_FALSE(s.auths[0].has_initial_response);
  EXPECT_EQ(s.auths[0].responses.size(), 2u);
  EXPECT_EQ(s.commands().size(), 3u);  // EHLO, AUTH, QUIT
  EXPECT_EQ(s.replies[static_cast<std::size_t>(s.auths[0].final_reply)].code, 235);
}

TEST(SmtpSession, StarttlsStartsAFreshSegment) {
  transcript_builder b = test::clean_session();
  const session s = parse_session(b.get());
  ASSERT_EQ(s.segments.size(), 2u);
  ASSERT_EQ(s.tls.size(), 1u);
  EXPECT_GE(s.tls[0].command, 0);
  EXPECT_GE(s.tls[0].ready_event, 0);
  EXPECT_TRUE(s.tls[0].early_bytes.empty());
  EXPECT_TRUE(s.segments[1].tls);
  // The post-TLS EHLO is answered by the first post-TLS reply; no greeting there.
  const auto cmds = s.commands();
  int post_ehlo = -1;
  for (int i : cmds)
    if (s.turns[static_cast<std::size_t>(i)].segment == 1 && post_ehlo < 0) post_ehlo = i;
  ASSERT_GE(post_ehlo, 0);
  EXPECT_EQ(s.turns[static_cast<std::size_t>(post_ehlo)].verb, "EHLO");
  EXPECT_EQ(s.turns[static_cast<std::size_t>(post_ehlo)].reply, s.segments[1].first_reply);
  EXPECT_EQ(s.ehlo_for(post_ehlo), nullptr);  // RFC 3207 §4.2: nothing carried over
  EXPECT_FALSE(s.client_ended);
}

TEST(SmtpSession, BytesAroundTheHandshakeAreKeptApart) {
  transcript_builder b;
  b.greet_ehlo({"STARTTLS"}).client("STARTTLS\r\nEHLO early.example\r\n");
  b.server("220 go\r\n250 injected\r\n").tls_start().client("EHLO plain.example\r\n").tls_failed();
  const session s = parse_session(b.get());
  ASSERT_EQ(s.tls.size(), 1u);
  EXPECT_EQ(s.tls[0].early_bytes, "EHLO early.example\r\n");
  EXPECT_EQ(s.tls[0].early_event, 3);
  EXPECT_EQ(s.tls[0].plaintext, "EHLO plain.example\r\n");
  EXPECT_EQ(s.tls[0].plaintext_event, 6);
  EXPECT_EQ(s.tls[0].injected, "250 injected\r\n");
  EXPECT_EQ(s.tls[0].failed_event, 7);
}

TEST(SmtpSession, BdatChunksAreReadByCount) {
  transcript_builder b;
  b.greet_ehlo({"CHUNKING"}).client("MAIL FROM:<a@b.example>\r\n").server("250 ok\r\n");
  b.client("RCPT TO:<c@d.example>\r\n").server("250 ok\r\n");
  b.client("BDAT 5\r\nab\r\ncBDAT 3 LAST\r\nd\r\n").server("250 ok\r\n250 ok\r\n");
  const session s = parse_session(b.get());
  ASSERT_EQ(s.blocks.size(), 1u);
  EXPECT_TRUE(s.blocks[0].bdat);
  EXPECT_TRUE(s.blocks[0].terminated);
  EXPECT_EQ(s.blocks[0].message, "ab\r\ncd\r\n");
  EXPECT_EQ(s.commands().size(), 5u);
}

TEST(SmtpSession, WhoClosedFirst) {
  transcript_builder b;
  b.server("220 mx\r\n").client("QUIT\r\n").server("221 bye\r\n").client_close().server_close();
  const session s = parse_session(b.get());
  EXPECT_TRUE(s.client_ended);
  EXPECT_EQ(s.end_event, 3);
}

TEST(SmtpSession, RandomBytesNeverCrashOrHang) {
  std::mt19937 rng(12345);
  const std::string alphabet = "\r\n.:<>@ 0123456789-EHLOMAILRCPTDATAQUITSTARTTLSAUTH=+/\x80\xff";
  for (int round = 0; round < 300; ++round) {
    transcript t;
    const int n = static_cast<int>(rng() % 40);
    for (int i = 0; i < n; ++i) {
      event e;
      e.kind = static_cast<event_kind>(rng() % 8);
      e.dir = rng() % 2 ? direction::client_to_server : direction::server_to_client;
      e.channel = rng() % 10 == 0 ? 1 : 0;
      const int len = static_cast<int>(rng() % 60);
      for (int k = 0; k < len; ++k)
        e.bytes += alphabet[rng() % alphabet.size()];
      t.events.push_back(std::move(e));
    }
    const session s = parse_session(t);
    for (const auto& turn : s.turns)
      EXPECT_LE(turn.offset + turn.size, 1u << 20);
  }
}

}  // namespace
}  // namespace ph::harness::rules::smtp
