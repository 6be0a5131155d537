#include "fakeservers/ftp/ftp_dialect.hpp"

#include <functional>

#include <gtest/gtest.h>

#include "fakeservers/engine/script.hpp"
#include "fakeservers/ftp/ftp_script.hpp"
#include "tests/fakeservers/dialect_of.hpp"
#include "tests/fakeservers/raw_client.hpp"

namespace ph::fakeservers::ftp {
namespace {

using ph::direction;
using ph::event_kind;
using namespace std::chrono_literals;

using test::raw_client;

// The port of a "227 ... (h1,h2,h3,h4,p1,p2)" or "229 ... (|||port|)" reply.
std::uint16_t reply_port(const std::string& reply) {
  if (reply.starts_with("229")) {
    auto a = reply.find("|||");
    return static_cast<std::uint16_t>(std::stoi(reply.substr(a + 3)));
  }
  auto open = reply.find('(');
  std::vector<int> v;
  std::size_t at = open + 1;
  for (int i = 0; i < 6; ++i) {
    v.push_back(std::stoi(reply.substr(at)));
    at = reply.find(',', at) + 1;
  }
  return static_cast<std::uint16_t>(v[4] * 256 + v[5]);
}

ph::scenario scen(const std::string& server) {
  return ph::parse_scenario("protocol = \"ftp\"\nsummary = \"t\"\n[server]\n" + server, "test.toml",
                            "test/ftp");
}

ph::scenario model(const std::string& extra = "") {
  return scen("mode = \"model\"\n" + extra);
}

std::vector<connection_record> run(const ph::scenario& sc,
                                   const std::function<void(raw_client&, std::uint16_t)>& client) {
  fake_server server(test::dialect_of(sc), sc, {.session_timeout = 3000ms});
  auto port = server.start();
  {
    raw_client c(port);
    client(c, port);
  }
  EXPECT_TRUE(server.wait_idle(1, 4000ms));
  server.stop();
  return server.connections();
}

void login(raw_client& c, const std::string& user = "test", const std::string& pw = "test") {
  EXPECT_TRUE(c.line().starts_with("220"));
  EXPECT_TRUE(c.cmd("USER " + user).starts_with("331"));
  EXPECT_TRUE(c.cmd("PASS " + pw).starts_with("230"));
}

// PASV, then the command; returns what the data connection carried.
std::string transfer(raw_client& c, const std::string& command) {
  auto port = reply_port(c.cmd("EPSV"));
  raw_client data(port);
  c.send(command + "\r\n");
  EXPECT_TRUE(c.line().starts_with("150"));
  std::string got = data.read_all();
  EXPECT_TRUE(c.line().starts_with("226"));
  return got;
}

TEST(FtpDialect, LoginAnonymousAndUserPassword) {
  run(model(), [](raw_client& c, std::uint16_t) {
    EXPECT_TRUE(c.line().starts_with("220"));
    EXPECT_TRUE(c.cmd("PWD").starts_with("530"));
    EXPECT_TRUE(c.cmd("USER test").starts_with("331"));
    EXPECT_TRUE(c.cmd("PASS wrong").starts_with("530"));
    EXPECT_TRUE(c.cmd("USER anonymous").starts_with("331"));
    EXPECT_TRUE(c.cmd("PASS a@b").starts_with("230"));
    EXPECT_EQ(c.cmd("PWD"), "257 \"/\" is the current directory\r\n");
    EXPECT_TRUE(c.cmd("QUIT").starts_with("221"));
  });
}

TEST(FtpDialect, FeatIsMultiLineWithIndentedFeatures) {
  run(model(), [](raw_client& c, std::uint16_t) {
    c.line();
    c.send("FEAT\r\n");
    std::string feat = c.read_until("211 End\r\n");
    EXPECT_TRUE(feat.starts_with("211-")) << feat;
    EXPECT_NE(feat.find("\r\n EPSV\r\n"), std::string::npos) << feat;
    EXPECT_NE(feat.find("\r\n AUTH TLS\r\n"), std::string::npos) << feat;
  });
}

TEST(FtpDialect, PathsNeverEscapeTheTree) {
  auto conns = run(model(), [](raw_client& c, std::uint16_t) {
    login(c);
    EXPECT_TRUE(c.cmd("CWD ..").starts_with("550"));
    EXPECT_TRUE(c.cmd("CWD pub/../..").starts_with("550"));
    EXPECT_TRUE(c.cmd("SIZE ../etc/passwd").starts_with("550"));
    EXPECT_TRUE(c.cmd("RETR /../../etc/passwd").starts_with("550"));
    EXPECT_TRUE(c.cmd("CWD /etc").starts_with("550"));  // absolute = inside the tree
    c.send(std::string("SIZE pub/hello.txt\0/x\r\n", 23));
    EXPECT_TRUE(c.line().starts_with("501"));
    EXPECT_TRUE(c.cmd("CWD /pub").starts_with("250"));
    EXPECT_TRUE(c.cmd("CDUP").starts_with("250"));
    EXPECT_TRUE(c.cmd("CDUP").starts_with("550"));
    EXPECT_EQ(c.cmd("PWD"), "257 \"/\" is the current directory\r\n");
  });
  ASSERT_EQ(conns.size(), 1u);
  EXPECT_TRUE(conns[0].problems.empty());
}

TEST(FtpDialect, RetrInBinaryAndAsciiRecordsADataChannel) {
  auto conns = run(model(), [](raw_client& c, std::uint16_t) {
    login(c);
    EXPECT_TRUE(c.cmd("TYPE I").starts_with("200"));
    EXPECT_EQ(c.cmd("SIZE pub/lines.txt"), "213 14\r\n");
    EXPECT_EQ(transfer(c, "RETR pub/lines.txt"), "one\ntwo\nthree\n");
    EXPECT_TRUE(c.cmd("TYPE A").starts_with("200"));
    EXPECT_EQ(c.cmd("SIZE pub/lines.txt"), "213 17\r\n");
    EXPECT_EQ(transfer(c, "RETR pub/lines.txt"), "one\r\ntwo\r\nthree\r\n");
    EXPECT_EQ(transfer(c, "NLST pub/empty"), "");
  });
  ASSERT_EQ(conns.size(), 1u);
  const auto& t = conns[0].transcript;
  ASSERT_EQ(t.channels.size(), 4u);
  EXPECT_EQ(t.channels[1].label, "data 1");
  EXPECT_EQ(t.stream(direction::server_to_client, 2), "one\r\ntwo\r\nthree\r\n");
  int opens = 0;
  for (const auto& e : t.events)
    if (e.kind == event_kind::open && e.channel == 1) {
      ++opens;
      EXPECT_EQ(e.dir, direction::client_to_server);  // passive: the client connected
    }
  EXPECT_EQ(opens, 1);
}

TEST(FtpDialect, StoreWithRestAndAppendThenListings) {
  run(model(), [](raw_client& c, std::uint16_t) {
    login(c);
    c.cmd("TYPE I");
    auto upload = [&](const std::string& command, const std::string& bytes) {
      auto port = reply_port(c.cmd("PASV"));
      raw_client data(port);
      c.send(command + "\r\n");
      EXPECT_TRUE(c.line().starts_with("150"));
      data.send(bytes);
      data.close_now();
      return c.line();
    };
    EXPECT_TRUE(c.cmd("STOR pub/x").starts_with("550"));  // pub is read-only
    EXPECT_TRUE(upload("STOR upload/a.bin", "0123456789").starts_with("226"));
    EXPECT_TRUE(c.cmd("REST 4").starts_with("350"));
    EXPECT_TRUE(upload("STOR upload/a.bin", "xy").starts_with("226"));
    EXPECT_TRUE(upload("APPE upload/a.bin", "!").starts_with("226"));
    EXPECT_EQ(transfer(c, "RETR upload/a.bin"), "0123xy!");
    EXPECT_TRUE(c.cmd("REST 5").starts_with("350"));
    EXPECT_EQ(transfer(c, "RETR upload/a.bin"), "y!");
    EXPECT_EQ(transfer(c, "MLSD upload"),
              "type=file;size=7;modify=20240102030405;perm=radfw; a.bin\r\n");
    std::string list = transfer(c, "LIST upload");
    EXPECT_TRUE(list.starts_with("-rw-r--r--")) << list;
    EXPECT_TRUE(list.ends_with(" a.bin\r\n")) << list;
    EXPECT_TRUE(c.cmd("RNFR upload/a.bin").starts_with("350"));
    EXPECT_TRUE(c.cmd("RNTO upload/b.bin").starts_with("250"));
    EXPECT_TRUE(c.cmd("RNTO upload/c.bin").starts_with("503"));
    EXPECT_TRUE(c.cmd("DELE upload/b.bin").starts_with("250"));
    EXPECT_EQ(c.cmd("MKD upload/d"), "257 \"/upload/d\" created\r\n");
    EXPECT_TRUE(c.cmd("RMD upload/d").starts_with("250"));
    EXPECT_TRUE(c.cmd("RETR upload/b.bin").starts_with("550"));
  });
}

TEST(FtpDialect, ActiveModeConnectsOnlyToLoopback) {
  auto conns = run(model(), [](raw_client& c, std::uint16_t) {
    login(c);
    EXPECT_TRUE(c.cmd("PORT 10,0,0,1,4,1").starts_with("500"));
    EXPECT_TRUE(c.cmd("EPRT |1|192.0.2.1|1025|").starts_with("500"));
    EXPECT_TRUE(c.cmd("PORT 1,2,3").starts_with("501"));
    int lfd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(bind(lfd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    socklen_t len = sizeof addr;
    getsockname(lfd, reinterpret_cast<sockaddr*>(&addr), &len);
    listen(lfd, 1);
    unsigned port = ntohs(addr.sin_port);
    EXPECT_TRUE(c.cmd("EPRT |1|127.0.0.1|" + std::to_string(port) + "|").starts_with("200"));
    c.send("RETR pub/hello.txt\r\n");
    int dfd = accept(lfd, nullptr, nullptr);
    ASSERT_GE(dfd, 0);
    std::string got;
    char buf[256];
    ssize_t n;
    while ((n = recv(dfd, buf, sizeof buf, 0)) > 0)
      got.append(buf, static_cast<std::size_t>(n));
    ::close(dfd);
    ::close(lfd);
    EXPECT_EQ(got, "hello, world\r\n");  // TYPE A by default
    EXPECT_TRUE(c.line().starts_with("150"));
    EXPECT_TRUE(c.line().starts_with("226"));
  });
  ASSERT_EQ(conns.size(), 1u);
  bool active_open = false;
  for (const auto& e : conns[0].transcript.events)
    if (e.kind == event_kind::open && e.channel == 1)
      active_open = e.dir == direction::server_to_client;
  EXPECT_TRUE(active_open);
}

TEST(FtpDialect, ModelTreeIsValidatedWithLocations) {
  EXPECT_THROW(test::validate(model("[server.model]\ntree = { a = { size = \"x\" } }\n")),
               ph::scenario_error);
  EXPECT_THROW(test::validate(model("[server.model]\ntree = { a = 1 }\n")), ph::scenario_error);
  EXPECT_THROW(test::validate(model("[server.model]\nbogus = 1\n")), ph::scenario_error);
  try {
    test::validate(model("[server.model]\ntree = { d = { entries = {}, perm = \"rwz\" } }\n"));
    FAIL() << "no error";
  } catch (const ph::scenario_error& e) {
    EXPECT_NE(std::string(e.what()).find("test.toml:"), std::string::npos) << e.what();
  }
}

// A client nesting directories without end (MKD d, CWD d, ...) meets the model's depth bound:
// replies that quote the path stay short and the tree stays small.
TEST(FtpDialect, NestedDirectoriesStopAtTheDepthBound) {
  auto conns = run(model(), [](raw_client& c, std::uint16_t) {
    login(c);
    EXPECT_TRUE(c.cmd("CWD upload").starts_with("250"));
    int made = 0;
    std::string refused;
    for (int i = 0; i < 1000; ++i) {
      const std::string r = c.cmd("MKD d");
      if (!r.starts_with("257")) {
        refused = r;
        break;
      }
      ++made;
      ASSERT_TRUE(c.cmd("CWD d").starts_with("250"));
    }
    EXPECT_EQ(made, 255);  // /upload plus 255 levels: the default bound of 256
    EXPECT_EQ(refused, "550 Path too long (the model allows 4096 octets, 256 levels)\r\n");
    EXPECT_TRUE(c.cmd("CWD d").starts_with("550"));
    EXPECT_TRUE(c.cmd("STOR d").starts_with("553"));  // RFC 959: STOR's "not allowed"
    EXPECT_TRUE(c.cmd("PWD").starts_with("257"));
  });
  EXPECT_LT(conns[0].transcript.bytes(direction::server_to_client), 256u * 1024);
}

TEST(FtpDialect, PathLengthAndEntriesAreBoundedAsConfigured) {
  run(model("[server.model]\nmax_path = 20\nmax_entries = 2\n"), [](raw_client& c, std::uint16_t) {
    login(c);
    EXPECT_TRUE(c.cmd("MKD upload/aaaaaaaaaaaaaaaaaaaa").starts_with("550 Path too long"));
    EXPECT_TRUE(c.cmd("SIZE upload/aaaaaaaaaaaaaaaaaaaa").starts_with("550 Path too long"));
    EXPECT_TRUE(c.cmd("MKD upload/a").starts_with("257"));
    EXPECT_TRUE(c.cmd("MKD upload/b").starts_with("257"));
    EXPECT_TRUE(c.cmd("MKD upload/c").starts_with("550 Too many entries"));
    c.send("STOR upload/f\r\n");
    EXPECT_TRUE(c.line().starts_with("552"));  // RFC 959: exceeded storage allocation
    EXPECT_TRUE(c.cmd("RMD upload/a").starts_with("250"));
    EXPECT_TRUE(c.cmd("MKD upload/c").starts_with("550 Too many entries"))
        << "the bound counts what the connection made, not what is left";
  });
  EXPECT_THROW(test::validate(model("[server.model]\nmax_depth = 0\n")), ph::scenario_error);
}

// The data_* step keys are FTP's (ftp_script.hpp): another protocol's script names them as
// unknown, and FTP's lists them after the engine's own keys.
TEST(FtpDialect, ScriptDataKeysBelongToFtpOnly) {
  const auto smtp = ph::parse_scenario(
      "protocol = \"smtp\"\nsummary = \"t\"\n[server]\nmode = \"script\"\n"
      "[[server.step]]\ndata_listen = \"pasv\"\n",
      "test.toml", "test/smtp");
  try {
    test::validate(smtp);
    ADD_FAILURE() << "an SMTP script took data_listen";
  } catch (const ph::scenario_error& e) {
    EXPECT_NE(std::string(e.what()).find("unknown step key 'data_listen' (expect,"),
              std::string::npos)
        << e.what();
    EXPECT_EQ(std::string(e.what()).find("data_port"), std::string::npos) << e.what();
  }
  try {
    test::validate(scen("mode = \"script\"\n[[server.step]]\ndata_lisen = \"pasv\"\n"));
    ADD_FAILURE() << "an FTP script took data_lisen";
  } catch (const ph::scenario_error& e) {
    EXPECT_NE(std::string(e.what()).find("close, data_port, data_listen,"), std::string::npos)
        << e.what();
  }
}

TEST(FtpDialect, ScriptDataKeysAreValidated) {
  EXPECT_THROW(test::validate(scen("mode = \"script\"\n[[server.step]]\ndata_listen = \"x\"\n")),
               ph::scenario_error);
  EXPECT_THROW(test::validate(scen("mode = \"script\"\n[[server.step]]\ndata_port = true\n")),
               ph::scenario_error);
  EXPECT_THROW(
      test::validate(scen("mode = \"script\"\n[[server.step]]\ndata_expect = { sha = \"x\" }\n")),
      ph::scenario_error);
  EXPECT_THROW(test::validate(scen("mode = \"script\"\n[[server.step]]\ndata_never_connect = "
                                   "true\ndata_send = \"x\"\n")),
               ph::scenario_error);
  EXPECT_NO_THROW(test::validate(
      scen("mode = \"script\"\n[[server.step]]\nexpect = \"PORT *\"\ndata_port = true\nsend = "
           "\"200 ok\"\n[[server.step]]\ndata_send_size = 10\ndata_close = true\n")));
}

TEST(FtpDialect, ScriptFillsPasvReplyAndChecksTheUpload) {
  auto conns = run(scen(R"(mode = "script"
[[server.step]]
send = "220 hi"
[[server.step]]
expect = "PASV"
data_listen = "pasv"
send = "227 odd format {host},{p1},{p2}"
[[server.step]]
expect = "STOR *"
send = "150 go"
data_expect = { equals = "abc", size = 3, sha256 = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" }
data_close = true
[[server.step]]
send = "226 ok"
)"),
                   [](raw_client& c, std::uint16_t) {
                     c.line();
                     std::string pasv = c.cmd("PASV");
                     ASSERT_TRUE(pasv.starts_with("227 odd format 127,0,0,1,")) << pasv;
                     auto rest = pasv.substr(std::string("227 odd format 127,0,0,1,").size());
                     int p1 = std::stoi(rest);
                     int p2 = std::stoi(rest.substr(rest.find(',') + 1));
                     raw_client data(static_cast<std::uint16_t>(p1 * 256 + p2));
                     c.send("STOR f\r\n");
                     EXPECT_EQ(c.line(), "150 go\r\n");
                     data.send("abc");
                     data.close_now();
                     EXPECT_EQ(c.line(), "226 ok\r\n");
                   });
  ASSERT_EQ(conns.size(), 1u);
  EXPECT_TRUE(conns[0].problems.empty()) << conns[0].problems[0];
  EXPECT_EQ(conns[0].transcript.stream(direction::client_to_server, 1), "abc");
}

TEST(FtpDialect, ActiveTargetParsing) {
  auto t = parse_active_target("PORT 127,0,0,1,4,1");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->first, "127.0.0.1");
  EXPECT_EQ(t->second, 1025);
  t = parse_active_target("EPRT |2|::1|2000|\r\n");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->first, "::1");
  EXPECT_FALSE(parse_active_target("PORT 127,0,0,1,4"));
  EXPECT_FALSE(parse_active_target("PORT 127,0,0,1,4,1,9"));
  EXPECT_FALSE(parse_active_target("PORT 256,0,0,1,4,1"));
  EXPECT_FALSE(parse_active_target("EPRT |3|x|1|"));
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(generated_bytes(300)[252], '\1');
}

}  // namespace
}  // namespace ph::fakeservers::ftp
