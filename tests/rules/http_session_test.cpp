#include "harness/rules/http/http_session.hpp"

#include <gtest/gtest.h>

#include <string>

#include "tests/rules/http_test_support.hpp"

namespace ph::harness::rules::http {
namespace {

using namespace test;

TEST(HttpSession, SplitsKeepAliveRequestsAndPairsResponses) {
  const session s = parse_session(clean_session().get());
  ASSERT_EQ(s.requests.size(), 5u);
  EXPECT_EQ(s.requests[0].method, "GET");
  EXPECT_EQ(s.requests[0].target, "/index.html?q=a%20b");
  EXPECT_EQ(s.requests[1].body, "a=1&b=2");
  EXPECT_EQ(s.requests[2].frame, framing::chunked);
  EXPECT_EQ(s.requests[2].body, "hello world");
  EXPECT_TRUE(s.requests[2].complete);
  ASSERT_EQ(s.responses.size(), 5u);
  EXPECT_EQ(s.responses[3].code, 302);
  EXPECT_EQ(s.requests[3].response, 3);
  EXPECT_EQ(s.requests[4].first_event, 8);
  EXPECT_EQ(s.server_port, 8080);
}

TEST(HttpSession, SkipsInterimResponsesAndFramesHeadWithoutBody) {
  transcript_builder b;
  b.client("HEAD / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n");
  b.server("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n");
  b.client(get("/")).server("HTTP/1.1 204 No Content\r\n\r\n");
  const session s = parse_session(b.get());
  ASSERT_EQ(s.responses.size(), 3u);
  ASSERT_EQ(s.requests.size(), 2u);
  EXPECT_EQ(s.requests[0].interim.size(), 1u);
  EXPECT_EQ(s.requests[0].response, 1);
  EXPECT_EQ(s.requests[1].response, 2);
}

TEST(HttpSession, CloseDelimitedResponseAndTls) {
  transcript_builder b("127.0.0.1:8443");
  b.tls().client(get("/")).server("HTTP/1.1 200 OK\r\n\r\nall of it").server_close();
  const session s = parse_session(b.get());
  EXPECT_TRUE(s.tls);
  ASSERT_EQ(s.responses.size(), 1u);
  EXPECT_EQ(s.responses[0].body, "all of it");
  EXPECT_EQ(s.end_event, 4);
  EXPECT_FALSE(s.client_closed_first);
}

TEST(HttpSession, BareLfRequestStaysInStep) {
  transcript_builder b;
  b.client("GET / HTTP/1.1\nHost: a\n\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\n");
  const session s = parse_session(b.get());
  ASSERT_EQ(s.requests.size(), 2u);
  EXPECT_EQ(s.requests[1].target, "/2");
  EXPECT_FALSE(s.requests[0].defects.empty());
}

TEST(HttpSession, JunkNeverCrashes) {
  const std::string junk[] = {
      "",
      "\r\n\r\n",
      "GET",
      "\x16\x03\x01\x02\x00",
      "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffffff\r\n",
      "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab",
      "POST / HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\n",
      "POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\nx",
      " : \r\n\r\n\r\n\n\n\r\r\r",
      std::string("GET /\0 HTTP/1.1\r\n\r\n", 20)};
  for (const auto& j : junk) {
    transcript_builder b;
    b.client(j).server("HTTP/1.1 200\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n").client(j);
    b.server(j).client_close();
    const session s = parse_session(b.get());
    for (const rule* r : rules()) {
      const rule_result res = r->check(b.get(), {});
      EXPECT_NE(res.rule, nullptr);
    }
  }
}

}  // namespace
}  // namespace ph::harness::rules::http
