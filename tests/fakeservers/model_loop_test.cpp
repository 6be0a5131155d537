#include "fakeservers/model/command_table.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include "fakeservers/fake_server.hpp"
#include "fakeservers/model/model_loop.hpp"
#include "tests/fakeservers/dialect_of.hpp"
#include "tests/fakeservers/raw_client.hpp"

namespace ph::fakeservers {
namespace {

using namespace std::chrono_literals;
using test::raw_client;

// A session with two states and a table of four rows, recording what dispatch did.
struct table_session {
  enum state : unsigned { before, after };
  std::vector<std::string> said;

  awaitable<void> reply(std::string line) {
    said.push_back(std::move(line));
    co_return;
  }
  awaitable<void> refuse(const command& cmd, const command_row<table_session>* row) {
    said.push_back((row ? "refused in state: " : "unknown: ") + cmd.verb);
    co_return;
  }
  awaitable<void> hello(const command& cmd) {
    said.push_back("hello " + std::to_string(cmd.args.size()));
    co_return;
  }
  awaitable<void> bye(const command&) {
    said.push_back("bye");
    co_return;
  }

  static std::span<const command_row<table_session>> commands() {
    static const command_row<table_session> table[] = {
        {"HELLO", any_state, &table_session::hello},
        {"ONE", 1u << before, &table_session::hello, {1, 1, "usage: ONE arg"}},
        {"LATER", 1u << after, &table_session::hello},
        {"BYE", any_state, &table_session::bye, {}, true},
    };
    return table;
  }

  // Dispatches one command in `st`; returns whether the dialogue goes on.
  bool run(std::string verb, std::vector<std::string> args, unsigned st = before) {
    asio::io_context io;
    bool more = false;
    command cmd{.line = verb, .verb = verb, .rest = "", .args = std::move(args)};
    asio::co_spawn(
        io,
        [&]() -> awaitable<void> {
          more = co_await dispatch<table_session>(*this, commands(), cmd, st);
        },
        asio::detached);
    io.run();
    return more;
  }
};

TEST(CommandTable, RunsTheRowOfTheVerbWithItsArguments) {
  table_session s;
  EXPECT_TRUE(s.run("HELLO", {"a", "b"}));
  EXPECT_EQ(s.said, (std::vector<std::string>{"hello 2"}));
}

TEST(CommandTable, AnUnknownVerbIsRefusedWithoutARow) {
  table_session s;
  EXPECT_TRUE(s.run("NOPE", {}));
  EXPECT_TRUE(s.run("", {}));
  EXPECT_EQ(s.said, (std::vector<std::string>{"unknown: NOPE", "unknown: "}));
}

TEST(CommandTable, ACommandOutsideItsStatesIsRefusedWithItsRow) {
  table_session s;
  EXPECT_TRUE(s.run("LATER", {}, table_session::before));
  EXPECT_TRUE(s.run("LATER", {}, table_session::after));
  EXPECT_TRUE(s.run("ONE", {"x"}, table_session::after));
  EXPECT_EQ(s.said, (std::vector<std::string>{"refused in state: LATER", "hello 0",
                                              "refused in state: ONE"}));
}

TEST(CommandTable, ArgumentsOutsideTheArityGetTheUsageNotTheHandler) {
  table_session s;
  EXPECT_TRUE(s.run("ONE", {}));
  EXPECT_TRUE(s.run("ONE", {"a", "b"}));
  EXPECT_TRUE(s.run("ONE", {"a"}));
  EXPECT_EQ(s.said, (std::vector<std::string>{"usage: ONE arg", "usage: ONE arg", "hello 1"}));
}

TEST(CommandTable, AnEndingRowEndsTheDialogueAfterItRuns) {
  table_session s;
  EXPECT_FALSE(s.run("BYE", {}));
  EXPECT_EQ(s.said, (std::vector<std::string>{"bye"}));
}

ph::scenario smtp_model(const std::string& extra) {
  return ph::parse_scenario(
      "protocol = \"smtp\"\nsummary = \"t\"\n[server]\nmode = \"model\"\n" + extra, "test.toml",
      "test/smtp");
}

// The scenario is compiled once; each connection must still count its own override
// matches and start from the declared state.
TEST(ModelLoop, EachConnectionCountsItsOwnOverrideMatches) {
  fake_server server(test::dialect_of("smtp"), smtp_model(R"([[server.override]]
on = "NOOP"
nth = 2
reply = "299 the second NOOP of this connection"
)"),
                     {.session_timeout = 3000ms});
  auto port = server.start();
  for (int i = 0; i < 3; ++i) {
    raw_client c(port);
    EXPECT_TRUE(c.line().starts_with("220"));
    EXPECT_EQ(c.cmd("NOOP"), "250 2.0.0 Ok\r\n") << "connection " << i + 1;
    EXPECT_EQ(c.cmd("NOOP"), "299 the second NOOP of this connection\r\n")
        << "connection " << i + 1;
    EXPECT_EQ(c.cmd("NOOP"), "250 2.0.0 Ok\r\n") << "connection " << i + 1;
    EXPECT_TRUE(c.cmd("QUIT").starts_with("221"));
  }
  EXPECT_TRUE(server.wait_idle(3, 3000ms));
  server.stop();
}

TEST(ModelLoop, AConnectionsChangesStayWithIt) {
  ph::scenario scen =
      ph::parse_scenario("protocol = \"nntp\"\nsummary = \"t\"\n[server]\nmode = \"model\"\n",
                         "test.toml", "test/nntp");
  fake_server server(test::dialect_of(scen), scen, {.session_timeout = 3000ms});
  auto port = server.start();
  {
    raw_client c(port);
    EXPECT_TRUE(c.line().starts_with("200"));
    EXPECT_TRUE(c.cmd("POST").starts_with("340"));
    EXPECT_TRUE(c.cmd("From: a@b.test\r\nNewsgroups: local.empty\r\nSubject: s\r\n\r\nbody\r\n.")
                    .starts_with("240"));
    EXPECT_EQ(c.cmd("GROUP local.empty"), "211 1 1 1 local.empty\r\n");
    EXPECT_TRUE(c.cmd("QUIT").starts_with("205"));
  }
  {
    raw_client c(port);
    EXPECT_TRUE(c.line().starts_with("200"));
    EXPECT_EQ(c.cmd("GROUP local.empty"), "211 0 1 0 local.empty\r\n");
    EXPECT_TRUE(c.cmd("QUIT").starts_with("205"));
  }
  EXPECT_TRUE(server.wait_idle(2, 3000ms));
  server.stop();
}

}  // namespace
}  // namespace ph::fakeservers
