#include "fakeservers/fake_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

namespace ph::fakeservers {
namespace {

using harness::direction;
using harness::event_kind;
using namespace std::chrono_literals;

// A raw loopback peer: exact bytes out, whatever arrives in, with a receive timeout.
class raw_client {
 public:
  explicit raw_client(std::uint16_t port) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    timeval tv{2, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    EXPECT_EQ(connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  }
  ~raw_client() { close_now(); }
  void send(const std::string& bytes) {
    ASSERT_EQ(::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL),
              static_cast<ssize_t>(bytes.size()));
  }
  // Reads until `until` has arrived (or EOF / timeout); returns everything read.
  std::string read_until(const std::string& until) {
    while (buf_.find(until) == std::string::npos) {
      char tmp[4096];
      ssize_t n = recv(fd_, tmp, sizeof tmp, 0);
      if (n <= 0) break;
      buf_.append(tmp, static_cast<std::size_t>(n));
    }
    auto at = buf_.find(until);
    std::string out = at == std::string::npos ? buf_ : buf_.substr(0, at + until.size());
    buf_.erase(0, out.size());
    return out;
  }
  void close_now() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
  std::string buf_;
};

harness::scenario scenario_from(const std::string& toml) {
  return harness::parse_scenario(toml, "test.toml", "test/scenario");
}

std::vector<connection_record> run(const harness::scenario& scen,
                                   const std::function<void(raw_client&)>& client) {
  fake_server server(scen, {.session_timeout = 3000ms});
  auto port = server.start();
  {
    raw_client c(port);
    client(c);
  }
  EXPECT_TRUE(server.wait_idle(1, 3000ms));
  server.stop();
  return server.connections();
}

const char* const script_head = R"(protocol = "smtp"
summary = "t"
[server]
mode = "script"
)";

TEST(FakeServer, ScriptRecordsEveryByteBothWays) {
  auto scen = scenario_from(std::string(script_head) + R"(
[[server.step]]
send = "220 hi"
[[server.step]]
expect = "EHLO *"
send = ["250-fake.test", "250 8BITMIME"]
)");
  auto conns = run(scen, [](raw_client& c) {
    EXPECT_EQ(c.read_until("\r\n"), "220 hi\r\n");
    c.send("EHLO a.example\r\n");
    EXPECT_EQ(c.read_until("250 8BITMIME\r\n"), "250-fake.test\r\n250 8BITMIME\r\n");
  });
  ASSERT_EQ(conns.size(), 1u);
  const auto& t = conns[0].transcript;
  EXPECT_TRUE(conns[0].problems.empty());
  EXPECT_EQ(t.stream(direction::client_to_server), "EHLO a.example\r\n");
  EXPECT_EQ(t.stream(direction::server_to_client), "220 hi\r\n250-fake.test\r\n250 8BITMIME\r\n");
  EXPECT_EQ(t.events.front().kind, event_kind::open);
  EXPECT_EQ(t.events.back().kind, event_kind::close);
  EXPECT_EQ(t.events.back().dir, direction::client_to_server);
}

TEST(FakeServer, ScriptMismatchNamesFileAndLine) {
  auto scen = scenario_from(std::string(script_head) + R"(
[[server.step]]
send = "220 hi"
[[server.step]]
expect = "HELO *"
send = "250 ok"
)");
  auto conns = run(scen, [](raw_client& c) {
    c.read_until("\r\n");
    c.send("EHLO a.example\r\n");
    EXPECT_EQ(c.read_until("\r\n").substr(0, 3), "503");
  });
  ASSERT_EQ(conns[0].problems.size(), 1u);
  EXPECT_NE(conns[0].problems[0].find("test.toml:8"), std::string::npos) << conns[0].problems[0];
  EXPECT_NE(conns[0].problems[0].find("EHLO a.example"), std::string::npos);
}

TEST(FakeServer, NeverNormalisesBareLineFeeds) {
  auto scen = scenario_from(std::string(script_head) + R"(
[[server.step]]
send = "220 hi"
[[server.step]]
expect = "NOOP"
send = "250 ok"
)");
  auto conns = run(scen, [](raw_client& c) {
    c.read_until("\r\n");
    c.send("NOOP\n");
    c.read_until("\r\n");
  });
  EXPECT_TRUE(conns[0].problems.empty());
  EXPECT_EQ(conns[0].transcript.stream(direction::client_to_server), "NOOP\n");
}

TEST(FakeServer, DripSplitsTheReplyIntoSeparateWrites) {
  auto scen = scenario_from(std::string(script_head) + R"(
[[server.step]]
send = "220 hi"
fault = { kind = "drip", bytes = 2 }
)");
  auto conns = run(scen, [](raw_client& c) { EXPECT_EQ(c.read_until("\r\n"), "220 hi\r\n"); });
  int writes = 0;
  for (const auto& e : conns[0].transcript.events)
    if (e.kind == event_kind::data && e.dir == direction::server_to_client) {
      EXPECT_LE(e.bytes.size(), 2u);
      ++writes;
    }
  EXPECT_EQ(writes, 4);
}

TEST(FakeServer, DataBlockEndsOnlyAtCrlfDotCrlf) {
  auto scen = scenario_from(std::string(script_head) + R"(
[[server.step]]
send = "354 go"
[[server.step]]
read = "data"
expect_data = { equals = "a\n.\nb\r\n..c\r\n.\r\n" }
send = "250 ok"
)");
  auto conns = run(scen, [](raw_client& c) {
    c.read_until("\r\n");
    c.send("a\n.\nb\r\n..c\r\n.\r\n");
    EXPECT_EQ(c.read_until("\r\n"), "250 ok\r\n");
  });
  EXPECT_TRUE(conns[0].problems.empty()) << conns[0].problems[0];
}

TEST(FakeServer, StallEndsAtTheSessionDeadline) {
  auto scen = scenario_from(std::string(script_head) + R"(
[[server.step]]
send = "220 hi"
fault = { kind = "stall" }
)");
  fake_server server(scen, {.session_timeout = 300ms});
  raw_client c(server.start());
  c.read_until("\r\n");
  // The client never closes: the deadline must end the session on its own.
  EXPECT_TRUE(server.wait_idle(1, 3000ms));
  server.stop();
  auto conns = server.connections();
  bool noted = false;
  for (const auto& e : conns[0].transcript.events)
    noted |= e.kind == event_kind::note && e.bytes.find("deadline") != std::string::npos;
  EXPECT_TRUE(noted);
}

TEST(FakeServer, PlaintextInsteadOfTlsHandshakeIsRecorded) {
  auto scen = scenario_from(std::string(script_head) + R"(
[[server.step]]
expect = "STARTTLS"
send = "220 go ahead"
starttls = true
)");
  auto conns = run(scen, [](raw_client& c) {
    c.send("STARTTLS\r\n");
    c.read_until("\r\n");
    c.send("EHLO a.example\r\n");
    c.read_until("never");
  });
  const auto& ev = conns[0].transcript.events;
  auto failed = std::find_if(ev.begin(), ev.end(),
                             [](const auto& e) { return e.kind == event_kind::tls_failed; });
  ASSERT_NE(failed, ev.end());
  EXPECT_EQ(std::prev(failed)->bytes, "EHLO a.example\r\n");
  EXPECT_EQ(std::prev(std::prev(failed))->kind, event_kind::tls_start);
}

TEST(FakeServer, ModelServesAWholeSmtpSession) {
  auto scen = scenario_from(R"(protocol = "smtp"
summary = "t"
[server]
mode = "model"
[[server.override]]
on = "RCPT TO:<*@x.test>"
reply = "550 5.1.1 nope"
)");
  auto conns = run(scen, [](raw_client& c) {
    EXPECT_EQ(c.read_until("\r\n").substr(0, 4), "220 ");
    c.send("EHLO a.example\r\n");
    EXPECT_NE(c.read_until("250 SMTPUTF8\r\n").find("250-PIPELINING"), std::string::npos);
    c.send(
        "MAIL FROM:<a@a.example>\r\nRCPT TO:<b@x.test>\r\nRCPT TO:<c@blocked.test>\r\nRCPT "
        "TO:<d@ok.test>\r\nDATA\r\n");
    EXPECT_EQ(c.read_until("354"),
              "250 2.1.0 Ok\r\n550 5.1.1 nope\r\n550 5.1.1 <c@blocked.test>: Recipient address "
              "rejected\r\n250 2.1.5 Ok\r\n354");
    c.read_until("\r\n");
    c.send("Subject: x\r\n\r\n..dot\r\n.\r\n");
    EXPECT_EQ(c.read_until("\r\n").substr(0, 4), "250 ");
    c.send("QUIT\r\n");
    EXPECT_EQ(c.read_until("\r\n").substr(0, 4), "221 ");
  });
  EXPECT_TRUE(conns[0].problems.empty());
  bool delivered = false;
  for (const auto& e : conns[0].transcript.events)
    delivered |= e.kind == event_kind::note &&
                 e.bytes.find("1 recipient(s), 20 octets") != std::string::npos;
  EXPECT_TRUE(delivered);
  EXPECT_EQ(conns[0].transcript.events.back().kind, event_kind::close);
}

TEST(FakeServer, ReadBytesReadsExactlyThatMany) {
  auto scen = scenario_from(std::string(script_head) + R"(
[[server.step]]
read_bytes = 5
expect_data = { equals = "hello" }
send = "250 got five"
)");
  auto conns = run(scen, [](raw_client& c) {
    c.send("hello");
    EXPECT_EQ(c.read_until("\r\n"), "250 got five\r\n");
  });
  EXPECT_TRUE(conns[0].problems.empty()) << conns[0].problems[0];
}

TEST(FakeServer, InvalidServerSectionsNameFileAndLine) {
  auto bad = [](const std::string& body) {
    try {
      validate_server(harness::parse_scenario(body, "bad.toml", "x"));
    } catch (const harness::scenario_error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(bad(std::string(script_head) + "[[server.step]]\nexpct = \"EHLO\"\n").substr(0, 10),
            "bad.toml:6");
  EXPECT_NE(bad(std::string(script_head) + "[[server.step]]\nread = \"body\"\n")
                .find("unknown block kind 'body'"),
            std::string::npos);
  EXPECT_NE(bad(std::string(script_head) + "[[server.step]]\nfault = { kind = \"melt\" }\n")
                .find("unknown fault kind"),
            std::string::npos);
  EXPECT_NE(bad("protocol = \"smtp\"\nsummary = \"t\"\n[server]\nmode = "
                "\"model\"\n[server.model]\nsize = 3\n")
                .find("bad.toml:6: unknown SMTP model key 'size'"),
            std::string::npos);
  EXPECT_NE(bad("protocol = \"gopher\"\nsummary = \"t\"\n[server]\nmode = \"model\"\n")
                .find("no fake server speaks"),
            std::string::npos);
}

}  // namespace
}  // namespace ph::fakeservers
