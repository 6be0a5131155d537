#include "harness/rules/smtp/smtp_rules.hpp"

#include <gtest/gtest.h>

#include <string>

#include "tests/rules/smtp_test_support.hpp"

namespace ph::harness::rules::smtp {
namespace {

using namespace test;

// Greeting, EHLO offering STARTTLS, STARTTLS answered 220, a completed handshake: events 0-6.
transcript_builder after_handshake(const std::vector<std::string>& pre = {"STARTTLS",
                                                                          "AUTH PLAIN"}) {
  transcript_builder b;
  b.greet_ehlo(pre).client("STARTTLS\r\n").server("220 go\r\n").tls_start().tls_ready();
  return b;
}

TEST(SmtpStarttlsHandshake, CommandPipelinedAfterStarttlsFails) {
  transcript_builder b;
  b.greet_ehlo({"STARTTLS"}).client("STARTTLS\r\nEHLO client.example\r\n");
  b.server("220 go\r\n").tls_start().tls_ready();
  expect_fail(run("SMTP-STARTTLS-HANDSHAKE", b.get()), "SMTP-STARTTLS-HANDSHAKE", 3);
}

TEST(SmtpStarttlsHandshake, PlaintextAfter220Fails) {
  transcript_builder b;
  b.greet_ehlo({"STARTTLS"}).client("STARTTLS\r\n").server("220 go\r\n").tls_start();
  b.client("EHLO client.example\r\n").tls_failed().server_close();
  expect_fail(run("SMTP-STARTTLS-HANDSHAKE", b.get()), "SMTP-STARTTLS-HANDSHAKE", 6);
}

TEST(SmtpStarttlsHandshake, CleanHandshakePasses) {
  expect_pass(run("SMTP-STARTTLS-HANDSHAKE", clean_session().get()));
}

TEST(SmtpStarttlsReset, PreTlsMechanismUsedAfterTlsFails) {
  transcript_builder b = after_handshake({"STARTTLS", "AUTH PLAIN LOGIN"});
  b.client("EHLO client.example\r\n").ehlo_reply({"AUTH LOGIN"});
  b.client("AUTH PLAIN AGFsaWNlAHNlY3JldA==\r\n").server("504 unknown mechanism\r\n");
  expect_fail(run("SMTP-STARTTLS-RESET", b.get()), "SMTP-STARTTLS-RESET", 9);
}

TEST(SmtpStarttlsReset, ActingOnInjectedRepliesFails) {
  transcript_builder b;
  b.greet_ehlo({"STARTTLS"}).client("STARTTLS\r\n").server("220 go\r\n250 injected\r\n");
  b.tls_start().tls_ready().client("EHLO client.example\r\nMAIL FROM:<a@client.example>\r\n");
  b.server("250 mx\r\n503 no\r\n");
  expect_fail(run("SMTP-STARTTLS-RESET", b.get()), "SMTP-STARTTLS-RESET", 7);
}

TEST(SmtpStarttlsReset, NoEhloFirstWarns) {
  transcript_builder b = after_handshake();
  b.client("NOOP\r\n").server("250 ok\r\n");
  expect_fail(run("SMTP-STARTTLS-RESET", b.get()), "SMTP-STARTTLS-RESET", 7, level::should);
}

TEST(SmtpStarttlsReset, FreshEhloPasses) {
  expect_pass(run("SMTP-STARTTLS-RESET", clean_session().get()));
}

TEST(SmtpStarttlsOnce, SecondStarttlsFails) {
  transcript_builder b = after_handshake();
  b.client("EHLO client.example\r\n").ehlo_reply({"STARTTLS"});
  b.client("STARTTLS\r\n").server("503 already\r\n");
  expect_fail(run("SMTP-STARTTLS-ONCE", b.get()), "SMTP-STARTTLS-ONCE", 9);
}

TEST(SmtpStarttlsOnce, UnadvertisedStarttlsWarns) {
  transcript_builder b;
  b.greet_ehlo({"8BITMIME"}).client("STARTTLS\r\n").server("502 no\r\n");
  expect_fail(run("SMTP-STARTTLS-ONCE", b.get()), "SMTP-STARTTLS-ONCE", 3, level::should);
}

TEST(SmtpStarttlsOnce, SingleAdvertisedStarttlsPasses) {
  expect_pass(run("SMTP-STARTTLS-ONCE", clean_session().get()));
}

TEST(SmtpAuthState, UnlistedMechanismWarns) {
  transcript_builder b;
  b.greet_ehlo({"AUTH PLAIN XOAUTH2"}).client("AUTH LOGIN\r\n").server("504 no\r\n");
  expect_fail(run("SMTP-AUTH-STATE", b.get()), "SMTP-AUTH-STATE", 3, level::should);
}

TEST(SmtpAuthState, AuthInsideTransactionWarns) {
  transcript_builder b;
  b.greet_ehlo({"AUTH PLAIN"}).client("MAIL FROM:<a@client.example>\r\n").server("250 ok\r\n");
  b.client("AUTH PLAIN AGFsaWNlAHNlY3JldA==\r\n").server("503 no\r\n");
  expect_fail(run("SMTP-AUTH-STATE", b.get()), "SMTP-AUTH-STATE", 5, level::should);
}

TEST(SmtpAuthState, AuthAfterSuccessWarns) {
  transcript_builder b;
  b.greet_ehlo({"AUTH PLAIN"}).client("AUTH PLAIN AGFsaWNlAHNlY3JldA==\r\n").server("235 ok\r\n");
  b.client("AUTH PLAIN AGFsaWNlAHNlY3JldA==\r\n").server("503 no\r\n");
  expect_fail(run("SMTP-AUTH-STATE", b.get()), "SMTP-AUTH-STATE", 5, level::should);
}

TEST(SmtpAuthState, AdvertisedAuthPasses) {
  expect_pass(run("SMTP-AUTH-STATE", clean_session().get()));
}

TEST(SmtpAuthIr, EmptyInitialResponseFails) {
  transcript_builder b;
  b.greet_ehlo({"AUTH EXTERNAL"}).client("AUTH EXTERNAL \r\n").server("501 syntax\r\n");
  expect_fail(run("SMTP-AUTH-IR", b.get()), "SMTP-AUTH-IR", 3);
}

TEST(SmtpAuthIr, OverlongAuthLineFails) {
  transcript_builder b;
  b.greet_ehlo({"AUTH XOAUTH2"}).client("AUTH XOAUTH2 " + std::string(1500, 'A') + "\r\n");
  b.server("500 too long\r\n");
  expect_fail(run("SMTP-AUTH-IR", b.get()), "SMTP-AUTH-IR", 3);
}

TEST(SmtpAuthIr, RawPasswordAfterChallengeFails) {
  transcript_builder b;
  b.greet_ehlo({"AUTH LOGIN"}).client("AUTH LOGIN\r\n").server("334 VXNlcm5hbWU6\r\n");
  b.client("alice@example\r\n").server("535 bad\r\n");
  expect_fail(run("SMTP-AUTH-IR", b.get()), "SMTP-AUTH-IR", 5);
}

TEST(SmtpAuthIr, UndecodableChallengeNeedsACancel) {
  transcript_builder bad;
  bad.greet_ehlo({"AUTH LOGIN"}).client("AUTH LOGIN\r\n").server("334 not base64!\r\n");
  bad.client("YWxpY2U=\r\n").server("535 bad\r\n");
  expect_fail(run("SMTP-AUTH-IR", bad.get()), "SMTP-AUTH-IR", 5);
  transcript_builder good;
  good.greet_ehlo({"AUTH LOGIN"}).client("AUTH LOGIN\r\n").server("334 not base64!\r\n");
  good.client("*\r\n").server("501 cancelled\r\n");
  expect_pass(run("SMTP-AUTH-IR", good.get()));
}

TEST(SmtpAuthIr, Base64ResponsesPass) {
  expect_pass(run("SMTP-AUTH-IR", clean_session().get()));
  transcript_builder b;
  b.greet_ehlo({"AUTH EXTERNAL"}).client("AUTH EXTERNAL =\r\n").server("235 ok\r\n");
  expect_pass(run("SMTP-AUTH-IR", b.get()));
}

TEST(SmtpAuthPlainFmt, OneNulFails) {
  transcript_builder b;
  b.greet_ehlo({"AUTH PLAIN"}).client("AUTH PLAIN YWxpY2UAc2VjcmV0\r\n").server("535 bad\r\n");
  expect_fail(run("SMTP-AUTH-PLAIN-FMT", b.get()), "SMTP-AUTH-PLAIN-FMT", 3);
}

TEST(SmtpAuthPlainFmt, EmptyPasswordInContinuationFails) {
  transcript_builder b;
  b.greet_ehlo({"AUTH PLAIN"}).client("AUTH PLAIN\r\n").server("334 \r\n");
  b.client("AGFsaWNlAA==\r\n").server("535 bad\r\n");
  expect_fail(run("SMTP-AUTH-PLAIN-FMT", b.get()), "SMTP-AUTH-PLAIN-FMT", 5);
}

TEST(SmtpAuthPlainFmt, TwoNulsPass) {
  expect_pass(run("SMTP-AUTH-PLAIN-FMT", clean_session().get()));
}

TEST(SmtpAuthCleartext, PlainWithoutTlsWarns) {
  transcript_builder b;
  b.greet_ehlo({"AUTH PLAIN"}).client("AUTH PLAIN AGFsaWNlAHNlY3JldA==\r\n").server("235 ok\r\n");
  expect_fail(run("SMTP-AUTH-CLEARTEXT", b.get()), "SMTP-AUTH-CLEARTEXT", 3, level::should);
}

TEST(SmtpAuthCleartext, PlainInsideTlsPasses) {
  expect_pass(run("SMTP-AUTH-CLEARTEXT", clean_session().get()));
}

}  // namespace
}  // namespace ph::harness::rules::smtp
