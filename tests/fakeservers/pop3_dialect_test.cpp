#include "fakeservers/pop3/pop3_dialect.hpp"

#include <algorithm>

#include <gtest/gtest.h>

#include "tests/fakeservers/dialect_of.hpp"
#include "tests/fakeservers/raw_client.hpp"
#include "vocabulary/base64.hpp"

namespace ph::fakeservers::pop3 {
namespace {

using ph::direction;
using ph::event_kind;
using namespace std::chrono_literals;

using test::raw_client;

ph::scenario model(const std::string& extra = "") {
  return ph::parse_scenario(
      "protocol = \"pop3\"\nsummary = \"t\"\n[server]\nmode = \"model\"\n" + extra, "test.toml",
      "test/pop3");
}

std::vector<connection_record> run(const ph::scenario& scen,
                                   const std::function<void(raw_client&)>& client) {
  fake_server server(test::dialect_of(scen), scen, {.session_timeout = 3000ms});
  auto port = server.start();
  {
    raw_client c(port);
    client(c);
  }
  EXPECT_TRUE(server.wait_idle(1, 3000ms));
  server.stop();
  return server.connections();
}

void login(raw_client& c) {
  EXPECT_TRUE(c.line().starts_with("+OK"));
  EXPECT_TRUE(c.cmd("USER test").starts_with("+OK"));
  EXPECT_TRUE(c.cmd("PASS test").starts_with("+OK"));
}

std::string notes(const connection_record& r) {
  std::string out;
  for (const auto& e : r.transcript.events)
    if (e.kind == event_kind::note) out += e.bytes + "\n";
  return out;
}

TEST(Pop3Dialect, GreetingCarriesAnApopTimestamp) {
  run(model(), [](raw_client& c) {
    std::string greeting = c.line();
    EXPECT_TRUE(greeting.starts_with("+OK ")) << greeting;
    EXPECT_NE(greeting.find("<1896.697170952@fake.test>"), std::string::npos) << greeting;
    EXPECT_TRUE(c.cmd("QUIT").starts_with("+OK"));
  });
}

TEST(Pop3Dialect, TransactionCommandsAreRefusedBeforeLogin) {
  auto conns = run(model(), [](raw_client& c) {
    c.line();
    EXPECT_TRUE(c.cmd("STAT").starts_with("-ERR"));
    EXPECT_TRUE(c.cmd("NOOP").starts_with("-ERR"));
    EXPECT_TRUE(c.cmd("PASS test").starts_with("-ERR"));  // no USER before it
    EXPECT_TRUE(c.cmd("RETR 1").starts_with("-ERR"));
    EXPECT_TRUE(c.cmd("USER test").starts_with("+OK"));
    EXPECT_TRUE(c.cmd("PASS wrong").starts_with("-ERR [AUTH] "));
    EXPECT_TRUE(c.cmd("STAT").starts_with("-ERR"));
  });
  ASSERT_EQ(conns.size(), 1u);
  EXPECT_TRUE(conns[0].problems.empty());
}

TEST(Pop3Dialect, StatAndListCountCrlfOctets) {
  run(model(R"([server.model]
users = { u = { password = "p", messages = ["a\nb\n", { body = "xyz" }, { size = 1000 }] } }
)"),
      [](raw_client& c) {
        c.line();
        c.cmd("USER u");
        EXPECT_EQ(c.cmd("PASS p"), "+OK u's maildrop has 3 messages (1011 octets)\r\n");
        // "a\r\nb\r\n" = 6, "xyz\r\n" = 5, generated = 1000.
        EXPECT_EQ(c.cmd("STAT"), "+OK 3 1011\r\n");
        c.send("LIST\r\n");
        EXPECT_EQ(c.block(), "+OK 3 messages (1011 octets)\r\n1 6\r\n2 5\r\n3 1000\r\n.\r\n");
        EXPECT_EQ(c.cmd("LIST 2"), "+OK 2 5\r\n");
        EXPECT_TRUE(c.cmd("LIST 4").starts_with("-ERR"));
        c.send("RETR 3\r\n");
        std::string retr = c.block();
        auto body = retr.substr(retr.find("\r\n") + 2);
        EXPECT_EQ(body.size(), 1000u + 3u);  // plus ".\r\n"
        EXPECT_EQ(retr.substr(0, retr.find("\r\n")), "+OK 1000 octets");
      });
}

TEST(Pop3Dialect, RetrByteStuffsLinesStartingWithADot) {
  run(model(), [](raw_client& c) {
    login(c);
    c.send("RETR 2\r\n");
    std::string retr = c.block();
    EXPECT_NE(retr.find("\r\n..a line that starts with a dot\r\n"), std::string::npos) << retr;
    EXPECT_NE(retr.find("\r\n...two dots\r\n"), std::string::npos);
    EXPECT_NE(retr.find("\r\n..\r\nlast line\r\n.\r\n"), std::string::npos);
  });
}

TEST(Pop3Dialect, DeleOnlyTakesEffectAtQuit) {
  auto conns = run(model(), [](raw_client& c) {
    login(c);
    EXPECT_TRUE(c.cmd("DELE 1").starts_with("+OK"));
    EXPECT_TRUE(c.cmd("DELE 1").starts_with("-ERR"));
    EXPECT_TRUE(c.cmd("RETR 1").starts_with("-ERR"));
    EXPECT_TRUE(c.cmd("LIST 1").starts_with("-ERR"));
    EXPECT_TRUE(c.cmd("STAT").starts_with("+OK 3 "));
    EXPECT_TRUE(c.cmd("DELE 3").starts_with("+OK"));
    EXPECT_EQ(c.cmd("QUIT"), "+OK fake.test POP3 server signing off (2 messages left)\r\n");
  });
  ASSERT_EQ(conns.size(), 1u);
  EXPECT_NE(notes(conns[0]).find("deleted message(s) 1, 3"), std::string::npos) << notes(conns[0]);
  auto& events = conns[0].transcript.events;
  auto first_close = std::find_if(events.begin(), events.end(),
                                  [](const auto& e) { return e.kind == event_kind::close; });
  ASSERT_NE(first_close, events.end());
  EXPECT_EQ(first_close->dir, direction::server_to_client);
}

TEST(Pop3Dialect, DisconnectWithoutQuitDeletesNothing) {
  auto conns = run(model(), [](raw_client& c) {
    login(c);
    EXPECT_TRUE(c.cmd("DELE 2").starts_with("+OK"));
  });
  ASSERT_EQ(conns.size(), 1u);
  auto n = notes(conns[0]);
  EXPECT_NE(n.find("message(s) 2 marked but NOT deleted"), std::string::npos) << n;
  EXPECT_EQ(n.find("model deleted"), std::string::npos);
}

TEST(Pop3Dialect, RsetUnmarksDeletedMessages) {
  run(model(), [](raw_client& c) {
    login(c);
    EXPECT_TRUE(c.cmd("DELE 1").starts_with("+OK"));
    EXPECT_TRUE(c.cmd("RSET").starts_with("+OK maildrop has 4 messages"));
    EXPECT_TRUE(c.cmd("LIST 1").starts_with("+OK 1 "));
    EXPECT_EQ(c.cmd("QUIT"), "+OK fake.test POP3 server signing off (4 messages left)\r\n");
  });
}

TEST(Pop3Dialect, ApopChecksTheMd5Digest) {
  // The example of RFC 1939 §7.
  auto scen = model(R"([server.model]
timestamp = "<1896.697170952@dbc.mtview.ca.us>"
users = { mrose = { password = "tanstaaf" } }
)");
  run(scen, [](raw_client& c) {
    c.line();
    EXPECT_TRUE(c.cmd("APOP mrose c4c9334bac560ecc979e58001b3e22fa").starts_with("-ERR [AUTH]"));
    EXPECT_EQ(c.cmd("APOP mrose c4c9334bac560ecc979e58001b3e22fb"),
              "+OK mrose's maildrop has 0 messages (0 octets)\r\n");
  });
}

TEST(Pop3Dialect, AuthPlainSendsAContinuationWithoutInitialResponse) {
  run(model(), [](raw_client& c) {
    c.line();
    EXPECT_EQ(c.cmd("AUTH PLAIN"), "+ \r\n");
    EXPECT_TRUE(
        c.cmd(ph::base64_encode(std::string("\0test\0nope", 10))).starts_with("-ERR [AUTH]"));
    EXPECT_TRUE(c.cmd("AUTH PLAIN " + ph::base64_encode(std::string("\0test\0test", 10)))
                    .starts_with("+OK"));
    EXPECT_TRUE(c.cmd("AUTH PLAIN").starts_with("-ERR"));  // not in AUTHORIZATION any more
  });
}

TEST(Pop3Dialect, LockedMaildropAnswersInUse) {
  run(model("[server.model]\nin_use = true\n"), [](raw_client& c) {
    c.line();
    c.cmd("USER test");
    EXPECT_TRUE(c.cmd("PASS test").starts_with("-ERR [IN-USE] "));
  });
}

TEST(Pop3Dialect, TopSendsHeadersBlankLineAndNLines) {
  run(model(), [](raw_client& c) {
    login(c);
    c.send("TOP 3 2\r\n");
    std::string top = c.block();
    EXPECT_NE(top.find("Message-ID: <3@fake.test>\r\n\r\nbody line 1\r\nbody line 2\r\n.\r\n"),
              std::string::npos)
        << top;
    EXPECT_EQ(top.find("body line 3"), std::string::npos);
    c.send("UIDL\r\n");
    EXPECT_EQ(c.block(),
              "+OK unique-id listing follows\r\n1 PH0001\r\n2 PH0002\r\n3 PH0003\r\n4 "
              "PH0004\r\n.\r\n");
  });
}

TEST(Pop3Dialect, CapaOmitsStlsAfterTheUpgradeAndStlsOnlyInAuthorization) {
  run(model(), [](raw_client& c) {
    c.line();
    c.send("CAPA\r\n");
    std::string capa = c.block();
    for (const char* cap : {"TOP", "UIDL", "USER", "SASL PLAIN", "STLS", "RESP-CODES", "PIPELINING",
                            "IMPLEMENTATION"})
      EXPECT_NE(capa.find(std::string("\r\n") + cap), std::string::npos) << cap;
    c.cmd("USER test");
    EXPECT_TRUE(c.cmd("PASS test").starts_with("+OK"));
    EXPECT_TRUE(c.cmd("STLS").starts_with("-ERR"));
  });
}

TEST(Pop3Dialect, PlaintextAfterStlsIsRecordedAsTlsFailed) {
  auto conns = run(model(), [](raw_client& c) {
    c.line();
    EXPECT_EQ(c.cmd("STLS"), "+OK begin TLS negotiation\r\n");
    c.send("CAPA\r\n");
    c.read_until("never");
  });
  ASSERT_EQ(conns.size(), 1u);
  bool failed = false;
  for (const auto& e : conns[0].transcript.events)
    failed = failed || e.kind == event_kind::tls_failed;
  EXPECT_TRUE(failed);
}

TEST(Pop3Dialect, OverridesReplaceTheModelsAnswer) {
  run(model(R"([[server.override]]
on = "CAPA"
reply = "-ERR no CAPA here"
)"),
      [](raw_client& c) {
        c.line();
        EXPECT_EQ(c.cmd("CAPA"), "-ERR no CAPA here\r\n");
        EXPECT_TRUE(c.cmd("USER test").starts_with("+OK"));
      });
}

TEST(Pop3Dialect, InvalidModelsNameTheLine) {
  EXPECT_THROW(test::validate(model("[server.model]\nusers = { u = { messages = [{ size = 1 }] "
                                    "} }\n")),
               ph::scenario_error);
  EXPECT_THROW(test::validate(model("[server.model]\nmailboxes = 1\n")), ph::scenario_error);
  EXPECT_THROW(test::validate(model("[server.model]\nin_use = [\"nobody\"]\n")),
               ph::scenario_error);
  EXPECT_NO_THROW(test::validate(model()));
}

}  // namespace
}  // namespace ph::fakeservers::pop3
