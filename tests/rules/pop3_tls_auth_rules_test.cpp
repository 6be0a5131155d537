#include "harness/rules/pop3/pop3_rules.hpp"

#include <gtest/gtest.h>

#include <string>

#include "tests/rules/pop3_test_support.hpp"

namespace ph::harness::rules::pop3 {
namespace {

using namespace test;

// Greeting, CAPA offering STLS and SASL PLAIN, STLS answered +OK, a completed handshake:
// events 0-6.
transcript_builder after_handshake(const std::vector<std::string>& pre = {"STLS", "SASL PLAIN",
                                                                          "USER"}) {
  transcript_builder b;
  b.greet().capa(pre).client("STLS\r\n").server("+OK go\r\n").tls_start().tls_ready();
  return b;
}

scenario with_user(std::string user, std::string secret) {
  scenario sc;
  sc.protocol = "pop3";
  sc.server = {{"mode", "model"}, {"model", {{"users", {{user, {{"password", secret}}}}}}}};
  return sc;
}

TEST(Pop3Apop, DigestMatchingTheOraclePasses) {
  transcript_builder b;
  b.greet().client("APOP mrose " + std::string(apop_digest) + "\r\n").server("+OK\r\n");
  const scenario sc = with_user("mrose", std::string(apop_secret));
  expect_pass(run("POP3-APOP", b.get(), context{&sc}));
  expect_pass(run("POP3-APOP", b.get()));
}

TEST(Pop3Apop, UppercaseDigestFails) {
  transcript_builder b;
  b.greet().client("APOP mrose C4C9334BAC560ECC979E58001B3E22FB\r\n").server("-ERR\r\n");
  expect_fail(run("POP3-APOP", b.get()), "POP3-APOP", 1);
}

TEST(Pop3Apop, NoTimestampInGreetingFails) {
  transcript_builder b;
  b.server("+OK ready\r\n").client("APOP mrose " + std::string(apop_digest) + "\r\n");
  b.server("-ERR\r\n");
  expect_fail(run("POP3-APOP", b.get()), "POP3-APOP", 1);
}

TEST(Pop3Apop, WrongDigestForTheOracleSecretFails) {
  transcript_builder b;
  b.greet().client("APOP mrose " + std::string(32, 'a') + "\r\n").server("-ERR\r\n");
  const scenario sc = with_user("mrose", std::string(apop_secret));
  expect_fail(run("POP3-APOP", b.get(), context{&sc}), "POP3-APOP", 1);
}

TEST(Pop3StlsWait, CommandPipelinedAfterStlsFails) {
  transcript_builder b;
  b.greet().client("STLS\r\nCAPA\r\n").server("+OK go\r\n").tls_start().tls_ready();
  expect_fail(run("POP3-STLS-WAIT", b.get()), "POP3-STLS-WAIT", 1);
}

TEST(Pop3StlsWait, PlaintextAfterOkFails) {
  transcript_builder b;
  b.greet().client("STLS\r\n").server("+OK go\r\n").tls_start();
  b.client("CAPA\r\n").tls_failed().server_close();
  expect_fail(run("POP3-STLS-WAIT", b.get()), "POP3-STLS-WAIT", 4);
}

TEST(Pop3StlsWait, CleanHandshakePasses) {
  expect_pass(run("POP3-STLS-WAIT", clean_session().get()));
}

TEST(Pop3StlsReset, PreTlsMechanismUsedFails) {
  transcript_builder b = after_handshake({"STLS", "SASL PLAIN LOGIN"});
  b.capa({"SASL LOGIN"}).client("AUTH PLAIN AGFsaWNlAHNlY3JldA==\r\n").server("-ERR\r\n");
  expect_fail(run("POP3-STLS-RESET", b.get()), "POP3-STLS-RESET", 9);
}

TEST(Pop3StlsReset, NoCapaAfterHandshakeWarns) {
  transcript_builder b = after_handshake();
  b.client("USER alice\r\n").server("+OK\r\n");
  expect_fail(run("POP3-STLS-RESET", b.get()), "POP3-STLS-RESET", 7, level::should);
}

TEST(Pop3StlsReset, ActingOnInjectedResponseFails) {
  transcript_builder b;
  b.greet().capa({"STLS"}).client("STLS\r\n").server("+OK go\r\n+OK injected\r\n");
  b.tls_start().tls_ready().client("CAPA\r\nUSER alice\r\n").server("+OK\r\nUSER\r\n.\r\n+OK\r\n");
  expect_fail(run("POP3-STLS-RESET", b.get()), "POP3-STLS-RESET", 7);
}

TEST(Pop3StlsReset, FreshCapaPasses) {
  expect_pass(run("POP3-STLS-RESET", clean_session().get()));
  expect_pass(run("POP3-STLS-RESET", clean_session(true).get()));
}

TEST(Pop3Cleartext, AuthPlainWithoutTlsWarns) {
  transcript_builder b;
  b.greet().client("AUTH PLAIN AGFsaWNlAHNlY3JldA==\r\n").server("+OK\r\n");
  expect_fail(run("POP3-CLEARTEXT", b.get()), "POP3-CLEARTEXT", 1, level::should);
}

TEST(Pop3Cleartext, PasswordAfterRefusedStlsWarns) {
  transcript_builder b;
  b.greet().client("STLS\r\n").server("-ERR not now\r\n").login();
  expect_fail(run("POP3-CLEARTEXT", b.get()), "POP3-CLEARTEXT", 5, level::should);
}

TEST(Pop3Cleartext, PasswordInsideTlsPasses) {
  expect_pass(run("POP3-CLEARTEXT", clean_session().get()));
  expect_pass(run("POP3-CLEARTEXT", clean_session(true).get()));
}

TEST(Pop3AuthIr, EmptyInitialResponseFails) {
  transcript_builder b;
  b.greet().client("AUTH PLAIN \r\n").server("-ERR\r\n");
  expect_fail(run("POP3-AUTH-IR", b.get()), "POP3-AUTH-IR", 1);
}

TEST(Pop3AuthIr, OverlongAuthLineFails) {
  transcript_builder b;
  b.greet().client("AUTH XOAUTH2 " + std::string(300, 'A') + "\r\n").server("-ERR\r\n");
  expect_fail(run("POP3-AUTH-IR", b.get()), "POP3-AUTH-IR", 1);
}

TEST(Pop3AuthIr, NonBase64ContinuationFails) {
  transcript_builder b;
  b.greet().client("AUTH LOGIN\r\n").server("+ VXNlcm5hbWU6\r\n");
  b.client("alice\r\n").server("-ERR\r\n");
  expect_fail(run("POP3-AUTH-IR", b.get()), "POP3-AUTH-IR", 3);
}

TEST(Pop3AuthIr, WellFormedExchangesPass) {
  expect_pass(run("POP3-AUTH-IR", clean_session(true).get()));
  transcript_builder b;
  b.greet().client("AUTH PLAIN\r\n").server("+ \r\n").client("*\r\n").server("-ERR cancelled\r\n");
  expect_pass(run("POP3-AUTH-IR", b.get()));
}

TEST(Pop3AuthPlainFmt, OneNulFails) {
  transcript_builder b;
  // base64("alice\0pw")
  b.greet().client("AUTH PLAIN YWxpY2UAcHc=\r\n").server("-ERR\r\n");
  expect_fail(run("POP3-AUTH-PLAIN-FMT", b.get()), "POP3-AUTH-PLAIN-FMT", 1);
}

TEST(Pop3AuthPlainFmt, EmptyPasswordFails) {
  transcript_builder b;
  // base64("\0alice\0")
  b.greet().client("AUTH PLAIN AGFsaWNlAA==\r\n").server("-ERR\r\n");
  expect_fail(run("POP3-AUTH-PLAIN-FMT", b.get()), "POP3-AUTH-PLAIN-FMT", 1);
}

TEST(Pop3AuthPlainFmt, WellFormedMessagePasses) {
  expect_pass(run("POP3-AUTH-PLAIN-FMT", clean_session(true).get()));
}

}  // namespace
}  // namespace ph::harness::rules::pop3
