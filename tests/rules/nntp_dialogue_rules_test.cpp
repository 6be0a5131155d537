#include "harness/rules/nntp/nntp_rules.hpp"

#include <gtest/gtest.h>

#include "tests/rules/nntp_test_support.hpp"

namespace ph::harness::rules::nntp {
namespace {

using namespace test;

// --- NNTP-GREETING ---------------------------------------------------------------------

TEST(NntpGreeting, CommandBeforeGreetingFails) {
  transcript_builder b;
  b.client("CAPABILITIES\r\n").server("200 ok\r\n101 caps\r\nVERSION 2\r\n.\r\n");
  expect_fail(run("NNTP-GREETING", b.get()), "NNTP-GREETING", 0);
}

TEST(NntpGreeting, CommandBeforeGreetingCrlfFails) {
  transcript_builder b;
  b.server("200 news ready").client("CAPABILITIES\r\n").server("\r\n");
  expect_fail(run("NNTP-GREETING", b.get()), "NNTP-GREETING", 1);
}

TEST(NntpGreeting, WaitingPasses) {
  expect_pass(run("NNTP-GREETING", clean_reader_session().get()));
}

// --- NNTP-NOPIPE -----------------------------------------------------------------------

TEST(NntpNopipe, PipelinedAuthinfoFails) {
  transcript_builder b;
  b.server("200 ok\r\n").client("AUTHINFO USER u\r\nAUTHINFO PASS p\r\n");
  b.server("381 more\r\n281 ok\r\n");
  const auto r = run("NNTP-NOPIPE", b.get());
  expect_fail(r, "NNTP-NOPIPE", 1);
  ASSERT_FALSE(r.evidence.empty());
  EXPECT_EQ(r.evidence.front().excerpt, "AUTHINFO PASS p\r\n");
}

TEST(NntpNopipe, ArticleWithPostFails) {
  transcript_builder b;
  b.server("200 ok\r\n").client("POST\r\n" + clean_article_wire() + ".\r\n");
  b.server("340 go\r\n240 ok\r\n");
  expect_fail(run("NNTP-NOPIPE", b.get()), "NNTP-NOPIPE", 1);
}

TEST(NntpNopipe, BytesAfterStarttlsFail) {
  transcript_builder b;
  b.server("200 ok\r\n").client("STARTTLS\r\nCAPABILITIES\r\n").server("382 go\r\n");
  b.tls_start().tls_ready();
  expect_fail(run("NNTP-NOPIPE", b.get()), "NNTP-NOPIPE", 1);
}

// The STARTTLS part runs on the cleartext / STARTTLS family: a command after a STARTTLS
// that was never answered is judged too, and a QUIT then is giving up.
TEST(NntpNopipe, CommandAfterUnansweredStarttlsFails) {
  transcript_builder b;
  b.server("200 ok\r\n").client("STARTTLS\r\nCAPABILITIES\r\n");
  const auto r = run("NNTP-NOPIPE", b.get());
  expect_fail(r, "NNTP-NOPIPE", 1);
  EXPECT_NE(r.message.find("STARTTLS must end a pipeline but CAPABILITIES followed"),
            std::string::npos);
  transcript_builder quit;
  quit.server("200 ok\r\n").client("STARTTLS\r\nQUIT\r\n");
  expect_pass(run("NNTP-NOPIPE", quit.get()));
}

TEST(NntpNopipe, PipelinedReadCommandsAreAllowed) {
  transcript_builder b;
  b.server("200 ok\r\n").client("GROUP misc.test\r\nARTICLE 1\r\n");
  b.server("211 1 1 1 misc.test\r\n220 1 <a@b.example>\r\nSubject: x\r\n\r\nb\r\n.\r\n");
  b.client("MODE READER\r\n").server("200 ok\r\n");
  expect_pass(run("NNTP-NOPIPE", b.get()));
  expect_pass(run("NNTP-NOPIPE", clean_reader_session().get()));
}

// --- NNTP-POST-340 ---------------------------------------------------------------------

TEST(NntpPost340, ArticleAfter480Fails) {
  transcript_builder b;
  b.server("200 ok\r\n").client("POST\r\n").server("480 authentication required\r\n");
  b.client(clean_article_wire() + ".\r\n");
  const auto r = run("NNTP-POST-340", b.get());
  expect_fail(r, "NNTP-POST-340", 3);
  EXPECT_NE(r.message.find("480"), std::string::npos);
}

TEST(NntpPost340, ArticleBefore340Fails) {
  transcript_builder b;
  b.server("200 ok\r\n").client("POST\r\n").client(clean_article_wire() + ".\r\n");
  b.server("340 go\r\n240 ok\r\n");
  expect_fail(run("NNTP-POST-340", b.get()), "NNTP-POST-340", 2);
}

TEST(NntpPost340, ArticleAfter340Passes) {
  expect_pass(run("NNTP-POST-340", clean_reader_session().get()));
  transcript_builder b;
  b.server("200 ok\r\n").client("POST\r\n").server("440 no posting\r\n").quit();
  expect_pass(run("NNTP-POST-340", b.get()));
}

// --- NNTP-IHAVE-335 --------------------------------------------------------------------

TEST(NntpIhave335, ArticleAfter435Fails) {
  transcript_builder b;
  b.server("200 ok\r\n").client("IHAVE <a@b.example>\r\n").server("435 not wanted\r\n");
  b.client("Path: x\r\nFrom: a@b.example\r\n\r\nbody\r\n.\r\n");
  expect_fail(run("NNTP-IHAVE-335", b.get()), "NNTP-IHAVE-335", 3);
}

TEST(NntpIhave335, NewsreaderUsingIhaveIsAShouldBreak) {
  transcript_builder b;
  b.server("200 ok\r\n").client("GROUP misc.test\r\n").server("211 1 1 1 misc.test\r\n");
  b.client("IHAVE <a@b.example>\r\n").server("335 send it\r\n");
  b.client("Path: x\r\nFrom: a@b.example\r\n\r\nbody\r\n.\r\n").server("235 ok\r\n");
  expect_fail(run("NNTP-IHAVE-335", b.get()), "NNTP-IHAVE-335", 3, level::should);
}

TEST(NntpIhave335, TransitIhavePasses) {
  transcript_builder b;
  b.server("200 ok\r\n").client("IHAVE <a@b.example>\r\n").server("335 send it\r\n");
  b.client("Path: x\r\nFrom: a@b.example\r\n\r\nbody\r\n.\r\n").server("235 ok\r\n").quit();
  expect_pass(run("NNTP-IHAVE-335", b.get()));
}

// --- NNTP-MODE-READER ------------------------------------------------------------------

TEST(NntpModeReader, AfterAuthenticationFails) {
  transcript_builder b;
  b.server("200 ok\r\n").client("AUTHINFO USER u\r\n").server("381 more\r\n");
  b.client("AUTHINFO PASS p\r\n").server("281 ok\r\n");
  b.client("MODE READER\r\n").server("502 no\r\n");
  expect_fail(run("NNTP-MODE-READER", b.get()), "NNTP-MODE-READER", 5);
}

TEST(NntpModeReader, TwiceFails) {
  transcript_builder b;
  b.server("200 ok\r\n").client("MODE READER\r\n").server("200 ok\r\n");
  b.client("MODE READER\r\n").server("200 ok\r\n");
  expect_fail(run("NNTP-MODE-READER", b.get()), "NNTP-MODE-READER", 3);
}

TEST(NntpModeReader, NotAdvertisedIsAShouldBreak) {
  transcript_builder b;
  b.greet_caps({"VERSION 2", "READER"}).client("MODE READER\r\n").server("200 ok\r\n");
  expect_fail(run("NNTP-MODE-READER", b.get()), "NNTP-MODE-READER", 3, level::should);
}

TEST(NntpModeReader, OnceWhenAdvertisedPasses) {
  expect_pass(run("NNTP-MODE-READER", clean_reader_session().get()));
}

// --- NNTP-CAPS -------------------------------------------------------------------------

TEST(NntpCaps, PostAfterStarttlsWithoutReReadingFails) {
  transcript_builder b;
  b.greet_caps({"VERSION 2", "READER", "POST", "STARTTLS"});
  b.client("STARTTLS\r\n").server("382 go\r\n").tls_start().tls_ready();
  b.client("POST\r\n").server("440 no\r\n");
  expect_fail(run("NNTP-CAPS", b.get()), "NNTP-CAPS", 7, level::should);
}

TEST(NntpCaps, PostOfferedOnlyBeforeTlsFails) {
  transcript_builder b;
  b.greet_caps({"VERSION 2", "READER", "POST", "STARTTLS"});
  b.client("STARTTLS\r\n").server("382 go\r\n").tls_start().tls_ready();
  b.client("CAPABILITIES\r\n").caps({"VERSION 2", "READER"});
  b.client("POST\r\n").server("440 no\r\n");
  expect_fail(run("NNTP-CAPS", b.get()), "NNTP-CAPS", 9);
}

TEST(NntpCaps, OverAfterModeReaderWithoutReReadingIsAShouldBreak) {
  transcript_builder b;
  b.greet_caps({"VERSION 2", "MODE-READER", "OVER"});
  b.client("MODE READER\r\n").server("200 ok\r\n");
  b.client("OVER 1-2\r\n").server("224 ok\r\n.\r\n");
  expect_fail(run("NNTP-CAPS", b.get()), "NNTP-CAPS", 5, level::should);
}

TEST(NntpCaps, ReReadingAfterEachChangePasses) {
  expect_pass(run("NNTP-CAPS", clean_reader_session().get()));
  transcript_builder b;
  b.greet_caps({"VERSION 2", "READER", "STARTTLS"});
  b.client("STARTTLS\r\n").server("382 go\r\n").tls_start().tls_ready();
  b.client("CAPABILITIES\r\n").caps({"VERSION 2", "READER", "AUTHINFO USER"});
  b.client("AUTHINFO USER u\r\n").server("381 more\r\n");
  expect_pass(run("NNTP-CAPS", b.get()));
}

// --- NNTP-EXT-ADVERTISED ---------------------------------------------------------------

TEST(NntpExtAdvertised, OverMsgidWithoutTheVariantFails) {
  transcript_builder b;
  b.greet_caps({"VERSION 2", "READER", "OVER"});
  b.client("OVER <a@b.example>\r\n").server("503 no\r\n");
  expect_fail(run("NNTP-EXT-ADVERTISED", b.get()), "NNTP-EXT-ADVERTISED", 3, level::should);
}

TEST(NntpExtAdvertised, XoverWhenOverIsAdvertisedFails) {
  transcript_builder b;
  b.greet_caps({"VERSION 2", "READER", "OVER"});
  b.client("XOVER 1-2\r\n").server("224 ok\r\n.\r\n");
  expect_fail(run("NNTP-EXT-ADVERTISED", b.get()), "NNTP-EXT-ADVERTISED", 3, level::should);
}

TEST(NntpExtAdvertised, AdvertisedCommandsPass) {
  transcript_builder b;
  b.greet_caps({"VERSION 2", "READER", "OVER MSGID"});
  b.client("OVER <a@b.example>\r\n").server("224 ok\r\n.\r\n");
  b.client("GROUP misc.test\r\n").server("211 1 1 1 misc.test\r\n");
  expect_pass(run("NNTP-EXT-ADVERTISED", b.get()));
}

// --- NNTP-STARTTLS ---------------------------------------------------------------------

TEST(NntpStarttls, SecondStarttlsInsideTlsFails) {
  transcript_builder b;
  b.server("200 ok\r\n").client("STARTTLS\r\n").server("382 go\r\n").tls_start().tls_ready();
  b.client("STARTTLS\r\n").server("502 already\r\n");
  expect_fail(run("NNTP-STARTTLS", b.get()), "NNTP-STARTTLS", 5);
}

TEST(NntpStarttls, AfterAuthenticationFails) {
  transcript_builder b;
  b.server("200 ok\r\n").client("AUTHINFO USER u\r\n").server("281 ok\r\n");
  b.client("STARTTLS\r\n").server("502 no\r\n");
  expect_fail(run("NNTP-STARTTLS", b.get()), "NNTP-STARTTLS", 3);
}

TEST(NntpStarttls, PlaintextInsteadOfHandshakeFails) {
  transcript_builder b;
  b.server("200 ok\r\n").client("STARTTLS\r\n").server("382 go\r\n").tls_start();
  b.client("CAPABILITIES\r\n").tls_failed();
  expect_fail(run("NNTP-STARTTLS", b.get()), "NNTP-STARTTLS", 4);
}

TEST(NntpStarttls, OnceBeforeAuthPasses) {
  transcript_builder b;
  b.server("200 ok\r\n").client("STARTTLS\r\n").server("382 go\r\n").tls_start().tls_ready();
  b.client("CAPABILITIES\r\n").caps({"VERSION 2"}).quit();
  expect_pass(run("NNTP-STARTTLS", b.get()));
}

// --- NNTP-AUTH-SEQ / NNTP-AUTH-ONCE / NNTP-AUTH-CLEAR ----------------------------------

TEST(NntpAuthSeq, PassFirstFails) {
  transcript_builder b;
  b.server("200 ok\r\n").client("AUTHINFO PASS p\r\n").server("482 no\r\n");
  expect_fail(run("NNTP-AUTH-SEQ", b.get()), "NNTP-AUTH-SEQ", 1);
}

TEST(NntpAuthSeq, PassAfter281Fails) {
  transcript_builder b;
  b.server("200 ok\r\n").client("AUTHINFO USER u\r\n").server("281 ok\r\n");
  b.client("AUTHINFO PASS p\r\n").server("502 no\r\n");
  expect_fail(run("NNTP-AUTH-SEQ", b.get()), "NNTP-AUTH-SEQ", 3);
}

TEST(NntpAuthSeq, UserThen381ThenPassPasses) {
  transcript_builder b;
  b.server("200 ok\r\n").client("AUTHINFO USER u\r\n").server("381 more\r\n");
  b.client("AUTHINFO PASS p\r\n").server("281 ok\r\n").quit();
  expect_pass(run("NNTP-AUTH-SEQ", b.get()));
  expect_pass(run("NNTP-AUTH-ONCE", b.get()));
}

TEST(NntpAuthOnce, ReAuthenticatingFails) {
  transcript_builder b;
  b.server("200 ok\r\n").client("AUTHINFO USER u\r\n").server("381 more\r\n");
  b.client("AUTHINFO PASS p\r\n").server("281 ok\r\n");
  b.client("AUTHINFO USER v\r\n").server("502 no\r\n");
  expect_fail(run("NNTP-AUTH-ONCE", b.get()), "NNTP-AUTH-ONCE", 5, level::should);
}

TEST(NntpAuthClear, PassInClearWhenStarttlsOfferedFails) {
  transcript_builder b;
  b.greet_caps({"VERSION 2", "READER", "STARTTLS", "AUTHINFO USER"});
  b.client("AUTHINFO USER u\r\n").server("381 more\r\n");
  b.client("AUTHINFO PASS secret\r\n").server("281 ok\r\n");
  const auto r = run("NNTP-AUTH-CLEAR", b.get());
  expect_fail(r, "NNTP-AUTH-CLEAR", 5, level::should);
  ASSERT_FALSE(r.evidence.empty());
  EXPECT_EQ(r.evidence.front().excerpt.find("secret"), std::string::npos);
}

// RFC 4643 §2.3.2 is judged where STARTTLS was offered, not where it was refused.
TEST(NntpAuthClear, PassAfterRefusedStarttlsWithoutOfferPasses) {
  transcript_builder b;
  b.server("200 ok\r\n").client("STARTTLS\r\n").server("502 no\r\n");
  b.client("AUTHINFO USER u\r\n").server("381 more\r\n");
  b.client("AUTHINFO PASS p\r\n").server("281 ok\r\n");
  expect_pass(run("NNTP-AUTH-CLEAR", b.get()));
}

TEST(NntpAuthClear, PassInsideTlsPasses) {
  transcript_builder b;
  b.greet_caps({"VERSION 2", "READER", "STARTTLS"});
  b.client("STARTTLS\r\n").server("382 go\r\n").tls_start().tls_ready();
  b.client("CAPABILITIES\r\n").caps({"VERSION 2", "READER", "AUTHINFO USER"});
  b.client("AUTHINFO USER u\r\n").server("381 more\r\n");
  b.client("AUTHINFO PASS p\r\n").server("281 ok\r\n");
  expect_pass(run("NNTP-AUTH-CLEAR", b.get()));
}

// --- NNTP-QUIT -------------------------------------------------------------------------

TEST(NntpQuit, CloseWithoutQuitFails) {
  transcript_builder b;
  b.server("200 ok\r\n").client("DATE\r\n").server("111 20250701100000\r\n").client_close();
  expect_fail(run("NNTP-QUIT", b.get()), "NNTP-QUIT", 3, level::should);
}

TEST(NntpQuit, ServerEndedSessionsAreNotBlamed) {
  transcript_builder b;
  b.server("400 service discontinued\r\n").client_close();
  expect_pass(run("NNTP-QUIT", b.get()));
  transcript_builder c;
  c.server("200 ok\r\n").client("DATE\r\n").server_close();
  expect_pass(run("NNTP-QUIT", c.get()));
}

TEST(NntpQuit, QuitPasses) {
  expect_pass(run("NNTP-QUIT", clean_reader_session().get()));
}

}  // namespace
}  // namespace ph::harness::rules::nntp
