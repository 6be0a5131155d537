#include "reports/redactor.hpp"

#include <algorithm>

#include <gtest/gtest.h>

#include "tests/reports/sample_results.hpp"

namespace ph::reports {
namespace {

using namespace testing;

std::vector<std::string> data_of(const ph::transcript& t) {
  std::vector<std::string> out;
  for (const auto& e : t.events)
    out.push_back(e.bytes);
  return out;
}

// The redacted bytes of each event. The redactor maps events one to one: a count that differs
// is a failure, and the result is padded so that tests indexing it never read past the end.
std::vector<std::string> redacted(std::vector<ph::event> events, std::string_view protocol,
                                  std::vector<std::string> secrets = {}) {
  auto out =
      data_of(redactor(std::move(secrets), forms_of(protocol)).apply(one_connection(events)));
  EXPECT_EQ(out.size(), events.size()) << "the redactor changed the number of events";
  out.resize(std::max(out.size(), events.size()), "(missing event)");
  return out;
}

TEST(Redactor, SecretsAreReplacedOnBothSides) {
  const auto out = redacted({c(0, "USER bob hunter2\r\n"), s(1, "echo hunter2 and hunter2\r\n")},
                            "smtp", {"hunter2"});
  EXPECT_EQ(out[0], "USER bob ***\r\n");
  EXPECT_EQ(out[1], "echo *** and ***\r\n");
}

TEST(Redactor, SecretSplitAcrossEventsIsStillFound) {
  const auto out = redacted({c(0, "X hun"), c(1, "ter2\r\n")}, "smtp", {"hunter2"});
  EXPECT_EQ(out[0], "X ***");
  EXPECT_EQ(out[1], "***\r\n");
}

TEST(Redactor, EmptySecretIsIgnored) {
  EXPECT_EQ(redacted({c(0, "NOOP\r\n")}, "smtp", {""})[0], "NOOP\r\n");
}

TEST(Redactor, AuthInitialResponseIsMaskedKeepingShape) {
  const auto out =
      redacted({c(0, "AUTH PLAIN AGFsaWNlAHMzY3JldA==\r\n"), c(1, "auth login\r\n")}, "smtp");
  EXPECT_EQ(out[0], "AUTH PLAIN ***\r\n");
  EXPECT_EQ(out[1], "auth login\r\n");  // nothing after the mechanism
}

TEST(Redactor, SaslContinuationResponsesAreMasked) {
  const auto out = redacted(
      {
          c(0, "AUTH LOGIN\r\n"),
          s(1, "334 VXNlcm5hbWU6\r\n"),
          c(2, "YWxpY2U=\r\n"),
          s(3, "334 UGFzc3dvcmQ6\r\n"),
          c(4, "czNj"),
          c(5, "cmV0\r\n"),
          s(6, "235 2.7.0 ok\r\n"),
          c(7, "MAIL FROM:<a@test>\r\n"),
      },
      "smtp");
  EXPECT_EQ(out[2], "***\r\n");
  EXPECT_EQ(out[4], "***");  // each piece of a split response is masked
  EXPECT_EQ(out[5], "***\r\n");
  EXPECT_EQ(out[7], "MAIL FROM:<a@test>\r\n");  // after 235 nothing is masked
  EXPECT_EQ(out[1], "334 VXNlcm5hbWU6\r\n");    // server challenges are not credentials
}

TEST(Redactor, Pop3ContinuationIsPlusSpaceNotPlusOk) {
  const auto out = redacted(
      {
          s(0, "+OK ready\r\n"),
          c(1, "STAT\r\n"),
          c(2, "AUTH PLAIN\r\n"),
          s(3, "+ \r\n"),
          c(4, "AGJvYgBodW50ZXIy\r\n"),
      },
      "pop3");
  EXPECT_EQ(out[1], "STAT\r\n");
  EXPECT_EQ(out[4], "***\r\n");
}

TEST(Redactor, PassApopAndAuthinfoArgumentsAreMasked) {
  EXPECT_EQ(redacted({c(0, "PASS secret with spaces\r\n")}, "pop3")[0], "PASS ***\r\n");
  EXPECT_EQ(redacted({c(0, "pass x\r\n")}, "ftp")[0], "pass ***\r\n");
  EXPECT_EQ(redacted({c(0, "APOP mrose c4c9334bac560ecc979e58001b3e22fb\r\n")}, "pop3")[0],
            "APOP mrose ***\r\n");
  EXPECT_EQ(redacted({c(0, "AUTHINFO USER bob\r\n"), c(1, "AUTHINFO PASS s3cret\r\n")}, "nntp"),
            (std::vector<std::string>{"AUTHINFO USER bob\r\n", "AUTHINFO PASS ***\r\n"}));
  EXPECT_EQ(redacted({c(0, "AUTHINFO SASL PLAIN AGJvYgB4\r\n")}, "nntp")[0],
            "AUTHINFO SASL PLAIN ***\r\n");
}

TEST(Redactor, CommandSplitAcrossEventsIsMasked) {
  const auto out = redacted({c(0, "PA"), c(1, "SS hunt"), c(2, "er2\r\n")}, "ftp");
  EXPECT_EQ(out, (std::vector<std::string>{"PA", "SS ***", "***\r\n"}));
}

TEST(Redactor, SeveralLinesInOneEvent) {
  const auto out = redacted({c(0, "USER bob\r\nPASS pw\r\nSTAT\r\n")}, "pop3");
  EXPECT_EQ(out[0], "USER bob\r\nPASS ***\r\nSTAT\r\n");
}

TEST(Redactor, HttpAuthorizationHeader) {
  const auto out = redacted(
      {c(0, "GET / HTTP/1.1\r\nHost: x\r\nAuthorization: Basic Ym9iOnB3\r\n\r\n")}, "http");
  EXPECT_EQ(out[0], "GET / HTTP/1.1\r\nHost: x\r\nAuthorization: Basic ***\r\n\r\n");
}

TEST(Redactor, ProtocolSelectsForms) {
  // An SMTP message body line that happens to start with PASS is not a POP3 command.
  EXPECT_EQ(redacted({c(0, "PASS the salt\r\n")}, "smtp")[0], "PASS the salt\r\n");
  EXPECT_EQ(redacted({c(0, "PASS the salt\r\n")}, "pop3")[0], "PASS ***\r\n");
  // The forms are what the redactor is given, whatever the result names.
  EXPECT_EQ(
      redactor({}, {.pass = true}).apply(one_connection({c(0, "PASS x\r\n")})).events[0].bytes,
      "PASS ***\r\n");
}

TEST(Redactor, ChannelsAreIndependent) {
  const auto out = redacted({s(0, "334 go\r\n", 0), c(1, "LIST\r\n", 1)}, "ftp");
  EXPECT_EQ(out[1], "LIST\r\n");
}

TEST(Redactor, KeepsEventsAndMasksNoteText) {
  ph::transcript t = one_connection({
      c(10, "AUTH PLAIN eA==\r\n"),
      ev(event_kind::note, direction::server_to_client, 20, "client sent hunter2"),
      ev(event_kind::close, direction::client_to_server, 30, ""),
  });
  const ph::transcript out = redactor({"hunter2"}, forms_of("smtp")).apply(t);
  ASSERT_EQ(out.events.size(), 3u);
  EXPECT_EQ(out.events[1].bytes, "client sent ***");
  EXPECT_EQ(out.events[1].kind, event_kind::note);
  EXPECT_EQ(out.events[2].at, 30us);
  EXPECT_EQ(out.channels[0].label, "control");
}

TEST(Redactor, FreeText) {
  const redactor red({"hunter2"}, forms_of("smtp"));
  EXPECT_EQ(red.apply("got hunter2"), "got ***");
  EXPECT_EQ(red.apply("AUTH PLAIN abc\r\n"), "AUTH PLAIN ***\r\n");
  EXPECT_EQ(red.apply("line 1\nAUTH LOGIN Ym9i"), "line 1\nAUTH LOGIN ***");
  EXPECT_EQ(red.apply("expected \"QUIT\", got \"AUTH PLAIN AGJvYg==\" (conn 1)"),
            "expected \"QUIT\", got \"AUTH PLAIN ***\" (conn 1)");
  EXPECT_EQ(red.apply("the server did not offer AUTH PLAIN yet"),
            "the server did not offer AUTH PLAIN yet");
}

TEST(Redactor, FromResultUsesItsSecretsAndForms) {
  ph::scenario_result r = result_with({c(0, "APOP user-1 d\r\n")}, "pop3");
  r.secrets = {"user-1"};
  const auto out = data_of(redactor(r).apply(r.connections[0]));
  EXPECT_EQ(out[0], "APOP *** ***\r\n");
  // The forms come with the result (the runner copies its protocol's row), not from its name.
  r.redaction = {};
  r.secrets.clear();
  EXPECT_EQ(data_of(redactor(r).apply(r.connections[0]))[0], "APOP user-1 d\r\n");
}

TEST(Redactor, ShortSecretsAreMaskedOnlyInCredentialLines) {
  // The test password "test" must not blank out every "client.test".
  const redactor red({"test"}, forms_of("smtp"));
  EXPECT_EQ(red.apply("MAIL FROM:<a@client.test>"), "MAIL FROM:<a@client.test>");
  EXPECT_EQ(red.apply("AUTH PLAIN AHRlc3QAdGVzdA==\r\n"), "AUTH PLAIN ***\r\n");
}

}  // namespace
}  // namespace ph::reports
