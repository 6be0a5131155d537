#include "fakeservers/nntp/nntp_dialect.hpp"

#include <functional>

#include <gtest/gtest.h>

#include "fakeservers/fake_server.hpp"
#include "tests/fakeservers/dialect_of.hpp"
#include "tests/fakeservers/raw_client.hpp"

namespace ph::fakeservers::nntp {
namespace {

using ph::direction;
using namespace std::chrono_literals;

// The shared raw peer, reading NNTP status lines without their CRLF.
class raw_client : public test::raw_client {
 public:
  using test::raw_client::raw_client;
  // One status line, without CRLF.
  std::string line() {
    auto l = read_until("\r\n");
    return l.ends_with("\r\n") ? l.substr(0, l.size() - 2) : l;
  }
  // A command and its single-line response.
  std::string cmd(const std::string& c) {
    send(c + "\r\n");
    return line();
  }
  // A command and its multi-line response (status line included), raw.
  std::string multi(const std::string& c) {
    send(c + "\r\n");
    return block();
  }
};

const char* const model_head = R"(protocol = "nntp"
summary = "t"
[server]
mode = "model"
)";

std::vector<connection_record> run(const std::string& toml,
                                   const std::function<void(raw_client&)>& client) {
  auto scen = ph::parse_scenario(toml, "test.toml", "test/nntp");
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

std::vector<connection_record> run_default(const std::function<void(raw_client&)>& client) {
  return run(model_head, client);
}

TEST(NntpModel, GreetsWith200AndListsCapabilities) {
  run_default([](raw_client& c) {
    EXPECT_EQ(c.line().substr(0, 4), "200 ");
    auto caps = c.multi("CAPABILITIES");
    EXPECT_EQ(caps.substr(0, 4), "101 ");
    EXPECT_NE(caps.find("\r\nVERSION 2\r\n"), std::string::npos);
    EXPECT_NE(caps.find("\r\nREADER\r\n"), std::string::npos);
    EXPECT_NE(caps.find("\r\nPOST\r\n"), std::string::npos);
    EXPECT_NE(caps.find("\r\nSTARTTLS\r\n"), std::string::npos);
    EXPECT_EQ(c.cmd("MODE READER").substr(0, 4), "200 ");
    EXPECT_EQ(c.cmd("QUIT").substr(0, 4), "205 ");
  });
}

TEST(NntpModel, NoPostingGreets201AndRefusesPost) {
  run(std::string(model_head) + "[server.model]\nposting_allowed = false\n", [](raw_client& c) {
    EXPECT_EQ(c.line().substr(0, 4), "201 ");
    EXPECT_EQ(c.multi("CAPABILITIES").find("\r\nPOST\r\n"), std::string::npos);
    EXPECT_EQ(c.cmd("POST").substr(0, 4), "440 ");
  });
}

TEST(NntpModel, GroupSetsThePointerAndNextLastWalkIt) {
  run_default([](raw_client& c) {
    c.line();
    EXPECT_EQ(c.cmd("NEXT").substr(0, 4), "412 ");
    EXPECT_EQ(c.cmd("GROUP local.test"), "211 6 1 6 local.test");
    EXPECT_EQ(c.cmd("STAT"), "223 1 <ph.1@fake.test>");
    EXPECT_EQ(c.cmd("LAST").substr(0, 4), "422 ");
    EXPECT_EQ(c.cmd("NEXT"), "223 2 <ph.2@fake.test> retrieved");
    EXPECT_EQ(c.cmd("STAT 6"), "223 6 <ph.6@fake.test>");
    EXPECT_EQ(c.cmd("NEXT").substr(0, 4), "421 ");
    EXPECT_EQ(c.cmd("LAST"), "223 5 <ph.5@fake.test> retrieved");
    // By message-id: number 0 and the pointer stays (RFC 3977 §6.2.4).
    EXPECT_EQ(c.cmd("STAT <ph.1@fake.test>"), "223 0 <ph.1@fake.test>");
    EXPECT_EQ(c.cmd("STAT"), "223 5 <ph.5@fake.test>");
    EXPECT_EQ(c.cmd("STAT 99").substr(0, 4), "423 ");
    EXPECT_EQ(c.cmd("STAT <nope@fake.test>").substr(0, 4), "430 ");
    EXPECT_EQ(c.cmd("GROUP local.empty"), "211 0 1 0 local.empty");
    EXPECT_EQ(c.cmd("STAT").substr(0, 4), "420 ");
    EXPECT_EQ(c.cmd("GROUP no.such").substr(0, 4), "411 ");
  });
}

TEST(NntpModel, ArticleBodyIsDotStuffed) {
  run_default([](raw_client& c) {
    c.line();
    c.cmd("GROUP local.test");
    auto body = c.multi("BODY 3");
    EXPECT_EQ(body,
              "222 3 <ph.3@fake.test>\r\nBelow, a line that starts with a dot.\r\n"
              "..hidden dot line\r\n...two dots\r\nend\r\n.\r\n");
    auto art = c.multi("ARTICLE <ph.2@fake.test>");
    EXPECT_EQ(art.substr(0, 26), "220 0 <ph.2@fake.test>\r\nPa");
    EXPECT_NE(art.find("\r\nReferences: <ph.1@fake.test>\r\n"), std::string::npos);
    EXPECT_NE(art.find("\r\n\r\nA reply.\r\n.\r\n"), std::string::npos);
    auto head = c.multi("HEAD 1");
    EXPECT_NE(head.find("Subject: First article\r\n"), std::string::npos);
  });
}

TEST(NntpModel, OverRanges) {
  run_default([](raw_client& c) {
    c.line();
    EXPECT_EQ(c.cmd("OVER 1-").substr(0, 4), "412 ");
    c.cmd("GROUP local.test");
    auto one = c.multi("OVER 2");
    EXPECT_EQ(one.substr(0, 4), "224 ");
    EXPECT_NE(one.find("\r\n2\tRe: First article\tTester <tester@fake.test>\t"), std::string::npos);
    EXPECT_NE(one.find("\t<ph.2@fake.test>\t<ph.1@fake.test>\t"), std::string::npos);
    auto all = c.multi("OVER 1-");
    EXPECT_EQ(std::count(all.begin(), all.end(), '\n'), 8);  // status, 6 lines, "."
    auto mid = c.multi("XOVER 2-4");
    EXPECT_EQ(std::count(mid.begin(), mid.end(), '\n'), 5);
    EXPECT_EQ(c.cmd("OVER 50-60").substr(0, 4), "423 ");
    EXPECT_EQ(c.cmd("OVER 5-2").substr(0, 4), "423 ");
    auto by_id = c.multi("OVER <ph.4@fake.test>");
    EXPECT_NE(by_id.find("\r\n0\tEmpty lines\t"), std::string::npos);
    auto fmt = c.multi("LIST OVERVIEW.FMT");
    EXPECT_NE(fmt.find("\r\n:bytes\r\n:lines\r\n.\r\n"), std::string::npos);
  });
}

TEST(NntpModel, ListgroupSelectsAndFilters) {
  run_default([](raw_client& c) {
    c.line();
    EXPECT_EQ(c.cmd("LISTGROUP").substr(0, 4), "412 ");
    EXPECT_EQ(c.multi("LISTGROUP local.test 2-3"),
              "211 6 1 6 local.test list follows\r\n2\r\n3\r\n.\r\n");
    EXPECT_EQ(c.cmd("STAT"), "223 1 <ph.1@fake.test>");
  });
}

TEST(NntpModel, PostUnstuffsAndFilesTheArticle) {
  auto conns = run_default([](raw_client& c) {
    c.line();
    EXPECT_EQ(c.cmd("POST").substr(0, 4), "340 ");
    c.send(
        "From: a@client.example\r\nNewsgroups: local.test\r\nSubject: hi\r\n"
        "Message-ID: <new.1@client.example>\r\n\r\n..dotted\r\nplain\r\n.\r\n");
    EXPECT_EQ(c.line(), "240 <new.1@client.example> Article received OK");
    EXPECT_EQ(c.cmd("GROUP local.test"), "211 7 1 7 local.test");
    EXPECT_EQ(c.multi("BODY <new.1@client.example>"),
              "222 0 <new.1@client.example>\r\n..dotted\r\nplain\r\n.\r\n");
    EXPECT_EQ(c.cmd("POST").substr(0, 4), "340 ");
    c.send("From: a@client.example\r\nSubject: no groups\r\n\r\nbody\r\n.\r\n");
    EXPECT_EQ(c.line().substr(0, 4), "441 ");
  });
  ASSERT_EQ(conns.size(), 1u);
  // The wire keeps the stuffing; only the filed article is un-stuffed.
  EXPECT_NE(conns[0].transcript.stream(direction::client_to_server).find("\r\n..dotted\r\n"),
            std::string::npos);
}

TEST(NntpModel, IhaveRefusesKnownArticles) {
  run_default([](raw_client& c) {
    c.line();
    EXPECT_EQ(c.cmd("IHAVE <ph.1@fake.test>").substr(0, 4), "435 ");
    EXPECT_EQ(c.cmd("IHAVE <x.1@peer.example>").substr(0, 4), "335 ");
    c.send(
        "From: a@peer.example\r\nNewsgroups: local.test\r\nSubject: fed\r\n"
        "Message-ID: <x.1@peer.example>\r\nPath: peer\r\n\r\nhello\r\n.\r\n");
    EXPECT_EQ(c.line().substr(0, 4), "235 ");
    EXPECT_EQ(c.cmd("IHAVE <x.2@peer.example>").substr(0, 4), "335 ");
    c.send("garbage without headers\r\n.\r\n");
    EXPECT_EQ(c.line().substr(0, 4), "437 ");
  });
}

TEST(NntpModel, AuthRequiredUntilAuthinfo) {
  run(std::string(model_head) + "[server.model]\nauth_required = true\n", [](raw_client& c) {
    c.line();
    EXPECT_EQ(c.cmd("GROUP local.test").substr(0, 4), "480 ");
    EXPECT_EQ(c.cmd("AUTHINFO PASS test").substr(0, 4), "482 ");
    EXPECT_EQ(c.cmd("AUTHINFO USER test").substr(0, 4), "381 ");
    EXPECT_EQ(c.cmd("AUTHINFO PASS wrong").substr(0, 4), "481 ");
    EXPECT_EQ(c.cmd("AUTHINFO USER test").substr(0, 4), "381 ");
    EXPECT_EQ(c.cmd("AUTHINFO PASS test").substr(0, 4), "281 ");
    EXPECT_EQ(c.multi("CAPABILITIES").find("AUTHINFO"), std::string::npos);
    EXPECT_EQ(c.cmd("AUTHINFO USER test").substr(0, 4), "502 ");
    EXPECT_EQ(c.cmd("GROUP local.test").substr(0, 4), "211 ");
  });
}

TEST(NntpModel, ListNewgroupsNewnewsDate) {
  run(std::string(model_head) + "[server.model]\ndate = \"20250102030405\"\n", [](raw_client& c) {
    c.line();
    EXPECT_EQ(c.multi("LIST ACTIVE"),
              "215 list of newsgroups follows\r\nlocal.test 6 1 y\r\nlocal.empty 0 1 y\r\n.\r\n");
    EXPECT_EQ(c.multi("LIST ACTIVE *.empty"),
              "215 list of newsgroups follows\r\nlocal.empty 0 1 y\r\n.\r\n");
    EXPECT_NE(c.multi("LIST NEWSGROUPS").find("local.test\tprotoharness test group\r\n"),
              std::string::npos);
    EXPECT_EQ(c.multi("NEWGROUPS 20240301 000000 GMT"),
              "231 list of new newsgroups follows\r\nlocal.empty 0 1 y\r\n.\r\n");
    EXPECT_EQ(c.multi("NEWNEWS local.* 20240101 120500 GMT"),
              "230 list of new articles by message-id follows\r\n<ph.5@fake.test>\r\n"
              "<ph.6@fake.test>\r\n.\r\n");
    EXPECT_EQ(c.cmd("NEWGROUPS yesterday").substr(0, 4), "501 ");
    EXPECT_EQ(c.cmd("DATE"), "111 20250102030405");
    EXPECT_EQ(c.multi("HELP").substr(0, 4), "100 ");
    EXPECT_EQ(c.cmd("FROB").substr(0, 4), "500 ");
  });
}

TEST(NntpModel, OverridesReplaceTheModelsAnswer) {
  run(std::string(model_head) + R"([[server.override]]
on = "GROUP *"
reply = "400 service discontinued"
fault = { kind = "close" }
)",
      [](raw_client& c) {
        c.line();
        EXPECT_EQ(c.cmd("GROUP local.test"), "400 service discontinued");
        EXPECT_EQ(c.read_until("\r\n"), "");
      });
}

TEST(NntpModel, RejectsUnknownModelKeys) {
  auto scen = ph::parse_scenario(std::string(model_head) + "[server.model]\ngrups = []\n",
                                 "test.toml", "test/nntp");
  EXPECT_THROW(test::validate(scen), ph::scenario_error);
}

TEST(NntpScript, ArticleBlockIsReadRawThroughTheDot) {
  auto conns = run(R"(protocol = "nntp"
summary = "t"
[server]
mode = "script"
[[server.step]]
send = "200 hi"
[[server.step]]
expect = "POST"
send = "340 go"
[[server.step]]
read = "article"
expect_data = { contains = "\r\n..x\r\n" }
send = "240 ok"
)",
                   [](raw_client& c) {
                     c.line();
                     EXPECT_EQ(c.cmd("POST"), "340 go");
                     c.send("Subject: s\r\n\r\n..x\r\n.\r\n");
                     EXPECT_EQ(c.line(), "240 ok");
                   });
  ASSERT_EQ(conns.size(), 1u);
  EXPECT_TRUE(conns[0].problems.empty());
}

}  // namespace
}  // namespace ph::fakeservers::nntp
