#include "clients/http/session.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "tests/clients/scripted_peer.hpp"

namespace http = ph::clients::http;
using ph::tests::peer_connection;
using ph::tests::scripted_peer;
using namespace std::chrono_literals;

namespace {

http::session_options fast() {
  http::session_options o;
  o.timeout = 3s;
  return o;
}

std::string base(const scripted_peer& p) {
  return "http://127.0.0.1:" + std::to_string(p.port());
}

// The request head's lines, without the empty line that ends it.
std::vector<std::string> head(peer_connection& c) {
  std::vector<std::string> lines;
  for (std::string l = c.line(); !l.empty(); l = c.line())
    lines.push_back(l);
  return lines;
}

bool has_line(const std::vector<std::string>& lines, std::string_view prefix) {
  for (const auto& l : lines)
    if (l.rfind(prefix, 0) == 0) return true;
  return false;
}

// Request options set by `f` (designated initializers would warn about the other members).
http::request_options with(auto&& f) {
  http::request_options o;
  f(o);
  return o;
}

http::errc error_of(auto&& f) {
  try {
    f();
  } catch (const http::error& e) {
    return e.code();
  }
  return http::errc{};
}

}  // namespace

TEST(HttpSession, SendsHostFirstOriginFormAndNoUserinfo) {
  std::vector<std::string> got;
  scripted_peer peer([&](peer_connection& c) {
    got = head(c);
    c.send(
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=iso-8859-1\r\n"
        "Content-Length: 3\r\n\r\ncaf\xe9");
  });
  http::session s(fast());
  const auto r = s.get("http://user:pw@127.0.0.1:" + std::to_string(peer.port()) + "/p?q=1#frag",
                       with([](auto& o) {
                         o.params = {{"x", "a b"}};
                       }));
  peer.join();
  ASSERT_EQ(peer.error(), "");
  ASSERT_GE(got.size(), 2u);
  EXPECT_EQ(got[0], "GET /p?q=1&x=a+b HTTP/1.1");
  EXPECT_EQ(got[1], "Host: 127.0.0.1:" + std::to_string(peer.port()));
  EXPECT_TRUE(has_line(got, "Authorization: Basic dXNlcjpwdw=="));
  int hosts = 0;
  for (const auto& l : got)
    hosts += http::iequals(l.substr(0, 5), "host:");
  EXPECT_EQ(hosts, 1);
  EXPECT_EQ(peer.received().find("user:pw"), std::string::npos);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content, "caf");
}

TEST(HttpSession, KeepAliveReuseThenServerClose) {
  scripted_peer peer([](peer_connection& c) {
    head(c);
    c.send("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi");
    head(c);
    c.send(
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
        "3;ext=1\r\nabc\r\n0\r\nX-T: 1\r\n\r\n");
    c.close();
  });
  http::session s(fast());
  EXPECT_EQ(s.get(base(peer) + "/one").content, "hi");
  const auto second = s.get(base(peer) + "/two");
  EXPECT_EQ(second.content, "abc");
  EXPECT_EQ(second.trailers.get("x-t"), "1");
  EXPECT_FALSE(second.headers.contains("x-t"));
  EXPECT_EQ(s.connections_opened(), 1u);
  peer.join();
  EXPECT_EQ(peer.error(), "");
  // The closed connection is not reused: a third request needs a new one (nobody accepts it).
  EXPECT_NE(
      error_of([&] { s.get(base(peer) + "/three", with([](auto& o) { o.timeout = 300ms; })); }),
      http::errc{});
  EXPECT_EQ(s.connections_opened(), 2u);
}

TEST(HttpSession, ExpectContinueWaitsForTheGoAhead) {
  std::vector<std::string> got;
  std::string body;
  scripted_peer peer([&](peer_connection& c) {
    got = head(c);
    c.send("HTTP/1.1 100 Continue\r\n\r\n");
    body = c.line();
    c.send("HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n");
  });
  http::session s(fast());
  const auto r = s.put(base(peer) + "/up", with([](auto& o) {
                         o.data = "payload\r\n";
                         o.expect_continue = true;
                       }));
  peer.join();
  ASSERT_EQ(peer.error(), "");
  EXPECT_TRUE(has_line(got, "Expect: 100-continue"));
  EXPECT_TRUE(has_line(got, "Content-Length: 9"));
  EXPECT_EQ(body, "payload");
  EXPECT_EQ(r.status, 201);
}

TEST(HttpSession, UnsolicitedInterimResponsesAreSkipped) {
  scripted_peer peer([](peer_connection& c) {
    head(c);
    c.drip(
        "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
  });
  http::session s(fast());
  const auto r = s.get(base(peer) + "/");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content, "ok");
  EXPECT_FALSE(r.headers.contains("link"));
}

TEST(HttpSession, RedirectChainKeepsHistoryAndRewritesPost) {
  std::vector<std::vector<std::string>> heads;
  scripted_peer peer([&](peer_connection& c) {
    heads.push_back(head(c));
    c.line();  // the form body, CRLF-terminated by the test
    c.send("HTTP/1.1 302 Found\r\nLocation: /b\r\nSet-Cookie: s=1\r\nContent-Length: 0\r\n\r\n");
    heads.push_back(head(c));
    c.send("HTTP/1.1 307 Temporary\r\nLocation: c?x=1\r\nContent-Length: 0\r\n\r\n");
    heads.push_back(head(c));
    c.send("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\ndone");
  });
  http::session s(fast());
  const auto r = s.post(base(peer) + "/a#top", with([](auto& o) { o.data = "k=v\r\n"; }));
  peer.join();
  ASSERT_EQ(peer.error(), "");
  ASSERT_EQ(heads.size(), 3u);
  EXPECT_EQ(heads[1][0], "GET /b HTTP/1.1");
  EXPECT_FALSE(has_line(heads[1], "Content-Length"));
  EXPECT_TRUE(has_line(heads[1], "Cookie: s=1"));
  EXPECT_EQ(heads[2][0], "GET /c?x=1 HTTP/1.1");
  EXPECT_EQ(r.status, 200);
  ASSERT_EQ(r.history.size(), 2u);
  EXPECT_EQ(r.history[0].status, 302);
  EXPECT_EQ(r.history[1].status, 307);
  EXPECT_EQ(r.url, base(peer) + "/c?x=1#top");
  EXPECT_EQ(s.connections_opened(), 1u);
}

TEST(HttpSession, RedirectLoopIsTooManyRedirects) {
  scripted_peer peer([](peer_connection& c) {
    for (int i = 0; i < 3; ++i) {
      head(c);
      c.send("HTTP/1.1 302 Found\r\nLocation: /loop\r\nContent-Length: 0\r\n\r\n");
    }
  });
  http::session s(fast());
  EXPECT_EQ(
      error_of([&] { s.get(base(peer) + "/loop", with([](auto& o) { o.max_redirects = 2; })); }),
      http::errc::too_many_redirects);
  peer.join();
  EXPECT_EQ(peer.error(), "");
}

TEST(HttpSession, BasicAuthIsNotForwardedCrossOrigin) {
  std::vector<std::string> first, second;
  scripted_peer other([&](peer_connection& c) {
    second = head(c);
    c.send("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
  });
  scripted_peer peer([&](peer_connection& c) {
    first = head(c);
    c.send("HTTP/1.1 302 Found\r\nLocation: " + base(other) + "/x\r\nContent-Length: 0\r\n\r\n");
  });
  http::session s(fast());
  const auto r = s.get(base(peer) + "/", with([](auto& o) { o.auth = std::pair{"u", "p"}; }));
  peer.join();
  other.join();
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(has_line(first, "Authorization: Basic"));
  EXPECT_FALSE(has_line(second, "Authorization"));
}

TEST(HttpSession, FramingErrorsAreProtocolErrors) {
  scripted_peer peer([](peer_connection& c) {
    head(c);
    c.send("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nabc");
  });
  http::session s(fast());
  EXPECT_EQ(error_of([&] { s.get(base(peer) + "/"); }), http::errc::protocol_error);
}

TEST(HttpSession, HttpsWithAWrongNameCertificateFails) {
  const auto cert = ph::tests::make_self_signed("wrong.test");
  scripted_peer peer([&](peer_connection& c) { c.start_tls(cert); });
  auto o = fast();
  o.tls.ca_pem = cert.cert_pem;
  http::session s(o);
  EXPECT_EQ(error_of([&] { s.get("https://127.0.0.1:" + std::to_string(peer.port()) + "/"); }),
            http::errc::tls_error);
}

TEST(HttpSession, StatusIsDataUntilRaiseForStatus) {
  scripted_peer peer([](peer_connection& c) {
    head(c);
    c.send("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
  });
  http::session s(fast());
  const auto r = s.get(base(peer) + "/");
  EXPECT_EQ(r.status, 404);
  EXPECT_FALSE(r.ok());
  try {
    r.raise_for_status();
    ADD_FAILURE() << "no throw";
  } catch (const http::http_error& e) {
    EXPECT_EQ(e.status(), 404);
  }
}

TEST(HttpSession, InvalidUrls) {
  http::session s(fast());
  EXPECT_EQ(error_of([&] { s.get("ftp://127.0.0.1/"); }), http::errc::invalid_url);
  EXPECT_EQ(error_of([&] { s.get("not a url"); }), http::errc::invalid_url);
}

TEST(HttpSession, HeadAnd204HaveNoBodyAndKeepTheConnection) {
  scripted_peer peer([](peer_connection& c) {
    head(c);
    c.send("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n");
    head(c);
    c.send("HTTP/1.1 204 No Content\r\n\r\n");
    head(c);
    c.send("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello");
  });
  http::session s(fast());
  EXPECT_EQ(s.head(base(peer) + "/").content, "");
  EXPECT_EQ(s.delete_(base(peer) + "/").status, 204);
  EXPECT_EQ(s.get(base(peer) + "/").content, "hello");
  EXPECT_EQ(s.connections_opened(), 1u);
}

TEST(HttpSession, StreamHandsOverTheBodyInPieces) {
  scripted_peer peer([](peer_connection& c) {
    head(c);
    c.send("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
    c.drip("2\r\nab\r\n3\r\ncde\r\n0\r\n\r\n");
  });
  http::session s(fast());
  std::string got;
  int calls = 0;
  const auto r = s.get(base(peer) + "/", with([&](auto& o) {
                         o.on_data = [&](std::string_view part) {
                           got += part;
                           ++calls;
                         };
                       }));
  EXPECT_EQ(got, "abcde");
  EXPECT_GT(calls, 1);
  EXPECT_EQ(r.content, "");
}
