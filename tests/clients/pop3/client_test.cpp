#include "clients/pop3/client.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <system_error>

#include "tests/clients/scripted_peer.hpp"

namespace pop3 = ph::clients::pop3;
namespace net = ph::clients::net;
using ph::tests::peer_connection;
using ph::tests::scripted_peer;
using namespace std::chrono_literals;

namespace {

pop3::options fast(std::chrono::milliseconds timeout = 5s) {
  pop3::options o;
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

void bye(peer_connection& c) {
  c.expect("QUIT");
  c.send("+OK bye\r\n");
  c.until_close();
}

// The committed test PKI the fake servers present (fakeservers/certs), read at run time.
std::string cert_file(const char* name) {
  const auto path = std::filesystem::path(PH_SOURCE_DIR) / "fakeservers/certs" / name;
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

TEST(Pop3Client, LoginAndStatSplitOneBytePerSegment) {
  scripted_peer peer([](peer_connection& c) {
    c.drip("+OK POP3 ready\r\n");
    c.expect("USER alice");
    c.drip("+OK\r\n");
    c.expect("PASS s3cret word");
    c.drip("+OK maildrop locked and ready\r\n");
    c.expect("STAT");
    c.drip("+OK 2 320\r\n");
    bye(c);
  });
  pop3::client client(fast());
  const auto greeting = client.connect("127.0.0.1", peer.port());
  EXPECT_TRUE(greeting.ok);
  EXPECT_EQ(client.welcome(), "POP3 ready");
  EXPECT_EQ(client.user("alice").text, "");
  EXPECT_EQ(client.pass("s3cret word").text, "maildrop locked and ready");
  const auto st = client.stat();
  EXPECT_EQ(st.count, 2u);
  EXPECT_EQ(st.size, 320u);
  EXPECT_EQ(client.quit().text, "bye");
  EXPECT_FALSE(client.is_connected());
  peer.join();
  EXPECT_EQ(peer.error(), "");
}

TEST(Pop3Client, RetrUnstuffsAndIgnoresAnnouncedSize) {
  scripted_peer peer([](peer_connection& c) {
    c.send("+OK ready\r\n");
    c.expect("RETR 1");
    // The size announced is wrong on purpose: only the line "." ends the body.
    c.drip("+OK 5 octets\r\nSubject: dots\r\n\r\n..x\r\n..\r\n.\r\n");
    c.expect("NOOP");
    c.send("+OK\r\n");
    bye(c);
  });
  pop3::client client(fast());
  client.connect("127.0.0.1", peer.port());
  const auto m = client.retr(1);
  EXPECT_EQ(m.status.text, "5 octets");
  EXPECT_EQ(m.lines, (std::vector<std::string>{"Subject: dots", "", ".x", "."}));
  EXPECT_EQ(m.data(), "Subject: dots\r\n\r\n.x\r\n.\r\n");
  EXPECT_EQ(m.octets, m.data().size());
  EXPECT_TRUE(client.noop().ok);  // still in step after the body
  client.quit();
  peer.join();
  EXPECT_EQ(peer.error(), "");
}

TEST(Pop3Client, ListUidlTopDeleRset) {
  scripted_peer peer([](peer_connection& c) {
    c.send("+OK ready\r\n");
    c.expect("LIST");
    c.send("+OK 2 messages\r\n1 120\r\n2 200 extra\r\n.\r\n");
    c.expect("LIST 2");
    c.send("+OK 2 200\r\n");
    c.expect("UIDL");
    c.send("+OK\r\n1 whqtswO00WBw418f9t5JxYwZ\r\n2 QhdPYR:00WBw1Ph7x7\r\n.\r\n");
    c.expect("UIDL 2");
    c.send("+OK 2 QhdPYR:00WBw1Ph7x7\r\n");
    c.expect("TOP 1 0");
    c.send("+OK\r\nSubject: x\r\n\r\n.\r\n");
    c.expect("DELE 1");
    c.send("+OK message 1 deleted\r\n");
    c.expect("RSET");
    c.send("+OK\r\n");
    bye(c);
  });
  pop3::client client(fast());
  client.connect("127.0.0.1", peer.port());
  EXPECT_EQ(client.list(), (std::map<std::uint64_t, std::uint64_t>{{1, 120}, {2, 200}}));
  const auto one = client.list(2);
  EXPECT_EQ(one.number, 2u);
  EXPECT_EQ(one.size, 200u);
  EXPECT_EQ(client.uidl(), (std::map<std::uint64_t, std::string>{{1, "whqtswO00WBw418f9t5JxYwZ"},
                                                                 {2, "QhdPYR:00WBw1Ph7x7"}}));
  EXPECT_EQ(client.uidl(2).uid, "QhdPYR:00WBw1Ph7x7");
  EXPECT_EQ(client.top(1, 0).lines, (std::vector<std::string>{"Subject: x", ""}));
  EXPECT_EQ(client.dele(1).text, "message 1 deleted");
  EXPECT_TRUE(client.rset().ok);
  client.quit();
  peer.join();
  EXPECT_EQ(peer.error(), "");
}

TEST(Pop3Client, ErrWithResponseCode) {
  scripted_peer peer([](peer_connection& c) {
    c.send("+OK ready\r\n");
    c.expect("USER bob");
    c.send("+OK\r\n");
    c.expect("PASS pw");
    c.send("-ERR [IN-USE] maildrop already locked\r\n");
    bye(c);
  });
  pop3::client client(fast());
  client.connect("127.0.0.1", peer.port());
  client.user("bob");
  const auto e = thrown<pop3::response_error>([&] { client.pass("pw"); });
  EXPECT_EQ(e.code(), "IN-USE");
  EXPECT_EQ(e.text(), "[IN-USE] maildrop already locked");
  EXPECT_TRUE(client.is_connected());
  client.quit();
  peer.join();
  EXPECT_EQ(peer.error(), "");
}

TEST(Pop3Client, ErrGreetingThrowsAndCloses) {
  scripted_peer peer([](peer_connection& c) {
    c.send("-ERR [SYS/TEMP] too busy\r\n");
    c.until_close();
  });
  pop3::client client(fast());
  const auto e = thrown<pop3::response_error>([&] { client.connect("127.0.0.1", peer.port()); });
  EXPECT_EQ(e.code(), "SYS/TEMP");
  EXPECT_FALSE(client.is_connected());
  peer.join();
  EXPECT_EQ(peer.received(), "");
}

TEST(Pop3Client, StalledServerTimesOut) {
  scripted_peer peer([](peer_connection& c) {
    c.send("+OK ready\r\n");
    c.expect("STAT");
    c.until_close();  // never answers
  });
  pop3::client client(fast(200ms));
  client.connect("127.0.0.1", peer.port());
  const auto e = thrown<std::system_error>([&] { client.stat(); });
  EXPECT_EQ(e.code(), net::errc::timed_out);
  EXPECT_NE(std::string(e.what()).find("STAT"), std::string::npos) << e.what();
  EXPECT_FALSE(client.is_connected());
  peer.join();
  EXPECT_EQ(peer.error(), "");
}

TEST(Pop3Client, StalledMultilineBodyTimesOut) {
  scripted_peer peer([](peer_connection& c) {
    c.send("+OK ready\r\n");
    c.expect("RETR 1");
    c.send("+OK\r\nline one\r\n");  // and never the final "."
    c.until_close();
  });
  pop3::client client(fast(200ms));
  client.connect("127.0.0.1", peer.port());
  EXPECT_EQ(thrown<std::system_error>([&] { client.retr(1); }).code(), net::errc::timed_out);
  peer.join();
  EXPECT_EQ(peer.error(), "");
}

TEST(Pop3Client, BareLfIsMalformedAndClosesWithoutQuit) {
  scripted_peer peer([](peer_connection& c) {
    c.send("+OK ready\r\n");
    c.expect("RETR 1");
    c.send("+OK\r\nbare\nline\r\n.\r\n");
    c.until_close();
  });
  pop3::client client(fast());
  client.connect("127.0.0.1", peer.port());
  EXPECT_EQ(thrown<std::system_error>([&] { client.retr(1); }).code(), net::errc::malformed_reply);
  EXPECT_FALSE(client.is_connected());
  peer.join();
  EXPECT_EQ(peer.error(), "");
  EXPECT_EQ(peer.received(), "RETR 1\r\n");  // no QUIT: it would commit deletions
}

TEST(Pop3Client, GarbageStatusIsMalformed) {
  scripted_peer peer([](peer_connection& c) {
    c.send("+OK ready\r\n");
    c.expect("NOOP");
    c.send("250 OK\r\n");
    c.until_close();
  });
  pop3::client client(fast());
  client.connect("127.0.0.1", peer.port());
  EXPECT_EQ(thrown<std::system_error>([&] { client.noop(); }).code(), net::errc::malformed_reply);
  peer.join();
  EXPECT_EQ(peer.error(), "");
}

TEST(Pop3Client, RefusesInjectionAndOverlongCommandsBeforeSending) {
  scripted_peer peer([](peer_connection& c) {
    c.send("+OK ready\r\n");
    bye(c);
  });
  pop3::client client(fast());
  client.connect("127.0.0.1", peer.port());
  EXPECT_THROW(client.user("alice\r\nDELE 1"), pop3::error);
  EXPECT_THROW(client.pass("pw\nx"), pop3::error);
  EXPECT_THROW(client.pass(std::string("pw\0x", 4)), pop3::error);
  EXPECT_THROW(client.apop("a\rb", "x"), pop3::error);
  EXPECT_THROW(client.auth("PLAIN", "a", "b\r\nQUIT"), pop3::error);
  EXPECT_THROW(client.user(std::string(250, 'u')), pop3::error);  // 5 + 250 + 2 > 255
  client.quit();
  peer.join();
  EXPECT_EQ(peer.error(), "");
  EXPECT_EQ(peer.received(), "QUIT\r\n");
}

TEST(Pop3Client, LongestCommandIsSent) {
  const std::string name(248, 'u');  // "USER " + 248 + CRLF = 255 octets
  scripted_peer peer([&](peer_connection& c) {
    c.send("+OK ready\r\n");
    c.expect("USER " + name);
    c.send("+OK\r\n");
    bye(c);
  });
  pop3::client client(fast());
  client.connect("127.0.0.1", peer.port());
  EXPECT_TRUE(client.user(name).ok);
  client.quit();
  peer.join();
  EXPECT_EQ(peer.error(), "");
}

TEST(Pop3Client, ApopUsesGreetingTimestamp) {
  scripted_peer peer([](peer_connection& c) {
    c.send("+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>\r\n");
    c.expect("APOP mrose c4c9334bac560ecc979e58001b3e22fb");
    c.send("+OK mrose's maildrop has 2 messages (320 octets)\r\n");
    bye(c);
  });
  pop3::client client(fast());
  client.connect("127.0.0.1", peer.port());
  EXPECT_TRUE(client.apop("mrose", "tanstaaf").ok);
  client.quit();
  peer.join();
  EXPECT_EQ(peer.error(), "");
}

TEST(Pop3Client, ApopWithoutTimestampIsNotSupported) {
  scripted_peer peer([](peer_connection& c) {
    c.send("+OK POP3 server ready\r\n");
    bye(c);
  });
  pop3::client client(fast());
  client.connect("127.0.0.1", peer.port());
  EXPECT_THROW(client.apop("mrose", "tanstaaf"), pop3::not_supported);
  client.quit();
  peer.join();
  EXPECT_EQ(peer.received(), "QUIT\r\n");
}

TEST(Pop3Client, AuthPlainInitialResponse) {
  scripted_peer peer([](peer_connection& c) {
    c.send("+OK ready\r\n");
    c.expect("CAPA");
    c.send("+OK\r\nSASL PLAIN LOGIN\r\nUSER\r\n.\r\n");
    c.expect("AUTH PLAIN AHRpbQB0YW5zdGFhZnRhbnN0YWFm");  // RFC 4616 §4 example
    c.send("+OK maildrop locked\r\n");
    bye(c);
  });
  pop3::client client(fast());
  client.connect("127.0.0.1", peer.port());
  client.capa();
  EXPECT_TRUE(client.auth("plain", "tim", "tanstaaftanstaaf").ok);
  client.quit();
  peer.join();
  EXPECT_EQ(peer.error(), "");
}

TEST(Pop3Client, AuthPlainTooLongForInitialResponseAnswersChallenge) {
  const std::string password(200, 'p');
  scripted_peer peer([&](peer_connection& c) {
    c.send("+OK ready\r\n");
    c.expect("AUTH PLAIN");
    c.send("+ \r\n");
    const std::string response = c.line();
    if (response.size() < 200) throw std::runtime_error("short response " + response);
    c.send("-ERR [AUTH] invalid credentials\r\n");
    bye(c);
  });
  pop3::client client(fast());
  client.connect("127.0.0.1", peer.port());
  const auto e = thrown<pop3::response_error>([&] { client.auth("PLAIN", "user", password); });
  EXPECT_EQ(e.code(), "AUTH");
  client.quit();
  peer.join();
  EXPECT_EQ(peer.error(), "");
}

TEST(Pop3Client, AuthLoginAnswersUserThenPassword) {
  scripted_peer peer([](peer_connection& c) {
    c.send("+OK ready\r\n");
    c.expect("AUTH LOGIN");
    c.send("+ VXNlcm5hbWU6\r\n");
    c.expect("dGlt");  // base64("tim")
    c.send("+ UGFzc3dvcmQ6\r\n");
    c.expect("dGFuc3RhYWY=");  // base64("tanstaaf")
    c.send("+OK maildrop locked\r\n");
    bye(c);
  });
  pop3::client client(fast());
  client.connect("127.0.0.1", peer.port());
  EXPECT_TRUE(client.auth("login", "tim", "tanstaaf").ok);
  client.quit();
  peer.join();
  EXPECT_EQ(peer.error(), "");
}

TEST(Pop3Client, AuthCramMd5AnswersTheRfc2195Example) {
  scripted_peer peer([](peer_connection& c) {
    c.send("+OK ready\r\n");
    c.expect("AUTH CRAM-MD5");
    c.send("+ PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+\r\n");
    c.expect("dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw");  // RFC 2195 §2
    c.send("+OK maildrop locked\r\n");
    bye(c);
  });
  pop3::client client(fast());
  client.connect("127.0.0.1", peer.port());
  EXPECT_TRUE(client.auth("CRAM-MD5", "tim", "tanstaaftanstaaf").ok);
  client.quit();
  peer.join();
  EXPECT_EQ(peer.error(), "");
}

TEST(Pop3Client, AuthLoginCancelsAChallengeThatIsNotBase64) {
  scripted_peer peer([](peer_connection& c) {
    c.send("+OK ready\r\n");
    c.expect("AUTH LOGIN");
    c.send("+ not base64!\r\n");
    c.expect("*");
    c.send("-ERR authentication cancelled\r\n");
    bye(c);
  });
  pop3::client client(fast());
  client.connect("127.0.0.1", peer.port());
  EXPECT_THROW(client.auth("LOGIN", "tim", "x"), pop3::response_error);
  client.quit();
  peer.join();
  EXPECT_EQ(peer.error(), "");
}

TEST(Pop3Client, AuthMechanismNotAdvertised) {
  scripted_peer peer([](peer_connection& c) {
    c.send("+OK ready\r\n");
    c.expect("CAPA");
    c.send("+OK\r\nSASL CRAM-MD5\r\n.\r\n");
    bye(c);
  });
  pop3::client client(fast());
  client.connect("127.0.0.1", peer.port());
  EXPECT_EQ(client.capabilities().size(), 0u);
  client.capa();
  EXPECT_THROW(client.auth("PLAIN", "a", "b"), pop3::not_supported);
  EXPECT_THROW(client.auth("LOGIN", "a", "b"), pop3::not_supported);
  EXPECT_THROW(client.auth("GSSAPI", "a", "b"), pop3::not_supported);
  client.quit();
  peer.join();
  EXPECT_EQ(peer.error(), "");
}

TEST(Pop3Client, StlsDiscardsInjectedBytesAndReissuesCapa) {
  scripted_peer peer([](peer_connection& c) {
    ph::tests::test_certificate cert{cert_file("server.pem"), cert_file("server-key.pem")};
    c.send("+OK ready\r\n");
    c.expect("CAPA");
    c.send("+OK\r\nSTLS\r\nUSER\r\n.\r\n");
    c.expect("STLS");
    // RFC 2595 §4: bytes after the go-ahead and before the handshake must not be trusted.
    c.send("+OK begin TLS\r\n+OK injected\r\n");
    c.start_tls(cert);
    c.expect("CAPA");
    c.send("+OK\r\nUSER\r\nSASL PLAIN\r\n.\r\n");
    c.expect("NOOP");
    c.send("+OK over TLS\r\n");
    bye(c);
  });
  pop3::options options = fast();
  options.tls.ca_pem = cert_file("ca.pem");
  options.tls.server_name = "fake.test";
  pop3::client client(options);
  client.connect("127.0.0.1", peer.port());
  EXPECT_EQ(client.stls().text, "begin TLS");
  EXPECT_TRUE(client.tls_active());
  EXPECT_FALSE(client.has_capability("STLS"));
  EXPECT_TRUE(client.has_capability("sasl"));
  EXPECT_EQ(client.noop().text, "over TLS");
  EXPECT_THROW(client.stls(), pop3::error);  // never twice
  client.quit();
  peer.join();
  EXPECT_EQ(peer.error(), "");
}

TEST(Pop3Client, StlsRejectsCertificateForAnotherName) {
  scripted_peer peer([](peer_connection& c) {
    ph::tests::test_certificate cert{cert_file("server.pem"), cert_file("server-key.pem")};
    c.send("+OK ready\r\n");
    c.expect("CAPA");
    c.send("+OK\r\nSTLS\r\n.\r\n");
    c.expect("STLS");
    c.send("+OK go\r\n");
    try {
      c.start_tls(cert);
    } catch (const std::exception&) {
    }
    c.until_close();
  });
  pop3::options options = fast();
  options.tls.ca_pem = cert_file("ca.pem");
  options.tls.server_name = "other.test";
  pop3::client client(options);
  client.connect("127.0.0.1", peer.port());
  EXPECT_EQ(thrown<std::system_error>([&] { client.stls(); }).code(), net::errc::tls_failed);
  EXPECT_FALSE(client.is_connected());
  peer.join();
  EXPECT_EQ(peer.error(), "");
}

TEST(Pop3Client, StlsNotAdvertised) {
  scripted_peer peer([](peer_connection& c) {
    c.send("+OK ready\r\n");
    c.expect("CAPA");
    c.send("+OK\r\nUSER\r\n.\r\n");
    bye(c);
  });
  pop3::client client(fast());
  client.connect("127.0.0.1", peer.port());
  EXPECT_THROW(client.stls(), pop3::not_supported);
  client.quit();
  peer.join();
  EXPECT_EQ(peer.error(), "");
  EXPECT_EQ(peer.received(), "CAPA\r\nQUIT\r\n");
}

TEST(Pop3Client, ImplicitTls) {
  scripted_peer peer([](peer_connection& c) {
    c.start_tls({cert_file("server.pem"), cert_file("server-key.pem")});
    c.send("+OK ready over TLS\r\n");
    bye(c);
  });
  pop3::options options = fast();
  options.tls.ca_pem = cert_file("ca.pem");
  pop3::client client(options);
  EXPECT_EQ(client.connect_tls("127.0.0.1", peer.port()).text, "ready over TLS");
  EXPECT_TRUE(client.tls_active());
  client.quit();
  peer.join();
  EXPECT_EQ(peer.error(), "");
}

TEST(Pop3Client, RetrAllPipelinesWithinWindow) {
  scripted_peer peer([](peer_connection& c) {
    c.send("+OK ready\r\n");
    c.expect("CAPA");
    c.send("+OK\r\nPIPELINING\r\n.\r\n");
    // Both RETRs of the window arrive before any answer: proof of pipelining.
    c.expect("RETR 1");
    c.expect("RETR 2");
    c.send("+OK\r\none\r\n.\r\n");
    c.expect("RETR 3");
    c.send("-ERR [SYS/TEMP] no such message\r\n");
    c.send("+OK\r\nthree\r\n.\r\n");
    bye(c);
  });
  pop3::options options = fast();
  options.pipeline_window = 2;
  pop3::client client(options);
  client.connect("127.0.0.1", peer.port());
  client.capa();
  const auto e = thrown<pop3::response_error>([&] { client.retr_all({1, 2, 3}); });
  EXPECT_EQ(e.code(), "SYS/TEMP");
  EXPECT_TRUE(client.is_connected());  // every response was read: still in step
  client.quit();
  peer.join();
  EXPECT_EQ(peer.error(), "");
}

TEST(Pop3Client, RetrAllLockStepWithoutPipelining) {
  scripted_peer peer([](peer_connection& c) {
    c.send("+OK ready\r\n");
    c.expect("RETR 1");
    c.send("+OK\r\none\r\n.\r\n");
    c.expect("RETR 2");
    c.send("+OK\r\ntwo\r\n.\r\n");
    bye(c);
  });
  pop3::client client(fast());
  client.connect("127.0.0.1", peer.port());
  const auto all = client.retr_all({1, 2});
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[1].lines, std::vector<std::string>{"two"});
  client.quit();
  peer.join();
  EXPECT_EQ(peer.error(), "");
}

TEST(Pop3Client, QuitErrThrowsAfterClosing) {
  scripted_peer peer([](peer_connection& c) {
    c.send("+OK ready\r\n");
    c.expect("QUIT");
    c.send("-ERR some deleted messages not removed\r\n");
    c.until_close();
  });
  pop3::client client(fast());
  client.connect("127.0.0.1", peer.port());
  EXPECT_THROW(client.quit(), pop3::response_error);
  EXPECT_FALSE(client.is_connected());
  peer.join();
  EXPECT_EQ(peer.error(), "");
}

TEST(Pop3Client, ServerClosesMidResponse) {
  scripted_peer peer([](peer_connection& c) {
    c.send("+OK ready\r\n");
    c.expect("LIST");
    c.send("+OK\r\n1 10\r\n");
    c.close();
  });
  pop3::client client(fast());
  client.connect("127.0.0.1", peer.port());
  EXPECT_EQ(thrown<std::system_error>([&] { client.list(); }).code(), net::errc::connection_closed);
  peer.join();
  EXPECT_EQ(peer.error(), "");
}

TEST(Pop3Client, RequireTlsRefusesCleartextCredentials) {
  scripted_peer peer([](peer_connection& c) {
    c.send("+OK ready <1.2@fake.test>\r\n");
    c.expect("APOP alice ebb267229a0022ecd6bd0461cba95649");
    c.send("+OK\r\n");
    bye(c);
  });
  pop3::options options = fast();
  options.require_tls = true;
  pop3::client client(options);
  client.connect("127.0.0.1", peer.port());
  EXPECT_THROW(client.user("alice"), pop3::error);
  EXPECT_THROW(client.pass("secret"), pop3::error);
  EXPECT_THROW(client.auth("PLAIN", "alice", "secret"), pop3::error);
  EXPECT_TRUE(client.apop("alice", "secret").ok);  // no password on the wire
  client.quit();
  peer.join();
  EXPECT_EQ(peer.error(), "");
}
