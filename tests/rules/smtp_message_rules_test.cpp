#include "harness/rules/smtp/smtp_rules.hpp"

#include <gtest/gtest.h>

#include <string>

#include "harness/rules/smtp/imf_header.hpp"
#include "tests/rules/smtp_test_support.hpp"

namespace ph::harness::rules::smtp {
namespace {

using namespace test;

const std::string date = "Date: Tue, 1 Jul 2025 10:00:00 +0000\r\n";
const std::string from = "From: alice@client.example\r\n";
const std::string msgid = "Message-ID: <1@client.example>\r\n";

// The message arrives in two reads: the header at event 9, the rest at event 10.
transcript_builder message(const std::string& header, const std::string& body = "hi\r\n",
                           const std::vector<std::string>& ext = {}) {
  transcript_builder b = up_to_data(ext);
  b.client(header).client("\r\n" + body + ".\r\n");
  return finish(b);
}

TEST(SmtpLenText, LineOver998OctetsFails) {
  const auto b = message(date + from + msgid, std::string(1200, 'x') + "\r\n");
  expect_fail(run("SMTP-LEN-TEXT", b.get()), "SMTP-LEN-TEXT", 10);
}

TEST(SmtpLenText, ShortLinesPass) {
  expect_pass(run("SMTP-LEN-TEXT", clean_session().get()));
}

TEST(SmtpReturnPath, ReturnPathFieldWarns) {
  const auto b = message(date + from + msgid + "Return-Path: <bounce@client.example>\r\n");
  expect_fail(run("SMTP-RETURN-PATH", b.get()), "SMTP-RETURN-PATH", 9, level::should);
}

TEST(SmtpReturnPath, NoReturnPathPasses) {
  expect_pass(run("SMTP-RETURN-PATH", clean_session().get()));
}

TEST(SmtpImfRequired, MissingDateFails) {
  const auto b = message(from + msgid);
  expect_fail(run("SMTP-IMF-REQUIRED", b.get()), "SMTP-IMF-REQUIRED", 9);
}

TEST(SmtpImfRequired, TwoSubjectsFail) {
  transcript_builder b = up_to_data();
  b.client(date + from + "Subject: one\r\n").client("Subject: two\r\n\r\nhi\r\n.\r\n");
  finish(b);
  const auto r = run("SMTP-IMF-REQUIRED", b.get());
  expect_fail(r, "SMTP-IMF-REQUIRED", 10);
  ASSERT_FALSE(r.evidence.empty());
  EXPECT_EQ(r.evidence.front().excerpt, "Subject: two\r\n");
}

TEST(SmtpImfRequired, HeaderlessPayloadIsStillJudged) {
  const auto b = session_with_content("just a payload\r\n");
  expect_fail(run("SMTP-IMF-REQUIRED", b.get()), "SMTP-IMF-REQUIRED", 9);
  expect_fail(run("SMTP-IMF-FIELDS", b.get()), "SMTP-IMF-FIELDS", 9);
}

TEST(SmtpImfRequired, CompleteHeaderPasses) {
  expect_pass(run("SMTP-IMF-REQUIRED", clean_session().get()));
}

TEST(SmtpImfSender, SeveralAuthorsWithoutSenderFail) {
  const auto b = message(date + "From: a@x.example, \"Doe, B\" <b@y.example>\r\n" + msgid);
  expect_fail(run("SMTP-IMF-SENDER", b.get()), "SMTP-IMF-SENDER", 9);
}

TEST(SmtpImfSender, SingleAuthorOrSenderPasses) {
  expect_pass(run("SMTP-IMF-SENDER", clean_session().get()));
  const auto b = message(date + "From: a@x.example, b@y.example\r\nSender: a@x.example\r\n");
  expect_pass(run("SMTP-IMF-SENDER", b.get()));
}

TEST(SmtpImfMsgid, MissingMessageIdWarns) {
  expect_fail(run("SMTP-IMF-MSGID", message(date + from).get()), "SMTP-IMF-MSGID", 9,
              level::should);
}

TEST(SmtpImfMsgid, MalformedMessageIdFails) {
  const auto b = message(date + from + "Message-ID: 12345\r\n");
  expect_fail(run("SMTP-IMF-MSGID", b.get()), "SMTP-IMF-MSGID", 9);
}

TEST(SmtpImfMsgid, SameIdOnDifferentMessagesFails) {
  transcript_builder b = up_to_data();
  b.client(date + from + msgid + "\r\none\r\n.\r\n").server("250 ok\r\n");
  b.client("MAIL FROM:<alice@client.example>\r\n").server("250 ok\r\n");
  b.client("RCPT TO:<bob@server.example>\r\n").server("250 ok\r\n");
  b.client("DATA\r\n").server("354 go\r\n").client(date + from + msgid + "\r\ntwo\r\n.\r\n");
  finish(b);
  expect_fail(run("SMTP-IMF-MSGID", b.get()), "SMTP-IMF-MSGID", 17);
}

TEST(SmtpImfMsgid, WellFormedIdPasses) {
  expect_pass(run("SMTP-IMF-MSGID", clean_session().get()));
  expect_pass(
      run("SMTP-IMF-MSGID", message(date + from + "Message-ID: <a.b@[10.0.0.1]>\r\n").get()));
}

TEST(SmtpImfFields, SpaceBeforeColonFails) {
  const auto b = message(date + from + "Subject : hi\r\n");
  expect_fail(run("SMTP-IMF-FIELDS", b.get()), "SMTP-IMF-FIELDS", 9);
}

TEST(SmtpImfFields, WhitespaceOnlyFoldFails) {
  const auto b = message(date + from + "Subject: hi\r\n   \r\n there\r\n");
  expect_fail(run("SMTP-IMF-FIELDS", b.get()), "SMTP-IMF-FIELDS", 9);
}

TEST(SmtpImfFields, FoldedFieldsPass) {
  expect_pass(run("SMTP-IMF-FIELDS", clean_session().get()));
  expect_pass(run("SMTP-IMF-FIELDS", message(date + from + "Subject: a\r\n long one\r\n").get()));
}

TEST(SmtpImfDate, ObsoleteOrImpossibleDatesFail) {
  for (const char* bad :
       {"Tue, 31 Jun 2024 10:00:00 +0000", "Tue, 1 Jul 2025 10:00:00 GMT", "2024-06-01T10:00:00Z",
        "Mon, 1 Jul 2025 10:00:00 +0000", "1 Jul 25 10:00 +0000", "1 Jul 2025 10:00 +0075"}) {
    const auto b = message(std::string("Date: ") + bad + "\r\n" + from);
    expect_fail(run("SMTP-IMF-DATE", b.get()), "SMTP-IMF-DATE", 9);
  }
}

TEST(SmtpImfDate, CurrentSyntaxPasses) {
  expect_pass(run("SMTP-IMF-DATE", clean_session().get()));
  for (const char* good : {"Tue, 1 Jul 2003 10:52:37 +0200 (CEST)", "1 Jul 2025 10:00 -0000",
                           "Thu, 29 Feb 2024 23:59:60 +0530", "tue,01 jul 2025 10:00:00 +0000"}) {
    EXPECT_EQ(check_date(good), "") << good;
  }
}

TEST(SmtpImfAscii, RawUtf8SubjectWithoutSmtputf8Fails) {
  const auto b = message(date + from +
                         "Subject: Gr\xc3\xbc\xc3\x9f"
                         "e\r\n");
  expect_fail(run("SMTP-IMF-ASCII", b.get()), "SMTP-IMF-ASCII", 9);
}

TEST(SmtpImfAscii, Utf8SubjectWithSmtputf8Passes) {
  transcript_builder b;
  b.greet_ehlo({"SMTPUTF8", "8BITMIME"}).client("MAIL FROM:<a@client.example> SMTPUTF8\r\n");
  b.server("250 ok\r\n").client("RCPT TO:<b@server.example>\r\n").server("250 ok\r\n");
  b.client("DATA\r\n").server("354 go\r\n");
  b.client(date + from +
           "Subject: Gr\xc3\xbc\xc3\x9f"
           "e\r\n\r\nhi\r\n.\r\n");
  finish(b);
  expect_pass(run("SMTP-IMF-ASCII", b.get()));
  expect_pass(run("SMTP-IMF-ASCII", clean_session().get()));
}

}  // namespace
}  // namespace ph::harness::rules::smtp
