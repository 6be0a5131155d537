#include "clients/net/line_stream.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>

#include "tests/clients/scripted_peer.hpp"

namespace net = ph::clients::net;
using ph::tests::peer_connection;
using ph::tests::scripted_peer;
using namespace std::chrono_literals;

namespace {

// Runs f and returns the net::errc it threw (or 0 if it did not throw a net error).
template <class F>
int net_error_of(F&& f) {
  try {
    f();
  } catch (const std::system_error& e) {
    EXPECT_EQ(&e.code().category(), &net::category()) << e.what();
    return e.code().value();
  }
  return 0;
}

int code(net::errc e) {
  return static_cast<int>(e);
}

}  // namespace

TEST(NetErrors, CategoryAndMessages) {
  const std::error_code ec = net::errc::timed_out;
  EXPECT_STREQ(ec.category().name(), "protoharness.net");
  EXPECT_EQ(ec.message(), "operation timed out");
  const net::error e(net::errc::connection_closed, "reading: connection closed by x");
  EXPECT_STREQ(e.with_context("reading reply to RCPT").what(),
               "reading reply to RCPT: reading: connection closed by x");
  EXPECT_EQ(e.code(), net::errc::connection_closed);
}

TEST(LineStream, ReadsLinesSplitOneBytePerSegment) {
  scripted_peer peer([](peer_connection& c) {
    c.drip("first line\r\nsecond\r\n\r\n");
    c.expect("PING");
  });
  net::line_stream s(5s);
  s.connect("127.0.0.1", peer.port());
  EXPECT_EQ(s.read_line(), "first line");
  EXPECT_EQ(s.read_line(), "second");
  EXPECT_EQ(s.read_line(), "");
  s.write("PING\r\n");
  peer.join();
  EXPECT_EQ(peer.error(), "");
  EXPECT_EQ(peer.received(), "PING\r\n");
}

TEST(LineStream, CoalescedLinesAndReadExact) {
  scripted_peer peer([](peer_connection& c) {
    c.send("a\r\nb\r\n12345rest");
    c.until_close();
  });
  net::line_stream s(5s);
  s.connect("127.0.0.1", peer.port());
  EXPECT_EQ(s.read_line(), "a");
  EXPECT_EQ(s.read_line(), "b");
  EXPECT_EQ(s.read_exact(5), "12345");
  EXPECT_EQ(s.read_exact(4), "rest");
  s.close();
  EXPECT_FALSE(s.is_open());
  peer.join();
  EXPECT_EQ(peer.error(), "");
}

TEST(LineStream, BareLfIsMalformedWithoutWaiting) {
  scripted_peer peer([](peer_connection& c) {
    c.send("250 ok\n");  // and then nothing: the client must not wait for more
    c.until_close();
  });
  net::line_stream s(10s);
  s.connect("127.0.0.1", peer.port());
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(net_error_of([&] { s.read_line(); }), code(net::errc::malformed_reply));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  // Still open, so the protocol client can end the session politely; then it closes.
  EXPECT_TRUE(s.is_open());
  s.close();
  EXPECT_FALSE(s.is_open());
}

TEST(LineStream, BareCrIsData) {
  scripted_peer peer([](peer_connection& c) {
    c.send("a\rb\r\n");
    c.until_close();
  });
  net::line_stream s(5s);
  s.connect("127.0.0.1", peer.port());
  EXPECT_EQ(s.read_line(), "a\rb");
}

TEST(LineStream, LineTooLong) {
  scripted_peer peer([](peer_connection& c) {
    c.send(std::string(100, 'x') + "\r\n");
    c.until_close();
  });
  net::line_stream s(5s);
  s.set_max_line(64);
  s.connect("127.0.0.1", peer.port());
  EXPECT_EQ(net_error_of([&] { s.read_line(); }), code(net::errc::line_too_long));
}

TEST(LineStream, LineTooLongWithoutTerminator) {
  scripted_peer peer([](peer_connection& c) {
    c.send(std::string(100, 'x'));  // no CRLF ever: the limit, not the timeout, must end it
    c.until_close();
  });
  net::line_stream s(10s);
  s.set_max_line(64);
  s.connect("127.0.0.1", peer.port());
  EXPECT_EQ(net_error_of([&] { s.read_line(); }), code(net::errc::line_too_long));
}

TEST(LineStream, LineOfExactlyMaxLength) {
  scripted_peer peer([](peer_connection& c) {
    c.send(std::string(64, 'x') + "\r\n");
    c.until_close();
  });
  net::line_stream s(5s);
  s.set_max_line(64);
  s.connect("127.0.0.1", peer.port());
  EXPECT_EQ(s.read_line(), std::string(64, 'x'));
}

TEST(LineStream, StalledPeerTimesOut) {
  scripted_peer peer([](peer_connection& c) {
    c.send("partial");
    c.until_close();  // never completes the line
  });
  net::line_stream s(300ms);
  s.connect("127.0.0.1", peer.port());
  try {
    s.read_line();
    FAIL() << "no timeout";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), net::errc::timed_out);
    EXPECT_NE(std::string(e.what()).find("timed out after 300 ms"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(s.is_open());
  peer.join();  // the peer saw the close
  EXPECT_EQ(peer.error(), "");
}

TEST(LineStream, CloseMidLineIsConnectionClosed) {
  scripted_peer peer([](peer_connection& c) {
    c.send("250-first\r\n250 par");
    c.close();
  });
  net::line_stream s(5s);
  s.connect("127.0.0.1", peer.port());
  EXPECT_EQ(s.read_line(), "250-first");
  EXPECT_EQ(net_error_of([&] { s.read_line(); }), code(net::errc::connection_closed));
}

TEST(LineStream, ReadSomeReturnsEmptyAtEndOfStream) {
  scripted_peer peer([](peer_connection& c) {
    c.send("abc");
    c.close();
  });
  net::line_stream s(5s);
  s.connect("127.0.0.1", peer.port());
  std::string all;
  for (std::string chunk = s.read_some(); !chunk.empty(); chunk = s.read_some())
    all += chunk;
  EXPECT_EQ(all, "abc");
}

TEST(LineStream, ReadSomeIntoSinkHandsBufferedBytesThenBulkUnchanged) {
  // 3 MiB: several reads fill the receive buffer, which then grows; every octet must arrive.
  std::string bulk(3 * 1024 * 1024, '\0');
  for (std::size_t i = 0; i < bulk.size(); ++i)
    bulk[i] = static_cast<char>(i % 251);
  scripted_peer peer([&](peer_connection& c) {
    c.send("head\r\nrest");
    c.send(bulk);
    c.close();
  });
  net::line_stream s(5s);
  s.connect("127.0.0.1", peer.port());
  EXPECT_EQ(s.read_line(), "head");
  std::string all;
  int calls = 0;
  std::size_t n = 0, returned = 0;
  while ((n = s.read_some([&](std::string_view v) {
           all.append(v);
           ++calls;
         })) > 0)
    returned += n;
  EXPECT_EQ(returned, all.size());  // the count returned is what the sink got
  EXPECT_EQ(all.size(), 4 + bulk.size());
  EXPECT_EQ(all, "rest" + bulk);
  EXPECT_GE(calls, 2);  // the bulk takes several reads
}

TEST(LineStream, ConnectRefused) {
  std::uint16_t port = 0;
  {
    // A port that was just free: nothing listens there any more.
    scripted_peer peer([](peer_connection&) {});
    port = peer.port();
    net::line_stream probe(1s);
    probe.connect("127.0.0.1", port);
  }
  net::line_stream s(2s);
  EXPECT_EQ(net_error_of([&] { s.connect("127.0.0.1", port); }), code(net::errc::connect_failed));
}

TEST(LineStream, Addresses) {
  scripted_peer peer([](peer_connection& c) { c.until_close(); });
  net::line_stream s(5s);
  s.connect("127.0.0.1", peer.port());
  EXPECT_EQ(s.peer_address().address, "127.0.0.1");
  EXPECT_EQ(s.peer_address().port, peer.port());
  EXPECT_EQ(s.local_address().address, "127.0.0.1");
  EXPECT_EQ(s.peer_address().to_string(), "127.0.0.1:" + std::to_string(peer.port()));
  EXPECT_EQ((net::endpoint{"::1", 25}).to_string(), "[::1]:25");
  EXPECT_FALSE(s.tls_active());
}

TEST(LineStream, NotConnectedWriteThrows) {
  net::line_stream s(1s);
  EXPECT_EQ(net_error_of([&] { s.write("x"); }), code(net::errc::connection_closed));
  s.close();  // idempotent, never throws
}

TEST(LineStream, ImplicitTlsAndCertificateChecks) {
  static const auto cert = ph::tests::make_self_signed("mail.test");
  {
    scripted_peer peer([](peer_connection& c) {
      c.start_tls(cert);
      c.send("hello over tls\r\n");
      c.expect("bye");
    });
    net::line_stream s(5s);
    net::tls_options tls;
    tls.ca_pem = cert.cert_pem;
    tls.server_name = "mail.test";
    s.connect_tls("127.0.0.1", peer.port(), tls);
    EXPECT_TRUE(s.tls_active());
    EXPECT_EQ(s.read_line(), "hello over tls");
    s.write("bye\r\n");
    peer.join();
    EXPECT_EQ(peer.error(), "");
    s.close();
  }
  {
    scripted_peer peer([](peer_connection& c) { c.start_tls(cert); });
    net::line_stream s(5s);
    net::tls_options tls;
    tls.ca_pem = cert.cert_pem;
    tls.server_name = "other.test";  // the certificate is for mail.test
    try {
      s.connect_tls("127.0.0.1", peer.port(), tls);
      FAIL() << "wrong name accepted";
    } catch (const std::system_error& e) {
      EXPECT_EQ(e.code(), net::errc::tls_failed);
      EXPECT_NE(std::string(e.what()).find("hostname mismatch"), std::string::npos) << e.what();
    }
    EXPECT_FALSE(s.is_open());
  }
  {
    scripted_peer peer([](peer_connection& c) { c.start_tls(cert); });
    net::line_stream s(5s);
    net::tls_options tls;  // system trust store: a self-signed certificate is not trusted
    tls.server_name = "mail.test";
    EXPECT_EQ(net_error_of([&] { s.connect_tls("127.0.0.1", peer.port(), tls); }),
              code(net::errc::tls_failed));
  }
  {
    scripted_peer peer([](peer_connection& c) {
      c.start_tls(cert);
      c.send("ok\r\n");
      c.until_close();
    });
    net::line_stream s(5s);
    net::tls_options tls;
    tls.verify = false;
    s.connect_tls("127.0.0.1", peer.port(), tls);
    EXPECT_EQ(s.read_line(), "ok");
  }
}
