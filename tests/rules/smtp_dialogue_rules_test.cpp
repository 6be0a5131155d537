#include "harness/rules/smtp/smtp_rules.hpp"

#include <gtest/gtest.h>

#include "tests/rules/smtp_test_support.hpp"

namespace ph::harness::rules::smtp {
namespace {

using namespace test;

// A lock-step session without PIPELINING.
transcript_builder lockstep_session() {
  return session_with_content(
      "Date: Tue, 1 Jul 2025 10:00:00 +0000\r\nFrom: a@client.example\r\n\r\nhi\r\n");
}

TEST(SmtpGreetingWait, EhloBeforeGreetingFails) {
  transcript_builder b;
  b.client("EHLO client.example\r\n").server("220 mx\r\n250 mx\r\n");
  expect_fail(run("SMTP-GREETING-WAIT", b.get()), "SMTP-GREETING-WAIT", 0, level::should);
}

TEST(SmtpGreetingWait, EhloBeforeLastGreetingLineFails) {
  transcript_builder b;
  b.server("220-mx\r\n").client("EHLO client.example\r\n").server("220 ESMTP\r\n");
  expect_fail(run("SMTP-GREETING-WAIT", b.get()), "SMTP-GREETING-WAIT", 1, level::should);
}

TEST(SmtpGreetingWait, EhloAfter554GreetingFails) {
  transcript_builder b;
  b.server("554 go away\r\n").client("EHLO client.example\r\n").server("503 no\r\n");
  expect_fail(run("SMTP-GREETING-WAIT", b.get()), "SMTP-GREETING-WAIT", 1, level::should);
}

TEST(SmtpGreetingWait, WaitingPasses) {
  expect_pass(run("SMTP-GREETING-WAIT", clean_session().get()));
  transcript_builder b;
  b.server("554 go away\r\n").client("QUIT\r\n").server("221 bye\r\n").server_close();
  expect_pass(run("SMTP-GREETING-WAIT", b.get()));
}

TEST(SmtpLockstep, PipeliningWithoutTheExtensionFails) {
  transcript_builder b;
  b.greet_ehlo({"8BITMIME"});
  b.client("MAIL FROM:<a@client.example>\r\nRCPT TO:<b@server.example>\r\n");
  b.server("250 ok\r\n250 ok\r\n");
  const auto r = run("SMTP-LOCKSTEP", b.get());
  expect_fail(r, "SMTP-LOCKSTEP", 3);
  ASSERT_FALSE(r.evidence.empty());
  EXPECT_EQ(r.evidence.front().excerpt, "RCPT TO:<b@server.example>\r\n");
}

TEST(SmtpLockstep, CommandAfterDataBeforeItsReplyFails) {
  transcript_builder b = up_to_data();
  b.client("Subject: x\r\n\r\nhi\r\n.\r\nQUIT\r\n").server("250 queued\r\n221 bye\r\n");
  expect_fail(run("SMTP-LOCKSTEP", b.get()), "SMTP-LOCKSTEP", 9);
}

TEST(SmtpLockstep, WaitingForEachReplyPasses) {
  expect_pass(run("SMTP-LOCKSTEP", lockstep_session().get()));
}

TEST(SmtpLockstep, QuitAfterAReplyThatNeverCameIsNotBlamed) {
  transcript_builder b;
  b.greet_ehlo({}).client("MAIL FROM:<a@client.example>\r\n").note("stall").client("QUIT\r\n");
  b.client_close();
  expect_pass(run("SMTP-LOCKSTEP", b.get()));
}

TEST(SmtpLockstep, NotApplicableWithPipelining) {
  transcript_builder b;
  b.greet_ehlo({"PIPELINING"}).client("MAIL FROM:<a@client.example>\r\nRCPT TO:<b@x.example>\r\n");
  expect_na(run("SMTP-LOCKSTEP", b.get()));
}

TEST(SmtpPipeGroup, ContentInTheSameFlightAsDataFails) {
  transcript_builder b;
  b.greet_ehlo({"PIPELINING"});
  b.client("MAIL FROM:<a@client.example>\r\nRCPT TO:<b@server.example>\r\nDATA\r\nFrom: x\r\n");
  b.server("250 ok\r\n250 ok\r\n354 go\r\n");
  expect_fail(run("SMTP-PIPE-GROUP", b.get()), "SMTP-PIPE-GROUP", 3);
}

TEST(SmtpPipeGroup, EhloFollowedInItsGroupFails) {
  transcript_builder b;
  b.server("220 mx\r\n").client("EHLO client.example\r\n");
  b.server("250-mx\r\n250 PIPELINING\r\n").client("EHLO again.example\r\nNOOP\r\n");
  b.server("250-mx\r\n250 PIPELINING\r\n250 ok\r\n");
  expect_fail(run("SMTP-PIPE-GROUP", b.get()), "SMTP-PIPE-GROUP", 3);
}

// RFC 2920 §3.1: STARTTLS ends a group; what follows it in the same flight was written in
// the clear before the handshake (RFC 3207 §4.2's injection window).
TEST(SmtpPipeGroup, CommandAfterStarttlsInTheSameFlightFails) {
  transcript_builder b;
  b.greet_ehlo({"PIPELINING", "STARTTLS"}).client("STARTTLS\r\nEHLO x\r\n");
  b.server("220 ready\r\n").tls_start().tls_ready();
  const rule_result r = run("SMTP-PIPE-GROUP", b.get());
  expect_fail(r, "SMTP-PIPE-GROUP", 3);
  ASSERT_FALSE(r.evidence.empty());
  EXPECT_EQ(r.evidence.front().excerpt, "EHLO x\r\n");
}

TEST(SmtpPipeGroup, ProperGroupsPass) {
  expect_pass(run("SMTP-PIPE-GROUP", clean_session().get()));
}

// All recipients refused in a pipelined group, yet DATA got 354.
transcript_builder refused_but_354() {
  transcript_builder b;
  b.greet_ehlo({"PIPELINING"});
  b.client("MAIL FROM:<a@client.example>\r\nRCPT TO:<b@server.example>\r\nDATA\r\n");
  b.server("250 ok\r\n550 no such user\r\n354 go\r\n");
  return b;
}

TEST(SmtpPipeStatus, ContentAfterAllRecipientsRefusedWarns) {
  transcript_builder b = refused_but_354();
  b.client("Subject: x\r\n\r\nhi\r\n.\r\n").server("554 no recipients\r\n");
  expect_fail(run("SMTP-PIPE-STATUS", b.get()), "SMTP-PIPE-STATUS", 5, level::should);
}

TEST(SmtpPipeStatus, RsetInsideDataModeFails) {
  transcript_builder b = refused_but_354();
  b.client("RSET\r\n").client_close();
  expect_fail(run("SMTP-PIPE-STATUS", b.get()), "SMTP-PIPE-STATUS", 5);
}

TEST(SmtpPipeStatus, LoneDotPasses) {
  transcript_builder b = refused_but_354();
  b.client(".\r\n").server("554 no recipients\r\n").client("QUIT\r\n").server("221 bye\r\n");
  expect_pass(run("SMTP-PIPE-STATUS", b.get()));
}

TEST(SmtpEhloFirst, MailStraightAfterGreetingFails) {
  transcript_builder b;
  b.server("220 mx\r\n").client("MAIL FROM:<a@client.example>\r\n").server("503 ehlo first\r\n");
  expect_fail(run("SMTP-EHLO-FIRST", b.get()), "SMTP-EHLO-FIRST", 1);
}

TEST(SmtpEhloFirst, MailStraightAfterTlsFails) {
  transcript_builder b;
  b.greet_ehlo({"STARTTLS"}).client("STARTTLS\r\n").server("220 go\r\n").tls_start().tls_ready();
  b.client("MAIL FROM:<a@client.example>\r\n").server("503 ehlo first\r\n");
  expect_fail(run("SMTP-EHLO-FIRST", b.get()), "SMTP-EHLO-FIRST", 7);
}

TEST(SmtpEhloFirst, HeloWithoutTryingEhloWarns) {
  transcript_builder b;
  b.server("220 mx\r\n").client("HELO client.example\r\n").server("250 mx\r\n");
  b.client("MAIL FROM:<a@client.example>\r\n").server("250 ok\r\n");
  expect_fail(run("SMTP-EHLO-FIRST", b.get()), "SMTP-EHLO-FIRST", 1, level::should);
}

TEST(SmtpEhloFirst, EhloBeforeMailPasses) {
  expect_pass(run("SMTP-EHLO-FIRST", clean_session().get()));
}

TEST(SmtpHeloFallback, GivingUpAfter502Fails) {
  transcript_builder b;
  b.server("220 mx\r\n").client("EHLO client.example\r\n").server("502 not implemented\r\n");
  b.client("QUIT\r\n").server("221 bye\r\n");
  expect_fail(run("SMTP-HELO-FALLBACK", b.get()), "SMTP-HELO-FALLBACK", 3, level::should);
}

TEST(SmtpHeloFallback, ExtensionsAfterHeloFail) {
  transcript_builder b;
  b.server("220 mx\r\n").client("EHLO client.example\r\n").server("500 what\r\n");
  b.client("HELO client.example\r\n").server("250 mx\r\n");
  b.client("MAIL FROM:<a@client.example> SIZE=100\r\n").server("555 no params\r\n");
  expect_fail(run("SMTP-HELO-FALLBACK", b.get()), "SMTP-HELO-FALLBACK", 5, level::should);
}

TEST(SmtpHeloFallback, HeloRetryPasses) {
  transcript_builder b;
  b.server("220 mx\r\n").client("EHLO client.example\r\n").server("502 not implemented\r\n");
  b.client("HELO client.example\r\n").server("250 mx\r\n");
  b.client("MAIL FROM:<a@client.example>\r\n").server("250 ok\r\n");
  expect_pass(run("SMTP-HELO-FALLBACK", b.get()));
  expect_na(run("SMTP-HELO-FALLBACK", clean_session().get()));
}

TEST(SmtpOneTxn, SecondMailWithoutRsetFails) {
  transcript_builder b;
  b.greet_ehlo({}).client("MAIL FROM:<a@client.example>\r\n").server("250 ok\r\n");
  b.client("RCPT TO:<b@server.example>\r\n").server("450 try later\r\n");
  b.client("MAIL FROM:<a@client.example>\r\n").server("503 nested MAIL\r\n");
  expect_fail(run("SMTP-ONE-TXN", b.get()), "SMTP-ONE-TXN", 7);
}

TEST(SmtpOneTxn, RsetBetweenTransactionsPasses) {
  transcript_builder b;
  b.greet_ehlo({}).client("MAIL FROM:<a@client.example>\r\n").server("250 ok\r\n");
  b.client("RCPT TO:<b@server.example>\r\n").server("450 try later\r\n");
  b.client("RSET\r\n").server("250 ok\r\n");
  b.client("MAIL FROM:<a@client.example>\r\n").server("250 ok\r\n");
  expect_pass(run("SMTP-ONE-TXN", b.get()));
  expect_pass(run("SMTP-ONE-TXN", clean_session().get()));
}

TEST(SmtpQuit, ClosingWithoutQuitFails) {
  transcript_builder b = up_to_data();
  b.client("Subject: x\r\n\r\nhi\r\n.\r\n").server("250 queued\r\n").client_close();
  expect_fail(run("SMTP-QUIT", b.get()), "SMTP-QUIT", 11);
}

TEST(SmtpQuit, CommandAfterQuitFails) {
  transcript_builder b;
  b.greet_ehlo({}).client("QUIT\r\nNOOP\r\n").server("221 bye\r\n").server_close();
  expect_fail(run("SMTP-QUIT", b.get()), "SMTP-QUIT", 3);
}

TEST(SmtpQuit, QuitThenClosePasses) {
  expect_pass(run("SMTP-QUIT", clean_session().get()));
  transcript_builder b = lockstep_session();
  b.client_close();
  expect_pass(run("SMTP-QUIT", b.get()));
}

TEST(SmtpQuit, ServerEndingTheSessionIsNotApplicable) {
  transcript_builder closed_first;
  closed_first.greet_ehlo({}).server("421 shutting down\r\n").server_close();
  expect_na(run("SMTP-QUIT", closed_first.get()));
  transcript_builder after421;
  after421.greet_ehlo({}).client("MAIL FROM:<a@client.example>\r\n");
  after421.server("421 shutting down\r\n").client_close();
  expect_na(run("SMTP-QUIT", after421.get()));
  transcript_builder bad_greeting;
  bad_greeting.server("554 no\r\n").client("QUIT\r\n").server("221 bye\r\n").client_close();
  expect_na(run("SMTP-QUIT", bad_greeting.get()));
}

}  // namespace
}  // namespace ph::harness::rules::smtp
