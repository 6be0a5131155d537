#include "harness/rules/rule.hpp"

#include <gtest/gtest.h>

#include <string>

#include "tests/rules/rule_test_support.hpp"
#include "tests/rules/smtp_test_support.hpp"
#include "vocabulary/digest.hpp"

namespace ph::harness::rules {
namespace {

using smtp::test::transcript_builder;

const rule_result& result_of(const std::vector<rule_result>& all, std::string_view id) {
  for (const auto& r : all)
    if (r.rule != nullptr && r.rule->id == id) return r;
  static const rule_result none;
  ADD_FAILURE() << "no result for " << id;
  return none;
}

TEST(Evidence, LongBytesAreAnExcerptWithTheWholeLengthAndDigest) {
  const std::string line = std::string(10 << 20, 'A') + "\r\n";
  const evidence ev = make_evidence(7, line);
  EXPECT_EQ(ev.event, 7);
  EXPECT_EQ(ev.excerpt, line.substr(0, max_excerpt));
  EXPECT_EQ(ev.length, line.size());
  EXPECT_EQ(ev.sha256, sha256_hex(line));
  EXPECT_TRUE(ev.cut());
}

TEST(Evidence, ShortBytesAreKeptWholeWithoutDigest) {
  const evidence ev = make_evidence(2, "MAIL FROM:<a@b>\r\n");
  EXPECT_EQ(ev.excerpt, "MAIL FROM:<a@b>\r\n");
  EXPECT_EQ(ev.length, 17u);
  EXPECT_TRUE(ev.sha256.empty());
  EXPECT_FALSE(ev.cut());
}

TEST(Evidence, MessagesAreBounded) {
  EXPECT_EQ(bounded_message("short"), "short");
  const std::string cut = bounded_message(std::string(5000, 'x'));
  EXPECT_EQ(cut.substr(0, max_message), std::string(max_message, 'x'));
  EXPECT_NE(cut.find("5000 bytes in all"), std::string::npos) << cut;
  EXPECT_LT(cut.size(), max_message + 40);
}

// A client that sends a 10 MB command line gets a verdict of a few hundred bytes: the rules
// quote it, never copy it (before, SMTP-LEN-CMD's message held the whole line).
TEST(Evidence, AHugeCommandLineGivesASmallVerdict) {
  const std::string line = std::string(10 << 20, 'A') + "\r\n";
  transcript_builder b;
  b.greet_ehlo({"PIPELINING"});
  b.client(line);
  const int sent = b.last();
  b.server("500 5.5.6 Line too long\r\n").client("QUIT\r\n").server("221 bye\r\n").client_close();
  const auto results = judge(rule_testing::rules_of("smtp"), {b.get()}, context{});

  const rule_result& len = result_of(results, "SMTP-LEN-CMD");
  ASSERT_EQ(len.result, outcome::fail);
  ASSERT_FALSE(len.evidence.empty());
  EXPECT_EQ(len.evidence.front().event, sent);
  EXPECT_EQ(len.evidence.front().length, line.size());
  EXPECT_EQ(len.evidence.front().sha256, sha256_hex(line));
  for (const auto& r : results) {
    EXPECT_LE(r.message.size(), max_message + 100) << r.rule->id;
    for (const auto& ev : r.evidence)
      EXPECT_LE(ev.excerpt.size(), max_excerpt) << r.rule->id;
  }
}

// --- judging a connection whose transcript was elided ------------------------------------

// Greeting, EHLO, a MAIL with a 100-octet local part (SMTP-LEN-CMD breaks at `mail`), then the
// recording stops (`cut`, the marking note) and a client close is past it.
struct elided_case {
  transcript t;
  int mail = -1;
  int cut = -1;
};

elided_case elided_smtp() {
  transcript_builder b;
  b.greet_ehlo({"PIPELINING"});
  b.client("MAIL FROM:<" + std::string(100, 'l') + "@client.example>\r\n");
  elided_case c;
  c.mail = b.last();
  b.server("250 ok\r\n");
  b.note("transcript limit reached");
  c.cut = b.last();
  b.client_close();  // a real recorder drops it; here it shows what a late finding becomes
  c.t = b.get();
  c.t.elided = elision{};
  c.t.elided->limit = 4096;
  c.t.elided->event = c.cut;
  return c;
}

TEST(ElidedTranscript, AFindingOnRecordedBytesStandsAndSaysWhereTheCutIs) {
  const elided_case c = elided_smtp();
  const auto results = judge(rule_testing::rules_of("smtp"), {c.t}, context{});
  const rule_result& len = result_of(results, "SMTP-LEN-CMD");
  ASSERT_EQ(len.result, outcome::fail);
  ASSERT_FALSE(len.evidence.empty());
  EXPECT_EQ(len.evidence.front().event, c.mail);
  EXPECT_NE(len.message.find("transcript cut at event " + std::to_string(c.cut)), std::string::npos)
      << len.message;
}

TEST(ElidedTranscript, AFindingPastTheCutIsNotApplicable) {
  elided_case c = elided_smtp();
  // Without the elision, closing without QUIT breaks SMTP-QUIT at the close event.
  transcript whole = c.t;
  whole.elided.reset();
  ASSERT_EQ(
      result_of(judge(rule_testing::rules_of("smtp"), {whole}, context{}), "SMTP-QUIT").result,
      outcome::fail);

  const auto results =
      judge(rule_testing::rules_of("smtp"), {c.t}, context{});  // quit refers into it
  const rule_result& quit = result_of(results, "SMTP-QUIT");
  EXPECT_EQ(quit.result, outcome::not_applicable);
  EXPECT_TRUE(quit.evidence.empty());
  EXPECT_NE(quit.message.find("past what was recorded"), std::string::npos) << quit.message;
}

TEST(ElidedTranscript, APassOnlyCoversWhatWasRecorded) {
  elided_case c = elided_smtp();
  transcript whole = c.t;
  whole.elided.reset();
  ASSERT_EQ(
      result_of(judge(rule_testing::rules_of("smtp"), {whole}, context{}), "SMTP-CRLF").result,
      outcome::pass);

  const auto results =
      judge(rule_testing::rules_of("smtp"), {c.t}, context{});  // crlf refers into it
  const rule_result& crlf = result_of(results, "SMTP-CRLF");
  EXPECT_EQ(crlf.result, outcome::not_applicable);
  EXPECT_NE(crlf.message.find("the rest unseen"), std::string::npos) << crlf.message;
}

}  // namespace
}  // namespace ph::harness::rules
