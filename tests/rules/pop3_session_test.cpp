#include "harness/rules/pop3/pop3_session.hpp"

#include <gtest/gtest.h>

#include <string>

#include "harness/rules/pop3/pop3_check.hpp"
#include "tests/rules/pop3_test_support.hpp"

namespace ph::harness::rules::pop3 {
namespace {

using namespace test;

TEST(Pop3Session, CleanSessionReadsEveryCommandAndResponse) {
  const session s = parse_session(clean_session().get());
  ASSERT_EQ(s.segments.size(), 2u);
  EXPECT_TRUE(s.segments[1].tls);
  ASSERT_EQ(s.tls.size(), 1u);
  ASSERT_GE(s.tls[0].command, 0);
  EXPECT_TRUE(s.at(s.tls[0].command).is("STLS"));
  ASSERT_GE(s.greeting, 0);
  EXPECT_EQ(s.responses[static_cast<std::size_t>(s.greeting)].st, status::ok);
  // CAPA STLS | CAPA USER PASS STAT LIST RETR DELE QUIT
  ASSERT_EQ(s.turns.size(), 10u);
  for (const auto& t : s.turns) {
    ASSERT_GE(t.response, 0) << t.raw;
    EXPECT_TRUE(s.responses[static_cast<std::size_t>(t.response)].complete) << t.raw;
  }
  EXPECT_EQ(s.at(4).st, state::authorization);  // PASS
  EXPECT_EQ(s.at(5).st, state::transaction);    // STAT
  EXPECT_EQ(s.at(9).st, state::transaction);    // QUIT
  const response& retr = s.responses[static_cast<std::size_t>(s.at(7).response)];
  EXPECT_TRUE(retr.multiline);
  ASSERT_EQ(retr.body.size(), 4u);
  EXPECT_EQ(retr.body[2], "..dot");
  EXPECT_EQ(retr.final_event, 19);  // the second read ends the body
}

TEST(Pop3Session, CapabilitiesResetAtTheHandshake) {
  const session s = parse_session(clean_session().get());
  const capa_state* pre = s.capa_for(1);  // STLS
  ASSERT_NE(pre, nullptr);
  EXPECT_TRUE(pre->has("STLS"));
  EXPECT_EQ(pre->sasl(), std::vector<std::string>{"PLAIN"});
  EXPECT_EQ(s.capa_for(2), nullptr);  // the post-TLS CAPA itself
  const capa_state* post = s.capa_for(3);
  ASSERT_NE(post, nullptr);
  EXPECT_FALSE(post->has("STLS"));
  EXPECT_TRUE(s.capa_succeeded);
}

TEST(Pop3Session, ErrToRetrHasNoBody) {
  transcript_builder b;
  b.greet().login().client("RETR 9\r\n").server("-ERR no such message\r\n");
  b.client("NOOP\r\n").server("+OK\r\n");
  const session s = parse_session(b.get());
  ASSERT_EQ(s.turns.size(), 4u);
  EXPECT_EQ(s.responses[static_cast<std::size_t>(s.at(2).response)].st, status::err);
  EXPECT_FALSE(s.responses[static_cast<std::size_t>(s.at(2).response)].multiline);
  EXPECT_EQ(s.responses[static_cast<std::size_t>(s.at(3).response)].line, "+OK");
}

TEST(Pop3Session, ListWithArgumentIsSingleLine) {
  transcript_builder b;
  b.greet().login().client("LIST 1\r\n").server("+OK 1 120\r\n");
  b.client("UIDL\r\n").server("+OK\r\n1 abc\r\n.\r\n");
  const session s = parse_session(b.get());
  ASSERT_EQ(s.turns.size(), 4u);
  EXPECT_FALSE(s.responses[static_cast<std::size_t>(s.at(2).response)].multiline);
  EXPECT_TRUE(s.responses[static_cast<std::size_t>(s.at(3).response)].complete);
}

TEST(Pop3Session, AuthContinuationsAreResponsesNotCommands) {
  transcript_builder b;
  b.greet().client("AUTH PLAIN\r\n").server("+ \r\n");
  b.client("AGFsaWNlAHNlY3JldA==\r\n").server("+OK\r\n").client("STAT\r\n").server("+OK 0 0\r\n");
  const session s = parse_session(b.get());
  ASSERT_EQ(s.turns.size(), 3u);
  EXPECT_EQ(s.at(1).kind, turn_kind::auth_response);
  ASSERT_EQ(s.auths.size(), 1u);
  EXPECT_EQ(s.auths[0].mechanism, "PLAIN");
  EXPECT_FALSE(s.auths[0].has_initial_response);
  EXPECT_EQ(s.auths[0].final_response, s.at(1).response);
  EXPECT_EQ(s.at(2).st, state::transaction);
}

TEST(Pop3Session, ImplicitTlsGreetingBelongsToTheTlsSegment) {
  transcript_builder b;
  b.tls_start().tls_ready().greet().client("QUIT\r\n").server("+OK\r\n");
  const session s = parse_session(b.get());
  EXPECT_EQ(s.greeting_segment, 1);
  ASSERT_EQ(s.turns.size(), 1u);
  ASSERT_EQ(s.tls.size(), 1u);
  EXPECT_EQ(s.tls[0].command, -1);
}

TEST(Pop3Session, BytesAfterStlsAreEarlyAndServerBytesInjected) {
  transcript_builder b;
  b.greet().client("STLS\r\nCAPA\r\n").server("+OK go\r\n+OK injected\r\n").tls_start();
  b.tls_ready();
  const session s = parse_session(b.get());
  ASSERT_EQ(s.tls.size(), 1u);
  EXPECT_EQ(s.tls[0].early_bytes, "CAPA\r\n");
  EXPECT_EQ(s.tls[0].early_event, 1);
  EXPECT_EQ(s.tls[0].injected, "+OK injected\r\n");
}

TEST(Pop3Session, ResponseCodeIsReadFromBrackets) {
  transcript_builder b;
  b.greet().client("USER a\r\n").server("-ERR [IN-USE] locked\r\n");
  const session s = parse_session(b.get());
  ASSERT_EQ(s.turns.size(), 1u);
  ASSERT_GE(s.at(0).response, 0);
  EXPECT_EQ(s.responses[static_cast<std::size_t>(s.at(0).response)].code(), "IN-USE");
}

TEST(Pop3Session, BareLfStaysInsideTheClientLine) {
  transcript_builder b;
  b.greet().client("USER a\nPASS b\r\n").server("-ERR\r\n");
  const session s = parse_session(b.get());
  ASSERT_EQ(s.turns.size(), 1u);
  EXPECT_EQ(s.at(0).arg, "a\nPASS b");
}

TEST(Pop3Lexical, Md5MatchesRfc1939Example) {
  EXPECT_EQ(md5_hex(std::string(apop_stamp) + std::string(apop_secret)), apop_digest);
  EXPECT_EQ(md5_hex(""), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(md5_hex(std::string(100, 'a')), "36a92cc94a9e0fa21f625f8bfb007adf");
}

TEST(Pop3Lexical, Base64DecodesOnlyWellFormedInput) {
  EXPECT_EQ(decode_base64("AGFsaWNlAHNlY3JldA=="), std::string("\0alice\0secret", 13));
  EXPECT_FALSE(decode_base64("AGF").has_value());
  EXPECT_FALSE(decode_base64("A=BC").has_value());
  EXPECT_FALSE(is_base64(""));
}

}  // namespace
}  // namespace ph::harness::rules::pop3
