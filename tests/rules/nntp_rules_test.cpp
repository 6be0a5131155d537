#include "harness/rules/nntp/nntp_rules.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "tests/rules/nntp_test_support.hpp"
#include "tests/rules/rule_test_support.hpp"

namespace ph::harness::rules::nntp {
namespace {

using namespace test;

TEST(NntpRules, CatalogueHasUniqueIdsSectionsAndSummaries) {
  std::set<std::string> ids;
  ASSERT_GE(rules().size(), 15u);
  for (const rule* r : rules()) {
    const rule_info& i = r->info();
    EXPECT_TRUE(ids.insert(i.id).second) << i.id;
    EXPECT_EQ(i.id.rfind("NNTP-", 0), 0u);
    EXPECT_EQ(i.protocol, "nntp");
    EXPECT_NE(i.rfc.find("RFC "), std::string::npos) << i.id;
    EXPECT_FALSE(i.summary.empty()) << i.id;
    EXPECT_FALSE(i.level_text.empty()) << i.id;
  }
  EXPECT_EQ(rule_testing::rules_of("nntp").size(), rules().size());
}

TEST(NntpRules, CleanReaderSessionHasNoFailure) {
  const transcript t = clean_reader_session().get();
  for (const rule* r : rules()) {
    const rule_result res = r->check(t, {});
    EXPECT_NE(res.result, outcome::fail) << r->info().id << " " << describe(res);
  }
  for (std::string_view id :
       {"NNTP-CRLF", "NNTP-GREETING", "NNTP-NOPIPE", "NNTP-POST-340", "NNTP-DATA-BLOCK",
        "NNTP-ARTICLE-SHAPE", "NNTP-POST-HEADERS", "NNTP-NEWSGROUPS", "NNTP-MODE-READER",
        "NNTP-CAPS", "NNTP-EXT-ADVERTISED", "NNTP-MSGID", "NNTP-QUIT"})
    expect_pass(run(id, t));
}

// nntplib without reader mode: CAPABILITIES first, no MODE READER, then LIST and QUIT.
TEST(NntpRules, NntplibStyleSessionHasNoFailure) {
  transcript_builder b;
  b.greet_caps({"VERSION 2", "READER", "LIST ACTIVE NEWSGROUPS"});
  b.client("LIST ACTIVE\r\n").server("215 list follows\r\nmisc.test 3 1 y\r\n.\r\n");
  b.client("DATE\r\n").server("111 20250701100000\r\n");
  b.quit();
  for (const rule* r : rules())
    EXPECT_NE(r->check(b.get(), {}).result, outcome::fail) << r->info().id;
}

// --- NNTP-CRLF -------------------------------------------------------------------------

TEST(NntpCrlf, BareLfFails) {
  transcript_builder b;
  b.server("200 ok\r\n").client("GROUP misc.test\nARTICLE 1\r\n").server("211 1 1 1 misc\r\n");
  expect_fail(run("NNTP-CRLF", b.get()), "NNTP-CRLF", 1);
}

TEST(NntpCrlf, UnterminatedLastLineBeforeCloseFails) {
  transcript_builder b;
  b.server("200 ok\r\n").client("QUIT").client_close();
  expect_fail(run("NNTP-CRLF", b.get()), "NNTP-CRLF", 1);
}

TEST(NntpCrlf, CrlfLinesPass) {
  expect_pass(run("NNTP-CRLF", clean_reader_session().get()));
}

// --- NNTP-CMD-LEN ----------------------------------------------------------------------

TEST(NntpCmdLen, LongLineFails) {
  transcript_builder b;
  b.server("200 ok\r\n").client("XPAT Subject 1- " + std::string(600, 'a') + "\r\n");
  expect_fail(run("NNTP-CMD-LEN", b.get()), "NNTP-CMD-LEN", 1);
}

TEST(NntpCmdLen, LineOf512OctetsPasses) {
  transcript_builder b;
  b.server("200 ok\r\n").client("XPAT Subject 1- " + std::string(494, 'p') + "\r\n");
  expect_pass(run("NNTP-CMD-LEN", b.get()));
}

// --- NNTP-CMD-SYNTAX -------------------------------------------------------------------

TEST(NntpCmdSyntax, ControlCharacterInArgumentFails) {
  transcript_builder b;
  b.server("200 ok\r\n").client("GROUP misc\x01test\r\n");
  expect_fail(run("NNTP-CMD-SYNTAX", b.get()), "NNTP-CMD-SYNTAX", 1);
}

TEST(NntpCmdSyntax, ByteOrderMarkFails) {
  transcript_builder b;
  b.server("200 ok\r\n")
      .client(
          "\xEF\xBB\xBF"
          "CAPABILITIES\r\n");
  expect_fail(run("NNTP-CMD-SYNTAX", b.get()), "NNTP-CMD-SYNTAX", 1);
}

TEST(NntpCmdSyntax, Utf8ArgumentIsOnlyAShouldBreak) {
  transcript_builder b;
  b.server("200 ok\r\n")
      .client(
          "GROUP gr\xC3\xBC"
          "n.test\r\n");
  expect_fail(run("NNTP-CMD-SYNTAX", b.get()), "NNTP-CMD-SYNTAX", 1, level::should);
}

TEST(NntpCmdSyntax, TabSeparatorsAndAsciiPass) {
  transcript_builder b;
  b.server("200 ok\r\n").client("GROUP\tmisc.test\r\n").server("211 1 1 1 misc.test\r\n");
  expect_pass(run("NNTP-CMD-SYNTAX", b.get()));
}

// --- NNTP-MSGID ------------------------------------------------------------------------

TEST(NntpMsgid, BareIdWithoutBracketsFails) {
  transcript_builder b;
  b.server("200 ok\r\n").client("STAT 1234@host.example\r\n").server("430 no\r\n");
  expect_fail(run("NNTP-MSGID", b.get()), "NNTP-MSGID", 1);
}

TEST(NntpMsgid, SpaceInsideMessageIdHeaderFails) {
  const auto b = session_posting(
      "From: a@b.example\r\nNewsgroups: misc.test\r\nSubject: x\r\n"
      "Message-ID: <a b@c.example>\r\n\r\nbody\r\n");
  expect_fail(run("NNTP-MSGID", b.get()), "NNTP-MSGID", 5);
}

TEST(NntpMsgid, WellFormedIdsAndRangesPass) {
  transcript_builder b;
  b.server("200 ok\r\n").client("STAT <a1@x.example>\r\n").server("223 0 <a1@x.example>\r\n");
  b.client("OVER 3-\r\n").server("224 ok\r\n.\r\n");
  expect_pass(run("NNTP-MSGID", b.get()));
}

// --- NNTP-DATES ------------------------------------------------------------------------

TEST(NntpDates, TwoDigitYearFails) {
  transcript_builder b;
  b.server("200 ok\r\n").client("NEWGROUPS 240101 000000\r\n").server("231 list\r\n.\r\n");
  expect_fail(run("NNTP-DATES", b.get()), "NNTP-DATES", 1, level::should);
}

TEST(NntpDates, FourDigitYearPasses) {
  transcript_builder b;
  b.server("200 ok\r\n").client("NEWNEWS misc.* 20240101 000000 GMT\r\n");
  b.server("230 list\r\n.\r\n");
  expect_pass(run("NNTP-DATES", b.get()));
}

// --- NNTP-DATA-BLOCK -------------------------------------------------------------------

TEST(NntpDataBlock, UnstuffedDotLineFails) {
  const auto b = session_posting(
      "From: a@b.example\r\nNewsgroups: misc.test\r\nSubject: x\r\n\r\n.hidden\r\n");
  expect_fail(run("NNTP-DATA-BLOCK", b.get()), "NNTP-DATA-BLOCK", 5);
}

TEST(NntpDataBlock, NulFails) {
  using namespace std::string_literals;
  auto b = up_to_article();
  b.client("Subject: x\r\n\r\nnul\0here\r\n.\r\n"s);
  expect_fail(run("NNTP-DATA-BLOCK", b.get()), "NNTP-DATA-BLOCK", 5);
}

TEST(NntpDataBlock, BareLfFails) {
  auto b = up_to_article();
  b.client("Subject: x\r\n\r\nbare\nlf\r\n.\r\n");
  expect_fail(run("NNTP-DATA-BLOCK", b.get()), "NNTP-DATA-BLOCK", 5);
}

TEST(NntpDataBlock, ArticleNeverTerminatedFails) {
  auto b = up_to_article();
  b.client("From: a@b.example\r\n\r\nbody\r\n").client_close();
  expect_fail(run("NNTP-DATA-BLOCK", b.get()), "NNTP-DATA-BLOCK", 5);
}

TEST(NntpDataBlock, StuffedArticlePasses) {
  expect_pass(run("NNTP-DATA-BLOCK", session_posting(clean_article_wire()).get()));
}

// --- NNTP-ARTICLE-SHAPE ----------------------------------------------------------------

TEST(NntpArticleShape, NoSpaceAfterColonFails) {
  const auto b = session_posting("From: a@b.example\r\nSubject:hello\r\n\r\nbody\r\n");
  expect_fail(run("NNTP-ARTICLE-SHAPE", b.get()), "NNTP-ARTICLE-SHAPE", 5);
}

TEST(NntpArticleShape, MissingEmptyLineFails) {
  const auto b = session_posting("From: a@b.example\r\nSubject: hello\r\nbody text\r\n");
  expect_fail(run("NNTP-ARTICLE-SHAPE", b.get()), "NNTP-ARTICLE-SHAPE", 5);
}

TEST(NntpArticleShape, WhitespaceOnlyFoldFails) {
  const auto b = session_posting("From: a@b.example\r\nSubject: hi\r\n   \r\n\r\nbody\r\n");
  expect_fail(run("NNTP-ARTICLE-SHAPE", b.get()), "NNTP-ARTICLE-SHAPE", 5);
}

TEST(NntpArticleShape, EmptyHeaderIsAShouldBreak) {
  const auto b = session_posting("From: a@b.example\r\nKeywords: \r\n\r\nbody\r\n");
  expect_fail(run("NNTP-ARTICLE-SHAPE", b.get()), "NNTP-ARTICLE-SHAPE", 5, level::should);
}

TEST(NntpArticleShape, FoldedHeadersPass) {
  const auto b = session_posting(
      "From: a@b.example\r\nSubject: a long\r\n subject\r\nNewsgroups: misc.test\r\n\r\nx\r\n");
  expect_pass(run("NNTP-ARTICLE-SHAPE", b.get()));
}

// --- NNTP-POST-HEADERS -----------------------------------------------------------------

TEST(NntpPostHeaders, MissingNewsgroupsFails) {
  const auto b = session_posting("From: a@b.example\r\nSubject: x\r\n\r\nbody\r\n");
  const auto r = run("NNTP-POST-HEADERS", b.get());
  expect_fail(r, "NNTP-POST-HEADERS", 5);
  EXPECT_NE(r.message.find("Newsgroups"), std::string::npos);
}

TEST(NntpPostHeaders, BadDateFails) {
  const auto b = session_posting(
      "From: a@b.example\r\nNewsgroups: misc.test\r\nSubject: x\r\nDate: yesterday\r\n\r\nb\r\n");
  expect_fail(run("NNTP-POST-HEADERS", b.get()), "NNTP-POST-HEADERS", 5);
}

TEST(NntpPostHeaders, CompleteArticlePasses) {
  expect_pass(run("NNTP-POST-HEADERS", session_posting(clean_article_wire()).get()));
}

// --- NNTP-NEWSGROUPS -------------------------------------------------------------------

TEST(NntpNewsgroups, EmptyNameFails) {
  const auto b = session_posting(
      "From: a@b.example\r\nNewsgroups: comp.lang.c,,alt.test\r\nSubject: x\r\n\r\nb\r\n");
  expect_fail(run("NNTP-NEWSGROUPS", b.get()), "NNTP-NEWSGROUPS", 5);
}

TEST(NntpNewsgroups, LeadingDotFails) {
  const auto b =
      session_posting("From: a@b.example\r\nNewsgroups: .misc\r\nSubject: x\r\n\r\nb\r\n");
  expect_fail(run("NNTP-NEWSGROUPS", b.get()), "NNTP-NEWSGROUPS", 5);
}

TEST(NntpNewsgroups, ListWithSpacesAfterCommasPasses) {
  const auto b = session_posting(
      "From: a@b.example\r\nNewsgroups: comp.lang.c++, alt.test\r\nSubject: x\r\n\r\nb\r\n");
  expect_pass(run("NNTP-NEWSGROUPS", b.get()));
}

}  // namespace
}  // namespace ph::harness::rules::nntp
