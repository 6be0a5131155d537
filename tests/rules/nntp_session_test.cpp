#include "harness/rules/nntp/nntp_session.hpp"

#include <gtest/gtest.h>

#include <random>

#include "tests/rules/nntp_test_support.hpp"

namespace ph::harness::rules::nntp {
namespace {

using namespace test;

TEST(NntpSession, ReadsTheCleanReaderSession) {
  const session s = parse_session(clean_reader_session().get());
  ASSERT_GE(s.greeting, 0);
  EXPECT_EQ(s.responses[static_cast<std::size_t>(s.greeting)].code, 200);
  ASSERT_EQ(s.turns.size(), 9u);
  EXPECT_TRUE(s.turns[0].is("CAPABILITIES"));
  EXPECT_TRUE(s.turns[1].is("MODE"));
  EXPECT_EQ(s.turns[1].sub(), "READER");
  EXPECT_EQ(s.turns[3].verb, "GROUP");
  EXPECT_EQ(s.turns[3].arg, "misc.test");
  const response* group = s.response_to(s.turns[3]);
  ASSERT_NE(group, nullptr);
  EXPECT_EQ(group->code, 211);
  EXPECT_FALSE(group->multiline);
  const response* over = s.response_to(s.turns[4]);
  ASSERT_NE(over, nullptr);
  EXPECT_TRUE(over->multiline);
  EXPECT_EQ(over->block.size(), 2u);
  const response* art = s.response_to(s.turns[5]);
  ASSERT_NE(art, nullptr);
  ASSERT_FALSE(art->block.empty());
  EXPECT_EQ(art->block.back(), ".dotted");
  EXPECT_EQ(s.turns[7].kind, turn_kind::article);
  EXPECT_EQ(s.response_to(s.turns[7])->code, 240);
  ASSERT_EQ(s.articles.size(), 1u);
  EXPECT_TRUE(s.articles[0].terminated);
  EXPECT_NE(s.articles[0].text.find("\r\n.a line that starts"), std::string::npos);
  EXPECT_TRUE(s.turns[8].is("QUIT"));
  EXPECT_EQ(s.response_to(s.turns[8])->code, 205);
  EXPECT_FALSE(s.client_ended);
}

TEST(NntpSession, CapabilitiesGoStaleAfterModeReaderAndFreshAfterReRead) {
  const session s = parse_session(clean_reader_session().get());
  ASSERT_EQ(s.caps.size(), 2u);
  EXPECT_TRUE(s.caps[0].has("MODE-READER"));
  EXPECT_TRUE(s.caps[1].has_arg("LIST", "overview.fmt"));
  EXPECT_NE(s.caps_for(1), nullptr);  // MODE READER itself
  EXPECT_EQ(s.caps_for(2), nullptr);  // the second CAPABILITIES, after MODE READER
  ASSERT_NE(s.caps_for(3), nullptr);
  EXPECT_TRUE(s.caps_for(3)->has("READER"));
}

TEST(NntpSession, ListgroupResponseIsMultiLineButGroupIsNot) {
  transcript_builder b;
  b.server("200 ok\r\n").client("LISTGROUP misc.test\r\n");
  b.server("211 2 1 2 misc.test list follows\r\n1\r\n2\r\n.\r\n");
  b.client("GROUP misc.test\r\n").server("211 2 1 2 misc.test\r\n");
  const session s = parse_session(b.get());
  ASSERT_EQ(s.turns.size(), 2u);
  EXPECT_EQ(s.response_to(s.turns[0])->block.size(), 2u);
  EXPECT_EQ(s.response_to(s.turns[1])->code, 211);
  EXPECT_TRUE(s.response_to(s.turns[1])->complete);
}

TEST(NntpSession, ArticleOnlyAfterThreeHundredResponse) {
  transcript_builder b;
  b.server("200 ok\r\n").client("POST\r\n").server("440 posting not permitted\r\n");
  b.client("From: a@b.example\r\n");
  const session s = parse_session(b.get());
  ASSERT_EQ(s.turns.size(), 2u);
  EXPECT_TRUE(s.articles.empty());
  EXPECT_EQ(s.turns[1].verb, "FROM:");
}

TEST(NntpSession, StarttlsSplitsSegmentsAndRecordsEarlyBytes) {
  transcript_builder b;
  b.server("200 ok\r\n").client("STARTTLS\r\nCAPABILITIES\r\n").server("382 go\r\n");
  b.tls_start().tls_ready().client("CAPABILITIES\r\n").caps({"VERSION 2", "READER"});
  const session s = parse_session(b.get());
  ASSERT_EQ(s.segments.size(), 2u);
  EXPECT_TRUE(s.segments[1].tls);
  ASSERT_EQ(s.tls.size(), 1u);
  EXPECT_EQ(s.tls[0].early_bytes, "CAPABILITIES\r\n");
  ASSERT_EQ(s.turns.size(), 2u);
  EXPECT_EQ(s.turns[1].change, 0);  // STARTTLS made any earlier list stale
  EXPECT_EQ(s.caps_for(1), nullptr);
  EXPECT_EQ(s.turns[1].segment, 1);
}

TEST(NntpSession, BareLfStaysInsideTheClientLine) {
  transcript_builder b;
  b.server("200 ok\r\n").client("GROUP misc.test\nARTICLE 1\r\n");
  const session s = parse_session(b.get());
  ASSERT_EQ(s.turns.size(), 1u);
  EXPECT_EQ(s.turns[0].line(), "GROUP misc.test\nARTICLE 1");
}

TEST(NntpSession, SaslChallengesMakeResponseTurns) {
  transcript_builder b;
  b.server("200 ok\r\n").client("AUTHINFO SASL DIGEST-MD5\r\n").server("383 Y2hhbA==\r\n");
  b.client("cmVzcA==\r\n").server("283 done\r\n").client("QUIT\r\n");
  const session s = parse_session(b.get());
  ASSERT_EQ(s.turns.size(), 3u);
  EXPECT_EQ(s.turns[1].kind, turn_kind::sasl_response);
  EXPECT_TRUE(s.turns[2].is("QUIT"));
}

TEST(NntpSession, JunkAndTruncatedTranscriptsNeverCrash) {
  const transcript full = clean_reader_session().get();
  std::mt19937 rng(7);
  for (int round = 0; round < 300; ++round) {
    transcript t = full;
    // Truncate, then garble a few bytes and sometimes drop events.
    const std::size_t keep = rng() % (t.events.size() + 1);
    t.events.resize(keep);
    for (auto& e : t.events) {
      if (e.bytes.empty() || rng() % 3 != 0) continue;
      const std::size_t cut = rng() % e.bytes.size();
      e.bytes.resize(cut);
      static constexpr char junk[] = {'\r', '\n', '.', '\0', '3', '4', '0', ' ', '\xff'};
      for (int k = 0; k < 3; ++k)
        e.bytes.push_back(junk[rng() % sizeof junk]);
    }
    if (rng() % 4 == 0 && !t.events.empty()) t.events.insert(t.events.begin(), t.events.back());
    for (const rule* r : rules()) {
      const rule_result res = r->check(t, {});
      EXPECT_NE(res.rule, nullptr);
    }
  }
  transcript empty{1, {{"control", "a", "b"}}, {}};
  for (const rule* r : rules())
    EXPECT_EQ(r->check(empty, {}).result, outcome::not_applicable) << r->info().id;
}

TEST(NntpSession, TlsEventsWithoutDataAreHarmless) {
  transcript_builder b;
  b.tls_ready().tls_start().tls_failed().tls_start().client("\x16\x03\x01").server_close();
  for (const rule* r : rules())
    EXPECT_NE(r->check(b.get(), {}).rule, nullptr);
}

}  // namespace
}  // namespace ph::harness::rules::nntp
