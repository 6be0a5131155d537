#include "clients/ftp/client.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <sstream>
#include <stdexcept>
#include <string>
#include <system_error>

#include "clients/net/errors.hpp"
#include "tests/clients/scripted_peer.hpp"

namespace ftp = ph::clients::ftp;
namespace net = ph::clients::net;
using ph::tests::peer_connection;
using ph::tests::scripted_peer;
using namespace std::chrono_literals;

namespace {

ftp::options fast(std::chrono::milliseconds timeout = 5s) {
  ftp::options o;
  o.timeout = timeout;
  return o;
}

template <class E, class F>
E thrown(F&& f) {
  try {
    f();
  } catch (const E& e) {
    return e;
  } catch (const std::exception& e) {
    ADD_FAILURE() << "threw another exception: " << e.what();
    throw;
  }
  ADD_FAILURE() << "did not throw";
  throw std::runtime_error("did not throw");
}

std::string pasv_reply(std::uint16_t port, const std::string& host = "127,0,0,1") {
  return "227 Entering Passive Mode (" + host + "," + std::to_string(port / 256) + "," +
         std::to_string(port % 256) + ")\r\n";
}

std::string epsv_reply(std::uint16_t port) {
  return "229 Entering Extended Passive Mode (|||" + std::to_string(port) + "|)\r\n";
}

void bye(peer_connection& c) {
  c.expect("QUIT");
  c.send("221 bye\r\n");
  c.until_close();
}

// A data server that sends `content` and closes.
scripted_peer sender(std::string content) {
  return scripted_peer([content = std::move(content)](peer_connection& d) {
    d.send(content);
    d.close();
  });
}

}  // namespace

TEST(FtpClient, AnonymousLoginWithMultiLineGreeting) {
  scripted_peer peer([](peer_connection& c) {
    c.drip("220-Welcome\r\n220 ready\r\n");
    c.expect("USER anonymous");
    c.send("331 send password\r\n");
    c.expect("PASS anonymous@");
    c.send("230-Logged in\r\n 230 digits here\r\n230 ok\r\n");
    c.expect("PWD");
    c.send("257 \"/pub\" is current\r\n");
    bye(c);
  });
  ftp::client client(fast());
  EXPECT_EQ(client.connect("127.0.0.1", peer.port()).code, 220);
  EXPECT_EQ(client.welcome(), "Welcome\nready");
  EXPECT_EQ(client.login().code, 230);
  EXPECT_EQ(client.pwd(), "/pub");
  EXPECT_EQ(client.quit().code, 221);
  peer.join();
  EXPECT_EQ(peer.error(), "");
}

TEST(FtpClient, PassiveRetrViaEpsvWaitsForCompletion) {
  auto data = sender("hello\r\nworld");
  scripted_peer peer([&](peer_connection& c) {
    c.send("220 ready\r\n");
    c.expect("TYPE I");
    c.send("200 binary\r\n");
    c.expect("EPSV");
    c.send(epsv_reply(data.port()));
    c.expect("RETR file.bin");
    c.send("150 opening\r\n");
    c.send("226 done\r\n");
    bye(c);
  });
  ftp::client client(fast());
  client.connect("127.0.0.1", peer.port());
  std::string got;
  const auto r = client.retrbinary(
      "RETR file.bin", [&](std::string_view b) { got += b; }, 4);
  EXPECT_EQ(r.code, 226);
  EXPECT_EQ(got, "hello\r\nworld");
  client.quit();
  peer.join();
  EXPECT_EQ(peer.error(), "");
}

TEST(FtpClient, EpsvRefusedFallsBackToPasvAndRemembers) {
  auto first = sender("a\r\nb\n");
  auto second = sender("x\r\n");
  scripted_peer peer([&](peer_connection& c) {
    c.send("220 ready\r\n");
    c.expect("TYPE A");
    c.send("200 ok\r\n");
    c.expect("EPSV");
    c.send("502 not implemented\r\n");
    c.expect("PASV");
    c.send(pasv_reply(first.port()));
    c.expect("NLST");
    c.send("150 here\r\n226 done\r\n");
    c.expect("TYPE A");
    c.send("200 ok\r\n");
    c.expect("PASV");
    c.send(pasv_reply(second.port()));
    c.expect("LIST /x");
    c.send("125 here\r\n226 done\r\n");
    bye(c);
  });
  ftp::client client(fast());
  client.connect("127.0.0.1", peer.port());
  EXPECT_EQ(client.nlst(), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(client.list("/x"), (std::vector<std::string>{"x"}));
  client.quit();
  peer.join();
  EXPECT_EQ(peer.error(), "");
}

TEST(FtpClient, ForeignPasvHostIsIgnored) {
  auto data = sender("payload");
  scripted_peer peer([&](peer_connection& c) {
    c.send("220 ready\r\n");
    c.expect("TYPE I");
    c.send("200 ok\r\n");
    c.expect("PASV");
    // 192.0.2.1 (TEST-NET-1) is not reachable: only the control peer's address works.
    c.send(pasv_reply(data.port(), "192,0,2,1"));
    c.expect("RETR f");
    c.send("150 go\r\n226 done\r\n");
    bye(c);
  });
  auto o = fast();
  o.use_epsv = false;
  ftp::client client(o);
  client.connect("127.0.0.1", peer.port());
  std::string got;
  client.retrbinary("RETR f", [&](std::string_view b) { got += b; });
  EXPECT_EQ(got, "payload");
  client.quit();
  peer.join();
  EXPECT_EQ(peer.error(), "");
}

TEST(FtpClient, MlsdSkipsCdirAndPdir) {
  auto data = sender(
      "type=cdir;perm=el; .\r\ntype=pdir; ..\r\nType=file;Size=3;Modify=20240101000000; a b\r\n");
  scripted_peer peer([&](peer_connection& c) {
    c.send("220 ready\r\n");
    c.expect("TYPE A");
    c.send("200 ok\r\n");
    c.expect("EPSV");
    c.send(epsv_reply(data.port()));
    c.expect("MLSD dir");
    c.send("150 go\r\n226 done\r\n");
    bye(c);
  });
  ftp::client client(fast());
  client.connect("127.0.0.1", peer.port());
  const auto entries = client.mlsd("dir");
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].name, "a b");
  EXPECT_EQ(entries[0].facts.at("size"), "3");
  client.quit();
  peer.join();
  EXPECT_EQ(peer.error(), "");
}

TEST(FtpClient, CannotOpenDataConnection425IsTransient) {
  auto data = scripted_peer([](peer_connection& d) { d.until_close(); });
  scripted_peer peer([&](peer_connection& c) {
    c.send("220 ready\r\n");
    c.expect("TYPE I");
    c.send("200 ok\r\n");
    c.expect("EPSV");
    c.send(epsv_reply(data.port()));
    c.expect("RETR f");
    c.send("425 can't open data connection\r\n");
    bye(c);
  });
  ftp::client client(fast());
  client.connect("127.0.0.1", peer.port());
  const auto e =
      thrown<ftp::transient_error>([&] { client.retrbinary("RETR f", [](std::string_view) {}); });
  EXPECT_EQ(e.code(), 425);
  client.quit();
  peer.join();
  EXPECT_EQ(peer.error(), "");
}

TEST(FtpClient, TransferAborted426AfterDataIsTransient) {
  auto data = sender("partial");
  scripted_peer peer([&](peer_connection& c) {
    c.send("220 ready\r\n");
    c.expect("TYPE I");
    c.send("200 ok\r\n");
    c.expect("EPSV");
    c.send(epsv_reply(data.port()));
    c.expect("RETR f");
    c.send("150 go\r\n426 connection closed; transfer aborted\r\n");
    bye(c);
  });
  ftp::client client(fast());
  client.connect("127.0.0.1", peer.port());
  const auto e =
      thrown<ftp::transient_error>([&] { client.retrbinary("RETR f", [](std::string_view) {}); });
  EXPECT_EQ(e.code(), 426);
  client.quit();
  peer.join();
  EXPECT_EQ(peer.error(), "");
}

TEST(FtpClient, StalledDataChannelTimesOut) {
  auto data = scripted_peer([](peer_connection& d) {
    d.send("some");
    d.until_close();  // never closes on its own
  });
  scripted_peer peer([&](peer_connection& c) {
    c.send("220 ready\r\n");
    c.expect("TYPE I");
    c.send("200 ok\r\n");
    c.expect("EPSV");
    c.send(epsv_reply(data.port()));
    c.expect("RETR f");
    c.send("150 go\r\n");
    c.until_close();
  });
  ftp::client client(fast(300ms));
  client.connect("127.0.0.1", peer.port());
  const auto e =
      thrown<std::system_error>([&] { client.retrbinary("RETR f", [](std::string_view) {}); });
  EXPECT_EQ(e.code(), net::errc::timed_out);
  client.close();
  peer.join();
  data.join();
  EXPECT_EQ(peer.error(), "");
}

TEST(FtpClient, StorbinaryWithRestSendsAllAndCloses) {
  std::string uploaded;
  auto data = scripted_peer([&](peer_connection& d) { uploaded = d.until_close(); });
  scripted_peer peer([&](peer_connection& c) {
    c.send("220 ready\r\n");
    c.expect("TYPE I");
    c.send("200 ok\r\n");
    c.expect("EPSV");
    c.send(epsv_reply(data.port()));
    c.expect("REST 10");
    c.send("350 restarting\r\n");
    c.expect("STOR up.bin");
    c.send("150 go\r\n");
    c.send("226 stored\r\n");
    bye(c);
  });
  ftp::client client(fast());
  client.connect("127.0.0.1", peer.port());
  std::istringstream in(std::string(20000, 'z'));
  EXPECT_EQ(client.storbinary("STOR up.bin", in, 1000, 10).code, 226);
  client.quit();
  peer.join();
  data.join();
  EXPECT_EQ(peer.error(), "");
  EXPECT_EQ(uploaded, std::string(20000, 'z'));
}

TEST(FtpClient, ActiveModeTriesEprtThenFallsBackToPort) {
  std::string uploaded;
  scripted_peer peer([&](peer_connection& c) {
    c.send("220 ready\r\n");
    c.expect("TYPE A");
    c.send("200 ok\r\n");
    const std::string eprt = c.line();
    ASSERT_EQ(eprt.rfind("EPRT |1|127.0.0.1|", 0), 0u) << eprt;
    c.send("502 EPRT not implemented\r\n");  // RFC 2428 §2: PORT after a 502
    const std::string port_line = c.line();
    ASSERT_EQ(port_line.rfind("PORT 127,0,0,1,", 0), 0u) << port_line;
    std::istringstream fields(port_line.substr(5));
    std::string field;
    std::vector<int> n;
    while (std::getline(fields, field, ','))
      n.push_back(std::stoi(field));
    ASSERT_EQ(n.size(), 6u);
    // The client listens already: connect before answering.
    boost::asio::io_context io;
    ph::tests::tcp::socket s(io);
    s.connect({boost::asio::ip::make_address("127.0.0.1"),
               static_cast<std::uint16_t>(n[4] * 256 + n[5])});
    c.send("200 PORT ok\r\n");
    c.expect("STOR t.txt");
    c.send("150 go\r\n");
    peer_connection d(s);
    uploaded = d.until_close();
    c.send("226 ok\r\n");
    bye(c);
  });
  auto o = fast();
  o.passive = false;
  ftp::client client(o);
  client.connect("127.0.0.1", peer.port());
  std::istringstream in("one\ntwo\r\n");
  EXPECT_EQ(client.storlines("STOR t.txt", in).code, 226);
  client.quit();
  peer.join();
  EXPECT_EQ(peer.error(), "");
  EXPECT_EQ(uploaded, "one\r\ntwo\r\n");
}

TEST(FtpClient, CommandsAndReplyErrors) {
  scripted_peer peer([](peer_connection& c) {
    c.send("220 ready\r\n");
    c.expect("MKD new \"dir\"");
    c.send("257 \"/new \"\"dir\"\"\" created\r\n");
    c.expect("SIZE f");
    c.send("213 1234\r\n");
    c.expect("MDTM f");
    c.send("213 20240102030405\r\n");
    c.expect("RNFR a");
    c.send("350 ready\r\n");
    c.expect("RNTO b");
    c.send("250 renamed\r\n");
    c.expect("DELE gone");
    c.send("550 no such file\r\n");
    c.expect("CWD x");
    c.send("421 closing\r\n");
    c.expect("FEAT");
    c.send("211-Features:\r\n MDTM\r\n REST STREAM\r\n mlst type*;size*;\r\n211 End\r\n");
    bye(c);
  });
  ftp::client client(fast());
  client.connect("127.0.0.1", peer.port());
  EXPECT_EQ(client.mkd("new \"dir\""), "/new \"dir\"");
  EXPECT_EQ(client.size("f"), 1234u);
  EXPECT_EQ(client.mdtm("f"), "20240102030405");
  EXPECT_EQ(client.rename("a", "b").code, 250);
  EXPECT_EQ(thrown<ftp::permanent_error>([&] { client.dele("gone"); }).code(), 550);
  EXPECT_EQ(thrown<ftp::transient_error>([&] { client.cwd("x"); }).code(), 421);
  const auto features = client.feat();
  EXPECT_EQ(features.at("MDTM"), "");
  EXPECT_EQ(features.at("REST"), "STREAM");
  EXPECT_EQ(features.at("MLST"), "type*;size*;");
  client.quit();
  peer.join();
  EXPECT_EQ(peer.error(), "");
}

TEST(FtpClient, CrLfInArgumentRefusedBeforeSending) {
  scripted_peer peer([](peer_connection& c) {
    c.send("220 ready\r\n");
    bye(c);
  });
  ftp::client client(fast());
  client.connect("127.0.0.1", peer.port());
  EXPECT_THROW(client.cwd("a\r\nDELE x"), ftp::error);
  EXPECT_THROW(client.rename("a", "b\nc"), ftp::error);
  EXPECT_THROW(client.retrbinary("RETR a\nb", [](std::string_view) {}), ftp::error);
  client.quit();
  peer.join();
  EXPECT_EQ(peer.error(), "");
  EXPECT_EQ(peer.received(), "QUIT\r\n");
}

// scenarios/ftp/mkd-nul-in-name: a NUL from a 257 reply, passed back, went out in RMD.
TEST(FtpClient, NulInArgumentRefusedBeforeSending) {
  using namespace std::string_literals;
  scripted_peer peer([](peer_connection& c) {
    c.send("220 ready\r\n");
    bye(c);
  });
  ftp::client client(fast());
  client.connect("127.0.0.1", peer.port());
  EXPECT_THROW(client.rmd("/new\0/../etc"s), ftp::error);
  EXPECT_THROW(client.rename("a"s, "b\0c"s), ftp::error);
  client.quit();
  peer.join();
  EXPECT_EQ(peer.error(), "");
  EXPECT_EQ(peer.received(), "QUIT\r\n");
}

TEST(FtpClient, BareLfInReplyIsMalformed) {
  scripted_peer peer([](peer_connection& c) {
    c.send("220 ready\n");
    c.until_close();
  });
  ftp::client client(fast());
  const auto e = thrown<std::system_error>([&] { client.connect("127.0.0.1", peer.port()); });
  EXPECT_EQ(e.code(), net::errc::malformed_reply);
  client.close();
}

// A reply too long to read leaves the control connection out of step: the next command would
// take the rest of it, or a reply meant for another command, for its own. The client ends the
// session instead (found by the fault matrix, tests/faults/: CDUP "succeeded" with the 200 of
// an earlier TYPE).
TEST(FtpClient, OverlongReplyEndsTheSession) {
  scripted_peer peer([](peer_connection& c) {
    c.send("220 ready\r\n");
    c.expect("NOOP");
    c.send("200 " + std::string(20000, 'x') + "\r\n200 stale\r\n");
    c.until_close();
  });
  ftp::options o = fast();
  o.max_line = 1000;
  ftp::client client(o);
  client.connect("127.0.0.1", peer.port());
  const auto e = thrown<std::system_error>([&] { client.noop(); });
  EXPECT_EQ(e.code(), net::errc::line_too_long);
  EXPECT_FALSE(client.is_connected());
  const auto again = thrown<std::system_error>([&] { client.noop(); });
  EXPECT_EQ(again.code(), net::errc::connection_closed);
  peer.join();
  EXPECT_EQ(peer.error(), "");
  EXPECT_EQ(peer.received(), "NOOP\r\nQUIT\r\n");
}

TEST(FtpClient, AbortSendsTelnetIpAndSynchBeforeAbor) {
  std::string abort_line;
  scripted_peer peer([&](peer_connection& c) {
    c.send("220 ready\r\n");
    // The urgent octet (DM) is taken out of band by a receiver without SO_OOBINLINE, so only
    // IAC IP, IAC and ABOR are certain to arrive in band.
    abort_line = c.line();
    c.send("426 aborted\r\n226 abort ok\r\n");
    bye(c);
  });
  ftp::client client(fast());
  client.connect("127.0.0.1", peer.port());
  EXPECT_EQ(client.abort().code, 226);
  client.quit();
  peer.join();
  EXPECT_EQ(peer.error(), "");
  EXPECT_EQ(abort_line.rfind("\xff\xf4\xff", 0), 0u);
  EXPECT_TRUE(abort_line.ends_with("ABOR"));
}

TEST(FtpClient, UnexpectedGreetingClassIsProtocolError) {
  scripted_peer peer([](peer_connection& c) {
    c.send("331 what\r\n");
    c.until_close();
  });
  ftp::client client(fast());
  EXPECT_EQ(thrown<ftp::protocol_error>([&] { client.connect("127.0.0.1", peer.port()); }).code(),
            331);
}
