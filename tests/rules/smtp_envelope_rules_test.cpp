#include "harness/rules/smtp/smtp_rules.hpp"

#include <gtest/gtest.h>

#include <string>

#include "tests/rules/smtp_test_support.hpp"

namespace ph::harness::rules::smtp {
namespace {

using namespace test;

transcript_builder ehlo_with(const std::string& arg) {
  transcript_builder b;
  b.server("220 mx\r\n").client("EHLO " + arg + "\r\n").server("250 mx\r\n");
  return b;
}

// Greeting, EHLO with `ext`, then `command` at event 3.
transcript_builder command_after_ehlo(const std::string& command,
                                      const std::vector<std::string>& ext = {}) {
  transcript_builder b;
  b.greet_ehlo(ext).client(command + "\r\n").server("250 ok\r\n");
  return b;
}

TEST(SmtpEhloArg, LocalhostAndUnqualifiedNamesFail) {
  expect_fail(run("SMTP-EHLO-ARG", ehlo_with("localhost").get()), "SMTP-EHLO-ARG", 1);
  expect_fail(run("SMTP-EHLO-ARG", ehlo_with("mybox").get()), "SMTP-EHLO-ARG", 1);
  expect_fail(run("SMTP-EHLO-ARG", ehlo_with("DESKTOP_4F2.corp.example").get()), "SMTP-EHLO-ARG",
              1);
  expect_fail(run("SMTP-EHLO-ARG", ehlo_with("").get()), "SMTP-EHLO-ARG", 1);
}

TEST(SmtpEhloArg, BareIpAndTrailingTextWarn) {
  expect_fail(run("SMTP-EHLO-ARG", ehlo_with("127.0.0.1").get()), "SMTP-EHLO-ARG", 1,
              level::should);
  expect_fail(run("SMTP-EHLO-ARG", ehlo_with("::1").get()), "SMTP-EHLO-ARG", 1, level::should);
  expect_fail(run("SMTP-EHLO-ARG", ehlo_with("[192.0.2.7] (my pc)").get()), "SMTP-EHLO-ARG", 1,
              level::should);
}

TEST(SmtpEhloArg, FqdnAndAddressLiteralsPass) {
  expect_pass(run("SMTP-EHLO-ARG", ehlo_with("client.example").get()));
  expect_pass(run("SMTP-EHLO-ARG", ehlo_with("[127.0.0.1]").get()));
  expect_pass(run("SMTP-EHLO-ARG", ehlo_with("[IPv6:::1]").get()));
  expect_pass(run("SMTP-EHLO-ARG", ehlo_with("[IPv6:2001:db8::7]").get()));
  expect_fail(run("SMTP-EHLO-ARG", ehlo_with("[IPv6:2001:db8::zz]").get()), "SMTP-EHLO-ARG", 1);
}

TEST(SmtpPathSyntax, SpaceAfterColonFails) {
  const auto b = command_after_ehlo("MAIL FROM: <a@client.example>");
  expect_fail(run("SMTP-PATH-SYNTAX", b.get()), "SMTP-PATH-SYNTAX", 3);
}

TEST(SmtpPathSyntax, MissingBracketsFail) {
  const auto b = command_after_ehlo("RCPT TO:bob@server.example");
  expect_fail(run("SMTP-PATH-SYNTAX", b.get()), "SMTP-PATH-SYNTAX", 3);
}

TEST(SmtpPathSyntax, SourceRouteWarns) {
  const auto b = command_after_ehlo("RCPT TO:<@relay.example:bob@server.example>");
  expect_fail(run("SMTP-PATH-SYNTAX", b.get()), "SMTP-PATH-SYNTAX", 3, level::should);
}

TEST(SmtpPathSyntax, WellFormedPathsPass) {
  expect_pass(run("SMTP-PATH-SYNTAX", clean_session().get()));
  // Python's smtplib: lower-case verb, upper-case keyword, lower-case parameter.
  expect_pass(run("SMTP-PATH-SYNTAX",
                  command_after_ehlo("mail FROM:<a@client.example> size=10", {"SIZE"}).get()));
  expect_pass(run("SMTP-PATH-SYNTAX", command_after_ehlo("MAIL FROM:<>").get()));
  expect_pass(
      run("SMTP-PATH-SYNTAX", command_after_ehlo("RCPT TO:<\"john doe\"@server.example>").get()));
}

TEST(SmtpFqdn, UnqualifiedOrNonLdhDomainsFail) {
  expect_fail(run("SMTP-FQDN", command_after_ehlo("RCPT TO:<alice@intranet>").get()), "SMTP-FQDN",
              3);
  expect_fail(run("SMTP-FQDN", command_after_ehlo("MAIL FROM:<ci@build_box.corp.example>").get()),
              "SMTP-FQDN", 3);
  expect_fail(run("SMTP-FQDN", command_after_ehlo("RCPT TO:<bob@192.0.2.7>").get()), "SMTP-FQDN",
              3);
}

TEST(SmtpFqdn, QualifiedDomainsAndPostmasterPass) {
  expect_pass(run("SMTP-FQDN", clean_session().get()));
  expect_na(run("SMTP-FQDN", command_after_ehlo("RCPT TO:<Postmaster>").get()));
  expect_pass(run("SMTP-FQDN", command_after_ehlo("RCPT TO:<bob@[192.0.2.7]>").get()));
}

TEST(SmtpAsciiEnvelope, Utf8WithoutSmtputf8Fails) {
  const auto b = command_after_ehlo("RCPT TO:<j\xc3\xb6rg@example.de>");
  expect_fail(run("SMTP-ASCII-ENVELOPE", b.get()), "SMTP-ASCII-ENVELOPE", 3);
}

TEST(SmtpAsciiEnvelope, Smtputf8WithAValueFails) {
  const auto b =
      command_after_ehlo("MAIL FROM:<\xc3\xbc@x.example> SMTPUTF8=yes", {"SMTPUTF8", "8BITMIME"});
  expect_fail(run("SMTP-ASCII-ENVELOPE", b.get()), "SMTP-ASCII-ENVELOPE", 3);
}

TEST(SmtpAsciiEnvelope, Utf8WithSmtputf8Passes) {
  transcript_builder b;
  b.greet_ehlo({"SMTPUTF8", "8BITMIME"});
  b.client("MAIL FROM:<a@client.example> SMTPUTF8\r\n").server("250 ok\r\n");
  b.client("RCPT TO:<j\xc3\xb6rg@example.de>\r\n").server("250 ok\r\n");
  expect_pass(run("SMTP-ASCII-ENVELOPE", b.get()));
  expect_pass(run("SMTP-ASCII-ENVELOPE", clean_session().get()));
}

TEST(SmtpLenCmd, OverlongRcptWarns) {
  const auto b = command_after_ehlo("RCPT TO:<" + std::string(600, 'a') + "@server.example>");
  expect_fail(run("SMTP-LEN-CMD", b.get()), "SMTP-LEN-CMD", 3, level::should);
}

TEST(SmtpLenCmd, ShortCommandsPass) {
  expect_pass(run("SMTP-LEN-CMD", clean_session().get()));
}

TEST(SmtpParamsAdvertised, BodyWithout8bitmimeFails) {
  const auto b = command_after_ehlo("MAIL FROM:<a@client.example> BODY=8BITMIME", {"SIZE"});
  expect_fail(run("SMTP-PARAMS-ADVERTISED", b.get()), "SMTP-PARAMS-ADVERTISED", 3);
}

TEST(SmtpParamsAdvertised, QuitWithArgumentFails) {
  transcript_builder b;
  b.greet_ehlo({}).client("QUIT bye\r\n").server("221 bye\r\n").server_close();
  expect_fail(run("SMTP-PARAMS-ADVERTISED", b.get()), "SMTP-PARAMS-ADVERTISED", 3);
}

TEST(SmtpParamsAdvertised, AdvertisedParametersPass) {
  expect_pass(run("SMTP-PARAMS-ADVERTISED", clean_session().get()));
}

TEST(SmtpEightBit, EightBitContentWithoutBodyParameterFails) {
  const auto b = session_with_content(
      "Subject: x\r\n\r\nGr\xc3\xbc\xc3\x9f"
      "e\r\n",
      {"8BITMIME"});
  expect_fail(run("SMTP-8BIT", b.get()), "SMTP-8BIT", 9);
}

TEST(SmtpEightBit, DeclaredEightBitContentPasses) {
  transcript_builder b;
  b.greet_ehlo({"8BITMIME"}).client("MAIL FROM:<a@client.example> BODY=8BITMIME\r\n");
  b.server("250 ok\r\n").client("RCPT TO:<b@server.example>\r\n").server("250 ok\r\n");
  b.client("DATA\r\n")
      .server("354 go\r\n")
      .client(
          "Subject: x\r\n\r\nGr\xc3\xbc\xc3\x9f"
          "e\r\n.\r\n");
  finish(b);
  expect_pass(run("SMTP-8BIT", b.get()));
  expect_pass(run("SMTP-8BIT", clean_session().get()));
}

TEST(SmtpSize, MalformedSizeFails) {
  const auto b = command_after_ehlo("MAIL FROM:<a@client.example> SIZE=2M", {"SIZE 1000000"});
  expect_fail(run("SMTP-SIZE", b.get()), "SMTP-SIZE", 3);
}

TEST(SmtpSize, UnderstatedSizeWarns) {
  transcript_builder b;
  b.greet_ehlo({"SIZE 1000000"}).client("MAIL FROM:<a@client.example> SIZE=5\r\n");
  b.server("250 ok\r\n").client("RCPT TO:<b@server.example>\r\n").server("250 ok\r\n");
  b.client("DATA\r\n").server("354 go\r\n").client("Subject: a longer message\r\n\r\nhi\r\n.\r\n");
  finish(b);
  expect_fail(run("SMTP-SIZE", b.get()), "SMTP-SIZE", 3, level::should);
}

TEST(SmtpSize, RcptAfter552ToMailWarns) {
  transcript_builder b;
  b.greet_ehlo({"SIZE 1000"}).client("MAIL FROM:<a@client.example> SIZE=5000\r\n");
  b.server("552 too big\r\n").client("RCPT TO:<b@server.example>\r\n").server("503 no\r\n");
  expect_fail(run("SMTP-SIZE", b.get()), "SMTP-SIZE", 5, level::should);
}

TEST(SmtpSize, HonestSizePasses) {
  expect_pass(run("SMTP-SIZE", clean_session().get()));
}

scenario addresses(const std::string& from) {
  scenario scen;
  client_step step;
  step.op = "sendmail";
  step.args = {{"from", from}, {"to", {"bob@server.example"}}, {"message", "x"}};
  scen.client.push_back(step);
  return scen;
}

TEST(SmtpLocalpartCase, ChangedCaseFails) {
  const scenario scen = addresses("John.Smith@client.example");
  const auto b = command_after_ehlo("MAIL FROM:<john.smith@client.example>");
  expect_fail(run("SMTP-LOCALPART-CASE", b.get(), context{&scen}), "SMTP-LOCALPART-CASE", 3);
}

TEST(SmtpLocalpartCase, KeptCasePasses) {
  const scenario scen = addresses("John.Smith@client.example");
  const auto b = command_after_ehlo("MAIL FROM:<John.Smith@CLIENT.example>");
  expect_pass(run("SMTP-LOCALPART-CASE", b.get(), context{&scen}));
  expect_na(run("SMTP-LOCALPART-CASE", b.get()));  // no oracle
}

}  // namespace
}  // namespace ph::harness::rules::smtp
