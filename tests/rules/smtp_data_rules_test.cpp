#include "harness/rules/smtp/smtp_rules.hpp"

#include <gtest/gtest.h>

#include "tests/rules/smtp_test_support.hpp"

namespace ph::harness::rules::smtp {
namespace {

using namespace test;

TEST(SmtpCrlf, BareLfInCommandFails) {
  transcript_builder b;
  b.server("220 mx ESMTP\r\n").client("EHLO client.example\n").server_close();
  expect_fail(run("SMTP-CRLF", b.get()), "SMTP-CRLF", 1);
}

TEST(SmtpCrlf, BareCrInContentFailsAcrossSplitReads) {
  transcript_builder b = up_to_data();
  b.client("Subject: x\r\n\r\nRegards\r").client("more\r\n.\r\n");
  finish(b);
  expect_fail(run("SMTP-CRLF", b.get()), "SMTP-CRLF", 9);
}

TEST(SmtpCrlf, CrlfSplitBetweenReadsPasses) {
  transcript_builder b;
  b.server("220 mx\r\n").client("QUIT\r").client("\n").server("221 bye\r\n").server_close();
  expect_pass(run("SMTP-CRLF", b.get()));
  expect_pass(run("SMTP-CRLF", clean_session().get()));
}

// RFC 3207 §4: after 220 to STARTTLS a ClientHello must follow; a client that carries on in
// plaintext instead is still held to RFC 5321 §2.3.8 for those bytes.
TEST(SmtpCrlf, BareLfOrCrInPlaintextInsteadOfAClientHelloFails) {
  transcript_builder b;
  b.greet_ehlo({"STARTTLS"}).client("STARTTLS\r\n").server("220 ready\r\n").tls_start();
  b.client("EHLO x\n").tls_failed().server_close();
  const rule_result r = run("SMTP-CRLF", b.get());
  expect_fail(r, "SMTP-CRLF", 6);
  ASSERT_FALSE(r.evidence.empty());
  EXPECT_EQ(r.evidence.front().excerpt, "EHLO x\n");
  transcript_builder cr;
  cr.greet_ehlo({"STARTTLS"}).client("STARTTLS\r\n").server("220 ready\r\n").tls_start();
  cr.client("EHLO x\rQUIT\r\n").tls_failed().server_close();
  const rule_result rc = run("SMTP-CRLF", cr.get());
  expect_fail(rc, "SMTP-CRLF", 6);
  EXPECT_EQ(rc.message.rfind("bare CR", 0), 0u) << describe(rc);
  transcript_builder ok;
  ok.greet_ehlo({"STARTTLS"}).client("STARTTLS\r\n").server("220 ready\r\n").tls_start();
  ok.client("EHLO x\r\n").tls_failed().server_close();
  expect_pass(run("SMTP-CRLF", ok.get()));
}

TEST(SmtpDataSmuggle, BareLfDotInContentFails) {
  const auto b =
      session_with_content("Subject: x\r\n\r\nhi\n.\r\nMAIL FROM:<ceo@bank.example>\r\n");
  expect_fail(run("SMTP-DATA-SMUGGLE", b.get()), "SMTP-DATA-SMUGGLE", 9);
}

TEST(SmtpDataSmuggle, CleanContentPasses) {
  expect_pass(run("SMTP-DATA-SMUGGLE", clean_session().get()));
}

TEST(SmtpDotStuff, UnstuffedLeadingDotFails) {
  transcript_builder b = up_to_data();
  b.client("Subject: x\r\n\r\n").client(".hidden\r\n.\r\n");
  finish(b);
  const auto r = run("SMTP-DOT-STUFF", b.get());
  expect_fail(r, "SMTP-DOT-STUFF", 10);
  ASSERT_FALSE(r.evidence.empty());
  EXPECT_EQ(r.evidence.front().excerpt, ".hidden");
}

TEST(SmtpDotStuff, StuffedDotsPass) {
  expect_pass(run("SMTP-DOT-STUFF", clean_session().get()));
}

TEST(SmtpDotStuff, OracleSeesAnUnderStuffedDoubleDot) {
  scenario scen;
  client_step step;
  step.op = "sendmail";
  step.args = {{"message", "Subject: x\r\n\r\n..two dots\r\n"}};
  scen.client.push_back(step);
  const auto wrong = session_with_content("Subject: x\r\n\r\n..two dots\r\n");
  const auto right = session_with_content("Subject: x\r\n\r\n...two dots\r\n");
  EXPECT_EQ(run("SMTP-DOT-STUFF", wrong.get(), context{&scen}).result, outcome::fail);
  expect_pass(run("SMTP-DOT-STUFF", right.get(), context{&scen}));
  expect_pass(run("SMTP-DOT-STUFF", wrong.get()));  // without the oracle it looks fine
}

TEST(SmtpDotStuff, OracleSeesALoneDotThatEndedTheMessage) {
  scenario scen;
  client_step step;
  step.op = "data";
  step.args = {{"message", "Subject: x\r\n\r\n.\r\nRSET\r\n"}};
  scen.client.push_back(step);
  transcript_builder b = up_to_data();
  b.client("Subject: x\r\n\r\n.\r\nRSET\r\n.\r\n").server("250 queued\r\n250 ok\r\n500 what\r\n");
  const auto r = run("SMTP-DOT-STUFF", b.get(), context{&scen});
  expect_fail(r, "SMTP-DOT-STUFF", 9);
}

TEST(SmtpDataEnd, MissingCrlfBeforeDotFails) {
  transcript_builder b = up_to_data();
  b.client("Subject: x\r\n\r\nRegards.\r\n").server("421 timeout\r\n").server_close();
  expect_fail(run("SMTP-DATA-END", b.get()), "SMTP-DATA-END", 9);
}

TEST(SmtpDataEnd, ClientClosingInsideDataFails) {
  transcript_builder b = up_to_data();
  b.client("Subject: x\r\n\r\nhalf a mess").client_close();
  expect_fail(run("SMTP-DATA-END", b.get()), "SMTP-DATA-END", 9);
}

TEST(SmtpDataEnd, ProperTerminatorPasses) {
  expect_pass(run("SMTP-DATA-END", clean_session().get()));
}

TEST(SmtpDataEnd, ServerCuttingDataShortIsNotApplicable) {
  transcript_builder b = up_to_data();
  b.client("Subject: x\r\n\r\nhalf").server_close();
  expect_na(run("SMTP-DATA-END", b.get()));
}

TEST(SmtpData354, ContentBefore354Fails) {
  transcript_builder b;
  b.greet_ehlo({}).client("MAIL FROM:<a@client.example>\r\n").server("250 ok\r\n");
  b.client("RCPT TO:<b@server.example>\r\n").server("250 ok\r\n");
  b.client("DATA\r\nSubject: x\r\n\r\nhi\r\n.\r\n").server("354 go\r\n250 ok\r\n");
  expect_fail(run("SMTP-DATA-354", b.get()), "SMTP-DATA-354", 7);
}

TEST(SmtpData354, ContentAfterRejectedDataFails) {
  transcript_builder b;
  b.greet_ehlo({}).client("MAIL FROM:<a@client.example>\r\n").server("250 ok\r\n");
  b.client("RCPT TO:<b@server.example>\r\n").server("550 no\r\n");
  b.client("DATA\r\n").server("554 no valid recipients\r\n").client("Subject: x\r\n");
  expect_fail(run("SMTP-DATA-354", b.get()), "SMTP-DATA-354", 9);
}

TEST(SmtpData354, ContentAfter354Passes) {
  expect_pass(run("SMTP-DATA-354", clean_session().get()));
  transcript_builder b;
  b.greet_ehlo({}).client("MAIL FROM:<a@client.example>\r\n").server("250 ok\r\n");
  b.client("RCPT TO:<b@server.example>\r\n").server("550 no\r\n");
  b.client("DATA\r\n").server("554 no valid recipients\r\n").client("RSET\r\n");
  expect_pass(run("SMTP-DATA-354", b.get()));
}

}  // namespace
}  // namespace ph::harness::rules::smtp
