#include "fakeservers/fake_server.hpp"

#include <algorithm>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "tests/fakeservers/dialect_of.hpp"
#include "tests/fakeservers/raw_client.hpp"

namespace ph::fakeservers {
namespace {

using ph::direction;
using ph::event_kind;
using namespace std::chrono_literals;

using test::raw_client;

ph::scenario scenario_from(const std::string& toml) {
  return ph::parse_scenario(toml, "test.toml", "test/scenario");
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

// The head of an SMTP scenario whose server runs in `mode` ("script" or "model").
std::string smtp_head(const std::string& mode) {
  return "protocol = \"smtp\"\nsummary = \"t\"\n[server]\nmode = \"" + mode + "\"\n";
}

const std::string script_head = smtp_head("script");

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
  ASSERT_EQ(conns.size(), 1u);
  ASSERT_EQ(conns[0].problems.size(), 1u);
  EXPECT_NE(conns[0].problems[0].find("test.toml:8"), std::string::npos) << conns[0].problems[0];
  EXPECT_NE(conns[0].problems[0].find("EHLO a.example"), std::string::npos);
}

// The script's trace: every step, expected beside actual, with the event holding the line.
TEST(FakeServer, ScriptTraceAlignsExpectedAndActualPerStep) {
  auto scen = scenario_from(std::string(script_head) + R"(
[[server.step]]
send = "220 hi"
[[server.step]]
expect = "EHLO *"
send = "250 ok"
[[server.step]]
expect = "MAIL FROM:<a@b.example>"
send = "250 ok"
[[server.step]]
expect = "QUIT"
send = "221 bye"
)");
  auto conns = run(scen, [](raw_client& c) {
    c.read_until("\r\n");
    // Pipelined: both lines arrive in one read, so both steps cite the same event.
    c.send("EHLO a.example\r\nMAIL FROM: <a@b.example>\r\n");
    c.read_until("250 ok\r\n");
    EXPECT_EQ(c.read_until("\r\n").substr(0, 3), "503");
  });
  ASSERT_EQ(conns.size(), 1u);
  const auto& trace = conns[0].script;
  ASSERT_EQ(trace.size(), 4u);
  EXPECT_EQ(trace[0].read, ph::script_read::none);
  EXPECT_EQ(trace[0].sent, "220 hi\r\n");
  EXPECT_TRUE(trace[0].reached);
  EXPECT_EQ(trace[1].step, 2);
  EXPECT_EQ(trace[1].expected, "EHLO *");
  EXPECT_EQ(trace[1].actual, "EHLO a.example\r\n");
  EXPECT_TRUE(trace[1].matched);
  EXPECT_EQ(trace[1].where, "test.toml:8");
  const auto& events = conns[0].transcript.events;
  ASSERT_GE(trace[1].event, 0);
  EXPECT_EQ(events[static_cast<std::size_t>(trace[1].event)].bytes.substr(0, 4), "EHLO");
  EXPECT_EQ(trace[2].actual, "MAIL FROM: <a@b.example>\r\n");
  EXPECT_FALSE(trace[2].matched);
  EXPECT_EQ(trace[2].mismatch, conns[0].problems.at(0));
  EXPECT_EQ(trace[2].sent.substr(0, 3), "503");
  EXPECT_GE(trace[2].event, trace[1].event);
  EXPECT_NE(events[static_cast<std::size_t>(trace[2].event)].bytes.find("MAIL FROM: <"),
            std::string::npos);
  EXPECT_FALSE(trace[3].reached);
  EXPECT_EQ(trace[3].connection, conns[0].transcript.connection);
}

TEST(FakeServer, ScriptTraceFindsALineInALaterEvent) {
  auto scen = scenario_from(std::string(script_head) + R"(
[[server.step]]
expect = "NOOP"
send = "250 ok"
[[server.step]]
read_bytes = 5
send = "250 five"
[[server.step]]
expect = "QUIT"
send = "221 bye"
)");
  auto conns = run(scen, [](raw_client& c) {
    c.send("NOOP\r\n");
    c.read_until("250 ok\r\n");
    c.send("hello");
    c.read_until("250 five\r\n");
    c.send("QU");
    std::this_thread::sleep_for(50ms);
    c.send("IT\r\n");
    c.read_until("\r\n");
  });
  const auto& trace = conns[0].script;
  ASSERT_EQ(trace.size(), 3u);
  const auto& events = conns[0].transcript.events;
  auto at = [&](int i) { return events.at(static_cast<std::size_t>(i)).bytes; };
  EXPECT_EQ(at(trace[0].event), "NOOP\r\n");
  EXPECT_EQ(trace[1].read, ph::script_read::block);
  EXPECT_EQ(trace[1].actual, "hello");
  EXPECT_EQ(at(trace[1].event), "hello");
  // A line split over two reads cites the event with its first byte.
  EXPECT_EQ(trace[2].actual, "QUIT\r\n");
  EXPECT_EQ(at(trace[2].event), "QU");
  for (const auto& tr : trace)
    EXPECT_TRUE(tr.matched) << tr.mismatch;
}

TEST(FakeServer, ScriptTraceRecordsLinesAfterTheLastStep) {
  auto scen = scenario_from(std::string(script_head) + R"(
[[server.step]]
send = "220 hi"
)");
  auto conns = run(scen, [](raw_client& c) {
    c.read_until("\r\n");
    c.send("NOOP\r\n");
    c.read_until("\r\n");
  });
  const auto& trace = conns[0].script;
  ASSERT_EQ(trace.size(), 2u);
  EXPECT_EQ(trace[1].step, 0);
  EXPECT_EQ(trace[1].actual, "NOOP\r\n");
  EXPECT_FALSE(trace[1].matched);
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
  ASSERT_EQ(conns.size(), 1u);
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
  ASSERT_EQ(conns.size(), 1u);
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
  ASSERT_EQ(conns.size(), 1u);
  EXPECT_TRUE(conns[0].problems.empty()) << conns[0].problems[0];
}

TEST(FakeServer, StallEndsAtTheSessionDeadline) {
  auto scen = scenario_from(std::string(script_head) + R"(
[[server.step]]
send = "220 hi"
fault = { kind = "stall" }
)");
  fake_server server(test::dialect_of(scen), scen, {.session_timeout = 300ms});
  raw_client c(server.start());
  c.read_until("\r\n");
  // The client never closes: the deadline must end the session on its own.
  EXPECT_TRUE(server.wait_idle(1, 3000ms));
  server.stop();
  auto conns = server.connections();
  ASSERT_EQ(conns.size(), 1u);
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
  ASSERT_EQ(conns.size(), 1u);
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
  ASSERT_EQ(conns.size(), 1u);
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
  ASSERT_EQ(conns.size(), 1u);
  EXPECT_TRUE(conns[0].problems.empty()) << conns[0].problems[0];
}

TEST(FakeServer, InvalidServerSectionsNameFileAndLine) {
  auto bad = [](const std::string& body) {
    try {
      test::validate(ph::parse_scenario(body, "bad.toml", "x"));
    } catch (const ph::scenario_error& e) {
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
}

// Server-to-client data events, in order.
std::vector<std::string> server_writes(const ph::transcript& t) {
  std::vector<std::string> out;
  for (const auto& e : t.events)
    if (e.kind == event_kind::data && e.dir == direction::server_to_client) out.push_back(e.bytes);
  return out;
}

const std::string model_head = smtp_head("model");

// RFC 5321 §4.5.2: the receiver drops the first '.' of a line; SIZE judges the un-stuffed
// message, so a message whose stuffed form exceeds the limit but whose content does not is
// accepted, and one octet more is refused.
TEST(FakeServer, SmtpModelUnstuffsDataBeforeCountingIt) {
  auto scen = scenario_from(model_head + R"(
[server.model]
extensions = ["SIZE 15"]
)");
  auto conns = run(scen, [](raw_client& c) {
    EXPECT_EQ(c.read_until("\r\n").substr(0, 4), "220 ");
    c.send("EHLO a.example\r\n");
    EXPECT_NE(c.read_until("250 SIZE 15\r\n").find("250 SIZE 15"), std::string::npos);
    c.send("MAIL FROM:<a@a.example>\r\nRCPT TO:<b@ok.test>\r\nDATA\r\n");
    c.read_until("354");
    c.read_until("\r\n");
    // 18 octets on the wire, 15 once un-stuffed: "a\r\n.\r\n..b\r\n.c\r\n".
    c.send("a\r\n..\r\n...b\r\n..c\r\n.\r\n");
    EXPECT_EQ(c.read_until("\r\n").substr(0, 4), "250 ");
    c.send("MAIL FROM:<a@a.example>\r\nRCPT TO:<b@ok.test>\r\nDATA\r\n");
    c.read_until("354");
    c.read_until("\r\n");
    c.send("a\r\n..\r\n...bb\r\n..c\r\n.\r\n");  // 16 once un-stuffed
    EXPECT_EQ(c.read_until("\r\n").substr(0, 4), "552 ");
    c.send("QUIT\r\n");
    c.read_until("\r\n");
  });
  ASSERT_EQ(conns.size(), 1u);
  std::vector<std::string> notes;
  for (const auto& e : conns[0].transcript.events)
    if (e.kind == event_kind::note && e.bytes.find("model accepted message") != std::string::npos)
      notes.push_back(e.bytes);
  ASSERT_EQ(notes.size(), 2u);
  EXPECT_NE(notes[0].find(", 15 octets"), std::string::npos) << notes[0];
  EXPECT_NE(notes[1].find(", 16 octets"), std::string::npos) << notes[1];
  // The transcript keeps the stuffed bytes as sent.
  EXPECT_NE(conns[0].transcript.stream(direction::client_to_server).find("...b\r\n"),
            std::string::npos);
}

// A fault-only override drips the model's own reply to one command: the bytes arrive whole
// and in order, in pieces of at most `bytes`, and the other replies stay single writes.
TEST(FakeServer, DripOverrideSplitsOnlyThatReply) {
  auto scen = scenario_from(model_head + R"(
[[server.override]]
on = "EHLO *"
fault = { kind = "drip", bytes = 3 }
)");
  std::string ehlo_reply;
  auto conns = run(scen, [&](raw_client& c) {
    c.read_until("\r\n");
    c.send("EHLO a.example\r\n");
    ehlo_reply = c.read_until("250 SMTPUTF8\r\n");
    c.send("QUIT\r\n");
    EXPECT_EQ(c.read_until("\r\n").substr(0, 4), "221 ");
  });
  ASSERT_EQ(conns.size(), 1u);
  ASSERT_NE(ehlo_reply.find("250-PIPELINING\r\n"), std::string::npos) << ehlo_reply;
  const auto writes = server_writes(conns[0].transcript);
  // The greeting, the EHLO reply in ceil(n / 3) pieces, the 221.
  ASSERT_EQ(writes.size(), 2 + (ehlo_reply.size() + 2) / 3);
  EXPECT_EQ(writes.front().substr(0, 4), "220 ");
  EXPECT_EQ(writes.back().substr(0, 4), "221 ");
  std::string joined;
  for (std::size_t i = 1; i + 1 < writes.size(); ++i) {
    EXPECT_LE(writes[i].size(), 3u);
    EXPECT_FALSE(writes[i].empty());
    joined += writes[i];
  }
  EXPECT_EQ(joined, ehlo_reply);
}

// A mismatch at a later step: the steps before it ran, the mismatching line gets the
// protocol's error reply, no later step runs, and what the client sends next is recorded
// without an answer. The problem names the step's line, the pattern and the line sent.
TEST(FakeServer, ScriptMismatchStopsTheScriptAtThatStep) {
  auto scen = scenario_from(std::string(script_head) + R"(
[[server.step]]
send = "220 hi"
[[server.step]]
expect = "ehlo *"
send = "250 ok"
[[server.step]]
expect_re = "MAIL FROM:<[^>]*>"
send = "250 sender ok"
[[server.step]]
expect = "*"
send = "250 never sent"
)");
  auto conns = run(scen, [](raw_client& c) {
    EXPECT_EQ(c.read_until("\r\n"), "220 hi\r\n");
    c.send("EHLO a.example\r\n");  // the glob matches without regard to case
    EXPECT_EQ(c.read_until("\r\n"), "250 ok\r\n");
    c.send("MAIL FROM: <a@a.example>\r\n");
    EXPECT_EQ(c.read_until("\r\n").substr(0, 4), "503 ");
    c.send("NOOP\r\n");
  });
  ASSERT_EQ(conns.size(), 1u);
  ASSERT_EQ(conns[0].problems.size(), 1u);
  const std::string& p = conns[0].problems[0];
  EXPECT_NE(p.find("test.toml:11"), std::string::npos) << p;
  EXPECT_NE(p.find("step 3"), std::string::npos) << p;
  EXPECT_NE(p.find("MAIL FROM:<[^>]*>"), std::string::npos) << p;
  EXPECT_NE(p.find("MAIL FROM: <a@a.example>"), std::string::npos) << p;
  const auto& t = conns[0].transcript;
  EXPECT_EQ(t.stream(direction::server_to_client).find("never sent"), std::string::npos);
  EXPECT_EQ(server_writes(t).size(), 3u);
  EXPECT_EQ(t.stream(direction::client_to_server),
            "EHLO a.example\r\nMAIL FROM: <a@a.example>\r\nNOOP\r\n");
}

// fault = { kind = "close" } on a step: its reply, then an orderly close (FIN, not RST), and
// no later step runs.
TEST(FakeServer, CloseFaultSendsTheReplyThenFin) {
  auto scen = scenario_from(std::string(script_head) + R"(
[[server.step]]
send = "220 hi"
[[server.step]]
expect = "EHLO *"
send = "421 closing"
fault = { kind = "close" }
[[server.step]]
expect = "*"
send = "250 never sent"
)");
  auto conns = run(scen, [](raw_client& c) {
    EXPECT_EQ(c.read_until("\r\n"), "220 hi\r\n");
    c.send("EHLO a.example\r\n");
    EXPECT_EQ(c.read_until("\r\n"), "421 closing\r\n");
    EXPECT_TRUE(c.orderly_eof());
  });
  ASSERT_EQ(conns.size(), 1u);
  EXPECT_TRUE(conns[0].problems.empty());
  const auto& ev = conns[0].transcript.events;
  const auto closed = std::find_if(ev.begin(), ev.end(), [](const auto& e) {
    return e.kind == event_kind::close && e.dir == direction::server_to_client;
  });
  ASSERT_NE(closed, ev.end());
  ASSERT_NE(closed, ev.begin());
  EXPECT_EQ(std::prev(closed)->bytes, "421 closing\r\n");
  for (auto e = closed; e != ev.end(); ++e)
    EXPECT_FALSE(e->kind == event_kind::data && e->dir == direction::server_to_client);
  EXPECT_EQ(std::count_if(ev.begin(), ev.end(),
                          [](const auto& e) { return e.kind == event_kind::reset; }),
            0);
}

// The model's close override: the matched command gets no answer, only the close.
TEST(FakeServer, CloseOverrideEndsTheModelSessionUnanswered) {
  auto scen = scenario_from(model_head + R"(
[[server.override]]
command = 2
fault = { kind = "close" }
)");
  auto conns = run(scen, [](raw_client& c) {
    c.read_until("\r\n");
    c.send("EHLO a.example\r\n");
    c.read_until("250 SMTPUTF8\r\n");
    c.send("MAIL FROM:<a@a.example>\r\n");
    EXPECT_TRUE(c.orderly_eof());
  });
  ASSERT_EQ(conns.size(), 1u);
  const auto& ev = conns[0].transcript.events;
  const auto mail = std::find_if(ev.begin(), ev.end(), [](const auto& e) {
    return e.kind == event_kind::data && e.bytes.starts_with("MAIL FROM:");
  });
  ASSERT_NE(mail, ev.end());
  bool closed = false;
  for (auto e = std::next(mail); e != ev.end(); ++e) {
    EXPECT_FALSE(e->kind == event_kind::data && e->dir == direction::server_to_client) << e->bytes;
    closed |= e->kind == event_kind::close && e->dir == direction::server_to_client;
  }
  EXPECT_TRUE(closed);
}

}  // namespace
}  // namespace ph::fakeservers
