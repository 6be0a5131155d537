#include "harness/rules/pop3/pop3_rules.hpp"

#include <gtest/gtest.h>

#include <string>

#include "tests/rules/pop3_test_support.hpp"

namespace ph::harness::rules::pop3 {
namespace {

using namespace test;

// Greeting and USER/PASS: events 0-4, transaction state from event 5 on.
transcript_builder logged_in() {
  transcript_builder b;
  b.greet().login();
  return b;
}

TEST(Pop3Crlf, BareLfFails) {
  transcript_builder b;
  b.greet().client("USER alice\n").server("-ERR\r\n").client_close();
  expect_fail(run("POP3-CRLF", b.get()), "POP3-CRLF", 1);
}

TEST(Pop3Crlf, UnterminatedLineBeforeClientCloseFails) {
  transcript_builder b;
  b.greet().client("QUIT").client_close();
  expect_fail(run("POP3-CRLF", b.get()), "POP3-CRLF", 1);
}

TEST(Pop3Crlf, CrlfLinesPass) {
  expect_pass(run("POP3-CRLF", clean_session().get()));
}

TEST(Pop3CmdSyntax, DoubleSpaceFails) {
  transcript_builder b = logged_in();
  b.client("LIST  1\r\n").server("-ERR\r\n");
  expect_fail(run("POP3-CMD-SYNTAX", b.get()), "POP3-CMD-SYNTAX", 5);
}

TEST(Pop3CmdSyntax, LongKeywordFails) {
  transcript_builder b;
  b.greet().client("STARTTLS\r\n").server("-ERR\r\n");
  expect_fail(run("POP3-CMD-SYNTAX", b.get()), "POP3-CMD-SYNTAX", 1);
}

TEST(Pop3CmdSyntax, PasswordWithSpacesPasses) {
  transcript_builder b;
  b.greet().client("USER alice\r\n").server("+OK\r\n");
  b.client("PASS two words\r\n").server("+OK\r\n");
  expect_pass(run("POP3-CMD-SYNTAX", b.get()));
}

TEST(Pop3CmdLen, LineOver255Fails) {
  transcript_builder b;
  b.greet().client("USER " + std::string(260, 'a') + "\r\n").server("-ERR\r\n");
  expect_fail(run("POP3-CMD-LEN", b.get()), "POP3-CMD-LEN", 1);
}

TEST(Pop3CmdLen, LongArgumentToRfc1939ServerFails) {
  transcript_builder b;
  b.greet().client("CAPA\r\n").server("-ERR unknown command\r\n");
  b.client("USER " + std::string(41, 'a') + "\r\n").server("-ERR\r\n");
  expect_fail(run("POP3-CMD-LEN", b.get()), "POP3-CMD-LEN", 3);
}

TEST(Pop3CmdLen, ShortCommandsPass) {
  expect_pass(run("POP3-CMD-LEN", clean_session().get()));
}

TEST(Pop3ArgInject, ControlCharacterInArgumentFails) {
  transcript_builder b;
  b.greet().client("USER al\tice\r\n").server("-ERR\r\n");
  expect_fail(run("POP3-ARG-INJECT", b.get()), "POP3-ARG-INJECT", 1);
}

TEST(Pop3ArgInject, OraclePasswordWithCrlfSentVerbatimFails) {
  scenario sc;
  client_step user;
  user.op = "user";
  user.args = {{"name", "alice"}};
  client_step pass;
  pass.op = "pass";
  pass.args = {{"password", "x\r\nDELE 1"}};
  sc.client = {user, pass};
  transcript_builder b;
  b.greet().client("USER alice\r\n").server("+OK\r\n");
  b.client("PASS x\r\nDELE 1\r\n").server("-ERR\r\n-ERR\r\n");
  expect_fail(run("POP3-ARG-INJECT", b.get(), context{&sc}), "POP3-ARG-INJECT", 3);
}

TEST(Pop3ArgInject, PlainArgumentsPass) {
  expect_pass(run("POP3-ARG-INJECT", clean_session().get()));
}

TEST(Pop3Greeting, CommandBeforeGreetingWarns) {
  transcript_builder b;
  b.client("CAPA\r\n").greet().server("+OK\r\n.\r\n");
  expect_fail(run("POP3-GREETING", b.get()), "POP3-GREETING", 0, level::should);
}

TEST(Pop3Greeting, CommandAfterErrGreetingWarns) {
  transcript_builder b;
  b.server("-ERR server busy\r\n").client("USER alice\r\n").server("-ERR\r\n");
  expect_fail(run("POP3-GREETING", b.get()), "POP3-GREETING", 1, level::should);
}

TEST(Pop3Greeting, QuitAfterErrGreetingPasses) {
  transcript_builder b;
  b.server("-ERR server busy\r\n").client("QUIT\r\n").server("+OK\r\n");
  expect_pass(run("POP3-GREETING", b.get()));
}

TEST(Pop3Lockstep, PipelinedUserPassWithoutPipeliningWarns) {
  transcript_builder b;
  b.greet().client("USER alice\r\nPASS secret\r\n").server("+OK\r\n+OK\r\n");
  expect_fail(run("POP3-LOCKSTEP", b.get()), "POP3-LOCKSTEP", 1, level::should);
}

TEST(Pop3Lockstep, CommandDuringMultilineBodyWarns) {
  transcript_builder b = logged_in();
  b.client("RETR 1\r\n").server("+OK\r\nline\r\n").client("DELE 1\r\n").server(".\r\n+OK\r\n");
  expect_fail(run("POP3-LOCKSTEP", b.get()), "POP3-LOCKSTEP", 7, level::should);
}

TEST(Pop3Lockstep, PipelinedWithPipeliningPasses) {
  transcript_builder b;
  b.greet().capa({"PIPELINING", "USER"});
  b.client("USER alice\r\nPASS secret\r\nSTAT\r\n").server("+OK\r\n+OK\r\n+OK 0 0\r\n");
  expect_pass(run("POP3-LOCKSTEP", b.get()));
}

TEST(Pop3Lockstep, WaitingClientPasses) {
  expect_pass(run("POP3-LOCKSTEP", clean_session().get()));
}

TEST(Pop3State, StatBeforeLoginFails) {
  transcript_builder b;
  b.greet().client("STAT\r\n").server("-ERR\r\n");
  expect_fail(run("POP3-STATE", b.get()), "POP3-STATE", 1);
}

TEST(Pop3State, StlsAfterLoginFails) {
  transcript_builder b = logged_in();
  b.client("STLS\r\n").server("-ERR\r\n");
  expect_fail(run("POP3-STATE", b.get()), "POP3-STATE", 5);
}

TEST(Pop3State, CommandAfterQuitFails) {
  transcript_builder b = logged_in();
  b.client("QUIT\r\n").server("+OK\r\n").client("NOOP\r\n");
  expect_fail(run("POP3-STATE", b.get()), "POP3-STATE", 7);
}

TEST(Pop3State, StatAfterFailedPassFails) {
  transcript_builder b;
  b.greet().client("USER alice\r\n").server("+OK\r\n");
  b.client("PASS wrong\r\n").server("-ERR [AUTH] invalid\r\n").client("STAT\r\n");
  expect_fail(run("POP3-STATE", b.get()), "POP3-STATE", 5);
}

TEST(Pop3State, OrderedSessionPasses) {
  expect_pass(run("POP3-STATE", clean_session().get()));
  expect_pass(run("POP3-STATE", clean_session(true).get()));
}

TEST(Pop3UserPass, PassWithoutUserFails) {
  transcript_builder b;
  b.greet().client("PASS secret\r\n").server("-ERR\r\n");
  expect_fail(run("POP3-USER-PASS", b.get()), "POP3-USER-PASS", 1);
}

TEST(Pop3UserPass, PassAfterRefusedUserFails) {
  transcript_builder b;
  b.greet().client("USER nobody\r\n").server("-ERR no such user\r\n");
  b.client("PASS secret\r\n").server("-ERR\r\n");
  expect_fail(run("POP3-USER-PASS", b.get()), "POP3-USER-PASS", 3);
}

TEST(Pop3UserPass, CapaBetweenUserAndPassFails) {
  transcript_builder b;
  b.greet().client("USER alice\r\n").server("+OK\r\n").capa({"USER"});
  b.client("PASS secret\r\n").server("+OK\r\n");
  expect_fail(run("POP3-USER-PASS", b.get()), "POP3-USER-PASS", 5);
}

TEST(Pop3UserPass, UserThenPassPasses) {
  expect_pass(run("POP3-USER-PASS", clean_session().get()));
}

TEST(Pop3Deleted, RetrOfDeletedMessageFails) {
  transcript_builder b = logged_in();
  b.client("DELE 3\r\n").server("+OK\r\n").client("RETR 3\r\n").server("-ERR deleted\r\n");
  expect_fail(run("POP3-DELETED", b.get()), "POP3-DELETED", 7);
}

TEST(Pop3Deleted, RsetClearsTheMarks) {
  transcript_builder b = logged_in();
  b.client("DELE 3\r\n").server("+OK\r\n").client("RSET\r\n").server("+OK\r\n");
  b.client("RETR 3\r\n").server("+OK\r\nx\r\n.\r\n");
  expect_pass(run("POP3-DELETED", b.get()));
}

TEST(Pop3Deleted, CleanSessionPasses) {
  expect_pass(run("POP3-DELETED", clean_session().get()));
}

TEST(Pop3Args, RetrZeroFails) {
  transcript_builder b = logged_in();
  b.client("RETR 0\r\n").server("-ERR\r\n");
  expect_fail(run("POP3-ARGS", b.get()), "POP3-ARGS", 5);
}

TEST(Pop3Args, TopWithoutLineCountFails) {
  transcript_builder b = logged_in();
  b.client("TOP 4\r\n").server("-ERR\r\n");
  expect_fail(run("POP3-ARGS", b.get()), "POP3-ARGS", 5);
}

TEST(Pop3Args, NumberAboveStatCountFails) {
  transcript_builder b = logged_in();
  b.client("STAT\r\n").server("+OK 2 320\r\n").client("RETR 3\r\n").server("-ERR\r\n");
  expect_fail(run("POP3-ARGS", b.get()), "POP3-ARGS", 7);
}

TEST(Pop3Args, ValidNumbersPass) {
  transcript_builder b = clean_session();
  expect_pass(run("POP3-ARGS", b.get()));
  transcript_builder t = logged_in();
  t.client("TOP 1 0\r\n").server("+OK\r\nSubject: x\r\n\r\n.\r\n");
  expect_pass(run("POP3-ARGS", t.get()));
}

TEST(Pop3QuitUpdate, CloseAfterDeleWithoutQuitWarns) {
  transcript_builder b = logged_in();
  b.client("DELE 1\r\n").server("+OK\r\n").client_close();
  expect_fail(run("POP3-QUIT-UPDATE", b.get()), "POP3-QUIT-UPDATE", 7, level::should);
}

TEST(Pop3QuitUpdate, ServerEndedSessionIsNotJudged) {
  transcript_builder b = logged_in();
  b.client("DELE 1\r\n").server("+OK\r\n").server_close();
  expect_na(run("POP3-QUIT-UPDATE", b.get()));
}

TEST(Pop3QuitUpdate, NoDeleIsNotApplicable) {
  transcript_builder b = logged_in();
  b.client_close();
  expect_na(run("POP3-QUIT-UPDATE", b.get()));
}

TEST(Pop3QuitUpdate, QuitAfterDelePasses) {
  expect_pass(run("POP3-QUIT-UPDATE", clean_session().get()));
}

}  // namespace
}  // namespace ph::harness::rules::pop3
