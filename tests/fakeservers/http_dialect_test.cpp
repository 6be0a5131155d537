#include "fakeservers/http/http_dialect.hpp"

#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "fakeservers/fake_server.hpp"
#include "tests/fakeservers/dialect_of.hpp"
#include "tests/fakeservers/raw_client.hpp"
#include "vocabulary/base64.hpp"

namespace ph::fakeservers::http {
namespace {

using ph::direction;
using ph::event_kind;
using namespace std::chrono_literals;

// The shared raw peer, reading HTTP responses.
class raw_client : public test::raw_client {
 public:
  using test::raw_client::raw_client;
  // One response with a Content-Length body (head and body).
  std::string response() {
    std::string head = read_until("\r\n\r\n");
    auto at = head.find("Content-Length: ");
    if (at == std::string::npos) return head;
    return head + read_n(std::stoul(head.substr(at + 16)));
  }
};

ph::scenario scenario(const std::string& mode, const std::string& extra = "") {
  return ph::parse_scenario(
      "protocol = \"http\"\nsummary = \"t\"\n[server]\nmode = \"" + mode + "\"\n" + extra,
      "test.toml", "test/http");
}

std::vector<connection_record> run(const ph::scenario& scen,
                                   const std::function<void(raw_client&)>& client) {
  fake_server server(test::dialect_of(scen), scen, {.session_timeout = 3000ms});
  auto port = server.start();
  {
    raw_client c(port);
    client(c);
  }
  EXPECT_TRUE(server.wait_idle(1, 4000ms));
  server.stop();
  return server.connections();
}

std::string body_of(const std::string& response) {
  return response.substr(response.find("\r\n\r\n") + 4);
}

// ---- sans-I/O ----------------------------------------------------------------------------

TEST(HttpRequestHead, ParsesRequestLineAndFields) {
  request r;
  auto err = parse_head(
      "\r\nGET /a?b=1 HTTP/1.1\r\nHost: x\r\nAccept:  */*  \r\naccept: text/html\r\n\r\n", true, r);
  ASSERT_FALSE(err) << *err;
  EXPECT_EQ(r.method, "GET");
  EXPECT_EQ(r.target, "/a?b=1");
  EXPECT_EQ(r.version, "HTTP/1.1");
  EXPECT_EQ(r.field("ACCEPT"), "*/*, text/html");
  EXPECT_FALSE(r.field("Cookie"));
}

TEST(HttpRequestHead, RejectsMalformedHeads) {
  for (std::string head : {"GET /a HTTP/1.1\r\n\r\n",                        // no Host
                           "GET  /a HTTP/1.1\r\nHost: x\r\n\r\n",            // two spaces
                           "GET /a HTTP/1\r\nHost: x\r\n\r\n",               // bad version
                           "GET /a HTTP/1.1\r\nHost : x\r\n\r\n",            // space before colon
                           "GET /a HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n",  // obs-fold
                           "GET /a HTTP/1.1\r\nHost: x\r\n"}) {              // unterminated
    request r;
    EXPECT_TRUE(parse_head(head, true, r)) << head;
  }
  request r;
  EXPECT_FALSE(parse_head("GET /a HTTP/1.0\n\n", true, r));  // bare LF, 1.0 needs no Host
}

TEST(HttpRequestHead, FramingFollowsRfc9112Section6) {
  auto framing = [](const std::string& fields) {
    request r;
    EXPECT_FALSE(parse_head("POST / HTTP/1.1\r\nHost: x\r\n" + fields + "\r\n", true, r));
    return body_framing(r);
  };
  EXPECT_EQ(framing(""), "none");
  EXPECT_EQ(framing("Content-Length: 12\r\n"), "length:12");
  EXPECT_EQ(framing("Content-Length: 5, 5\r\n"), "length:5");
  EXPECT_TRUE(framing("Content-Length: 5\r\nContent-Length: 6\r\n").starts_with("error:"));
  EXPECT_TRUE(framing("Content-Length: -1\r\n").starts_with("error:"));
  EXPECT_EQ(framing("Transfer-Encoding: gzip, chunked\r\nContent-Length: 3\r\n"), "chunked");
  EXPECT_TRUE(framing("Transfer-Encoding: chunked, gzip\r\n").starts_with("error:"));
}

TEST(HttpRequestHead, DechunksWithExtensionsAndTrailers) {
  EXPECT_EQ(dechunk("5;ext=1\r\nhello\r\n1\r\n!\r\n0\r\nX-Sum: 1\r\n\r\n"), "hello!");
  EXPECT_EQ(dechunk("0\r\n\r\n"), "");
  EXPECT_FALSE(dechunk("zz\r\nhello\r\n0\r\n\r\n"));
  EXPECT_FALSE(dechunk("5\r\nhello\r\n0\r\n"));  // no end of trailer section
  EXPECT_FALSE(dechunk("5\r\nhelloXX0\r\n\r\n"));
}

// ---- model -------------------------------------------------------------------------------

TEST(HttpModel, DefaultRoutesServeKeepAliveRequests) {
  auto conns = run(scenario("model"), [](raw_client& c) {
    c.send("GET /small HTTP/1.1\r\nHost: x\r\n\r\n");
    std::string r1 = c.response();
    EXPECT_TRUE(r1.starts_with("HTTP/1.1 200 OK\r\n")) << r1;
    EXPECT_EQ(body_of(r1), "hello, world\n");
    c.send("HEAD /small HTTP/1.1\r\nHost: x\r\n\r\n");
    std::string r2 = c.read_until("\r\n\r\n");
    EXPECT_NE(r2.find("Content-Length: 13\r\n"), std::string::npos) << r2;
    c.send("GET /nowhere HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    std::string r3 = c.read_all();
    EXPECT_TRUE(r3.starts_with("HTTP/1.1 404 ")) << r3;  // nothing after HEAD's head
    EXPECT_NE(r3.find("Connection: close\r\n"), std::string::npos);
  });
  ASSERT_EQ(conns.size(), 1u);
  EXPECT_TRUE(conns[0].problems.empty());
}

TEST(HttpModel, RedirectChainAndLargeBody) {
  run(scenario("model"), [](raw_client& c) {
    c.send("GET /redirect/3 HTTP/1.1\r\nHost: x\r\n\r\n");
    std::string r = c.response();
    EXPECT_TRUE(r.starts_with("HTTP/1.1 302 Found\r\n")) << r;
    EXPECT_NE(r.find("Location: /redirect/2\r\n"), std::string::npos);
    c.send("GET /large HTTP/1.1\r\nHost: x\r\n\r\n");
    std::string big = c.response();
    EXPECT_EQ(body_of(big).size(), 10u * 1024 * 1024);
  });
}

TEST(HttpModel, EchoDescribesAChunkedUploadAfter100Continue) {
  run(scenario("model"), [](raw_client& c) {
    c.send(
        "POST /upload?x=1 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
        "Expect: 100-continue\r\n\r\n");
    EXPECT_EQ(c.read_until("\r\n\r\n"), "HTTP/1.1 100 Continue\r\n\r\n");
    c.send("3\r\nabc\r\n2\r\nde\r\n0\r\nX-T: 1\r\n\r\n");
    auto j = nlohmann::json::parse(body_of(c.response()));
    EXPECT_EQ(j["method"], "POST");
    EXPECT_EQ(j["query"], "x=1");
    EXPECT_EQ(j["body"], "abcde");
    EXPECT_EQ(j["body_length"], 5);
    EXPECT_EQ(j["chunked"], true);
    EXPECT_EQ(j["trailers"]["x-t"], "1");
    EXPECT_EQ(j["body_sha256"], "36bbe50ed96841d10443bcb670d6554f0a34b761be67ec9c4a8ad2c0c44ca42c");
  });
}

TEST(HttpModel, BasicAuthAnswers401WithAChallenge) {
  run(scenario("model"), [](raw_client& c) {
    c.send("GET /basic-auth HTTP/1.1\r\nHost: x\r\n\r\n");
    std::string r = c.response();
    EXPECT_TRUE(r.starts_with("HTTP/1.1 401 ")) << r;
    EXPECT_NE(r.find("WWW-Authenticate: Basic realm="), std::string::npos);
    c.send("GET /basic-auth HTTP/1.1\r\nHost: x\r\nAuthorization: Basic " +
           ph::base64_encode("user:passwd") + "\r\n\r\n");
    EXPECT_TRUE(c.response().starts_with("HTTP/1.1 200 "));
  });
}

TEST(HttpModel, DeclaredRoutesChunksTrailersAndCookies) {
  run(scenario("model", R"(
[[server.model.routes]]
path = "/c"
chunks = ["ab", "cde"]
trailers = { X-Checksum = "42" }
set_cookies = ["a=1; Path=/"]
[[server.model.routes]]
method = "POST"
path = "/only-post"
status = 201
)"),
      [](raw_client& c) {
        c.send("GET /c HTTP/1.1\r\nHost: x\r\n\r\n");
        std::string r = c.read_until("0\r\nX-Checksum: 42\r\n\r\n");
        EXPECT_NE(r.find("Transfer-Encoding: chunked\r\n"), std::string::npos) << r;
        EXPECT_NE(r.find("Set-Cookie: a=1; Path=/\r\n"), std::string::npos) << r;
        EXPECT_TRUE(r.ends_with("\r\n\r\n2\r\nab\r\n3\r\ncde\r\n0\r\nX-Checksum: 42\r\n\r\n")) << r;
        c.send("GET /only-post HTTP/1.1\r\nHost: x\r\n\r\n");
        EXPECT_TRUE(c.response().starts_with("HTTP/1.1 405 "));
        c.send("GET /nothing HTTP/1.1\r\nHost: x\r\n\r\n");
        EXPECT_TRUE(c.response().starts_with("HTTP/1.1 404 "));
      });
}

TEST(HttpModel, MalformedRequestGets400AndClose) {
  auto conns = run(scenario("model"), [](raw_client& c) {
    c.send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n");
    EXPECT_TRUE(c.read_all().starts_with("HTTP/1.1 400 "));
  });
  ASSERT_EQ(conns.size(), 1u);
  bool server_closed = false;
  for (const auto& e : conns[0].transcript.events)
    server_closed |= e.kind == event_kind::close && e.dir == direction::server_to_client;
  EXPECT_TRUE(server_closed);
}

TEST(HttpModel, RouteFaultsShapeTheResponse) {
  auto scen = scenario("model", R"(
[[server.model.routes]]
path = "/short"
body = "0123456789"
fault = { kind = "short_body", count = 4 }
[[server.model.routes]]
path = "/bad"
chunks = ["a", "b", "c"]
fault = { kind = "bad_chunk" }
[[server.model.routes]]
path = "/reset"
fault = { kind = "reset" }
)");
  run(scen, [](raw_client& c) {
    c.send("GET /short HTTP/1.1\r\nHost: x\r\n\r\n");
    std::string r = c.read_all();
    EXPECT_NE(r.find("Content-Length: 10\r\n"), std::string::npos) << r;
    EXPECT_EQ(body_of(r), "012345");
  });
  run(scen, [](raw_client& c) {
    c.send("GET /bad HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_TRUE(c.read_all().ends_with("1\r\na\r\nzz\r\nnot a chunk\r\n"));
  });
  auto conns = run(scen, [](raw_client& c) {
    c.send("GET /reset HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(c.read_all(), "");
  });
  ASSERT_EQ(conns.size(), 1u);
  bool reset = false;
  for (const auto& e : conns[0].transcript.events)
    reset |= e.kind == event_kind::reset && e.dir == direction::server_to_client;
  EXPECT_TRUE(reset);
}

TEST(HttpModel, OverrideClosesTheSecondRequestOfAConnection) {
  run(scenario("model", "[[server.override]]\ncommand = 2\nfault = { kind = \"close\" }\n"),
      [](raw_client& c) {
        c.send("GET /small HTTP/1.1\r\nHost: x\r\n\r\n");
        EXPECT_TRUE(c.response().starts_with("HTTP/1.1 200 "));
        c.send("GET /small HTTP/1.1\r\nHost: x\r\n\r\n");
        EXPECT_EQ(c.read_all(), "");
      });
}

TEST(HttpModel, ValidationNamesUnknownKeys) {
  EXPECT_THROW(
      test::validate(scenario("model", "[[server.model.routes]]\npath = \"/\"\nbogus = 1\n")),
      ph::scenario_error);
  EXPECT_THROW(test::validate(scenario("model", "[[server.model.routes]]\nbody = \"x\"\n")),
               ph::scenario_error);
  EXPECT_THROW(test::validate(scenario(
                   "model", "[[server.model.routes]]\npath = \"/\"\nfault = { kind = \"x\" }\n")),
               ph::scenario_error);
}

// ---- script ------------------------------------------------------------------------------

TEST(HttpScript, RequestRestReadsFieldsAndBodyAfterTheRequestLine) {
  auto conns = run(scenario("script", R"(
[[server.step]]
expect = "PUT /f HTTP/1.1"
[[server.step]]
read = "request-rest"
expect_data = { contains = "\r\n\r\nhello", size = 35 }
send_raw = "HTTP/1.1 204 No Content\r\n\r\n"
[[server.step]]
read = "request-head"
expect_data = { contains = "Expect: 100-continue" }
send_raw = "HTTP/1.1 100 Continue\r\n\r\n"
[[server.step]]
read = "request-body"
expect_data = { equals = "xyz" }
send_raw = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
close = true
)"),
                   [](raw_client& c) {
                     c.send("PUT /f HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello");
                     EXPECT_EQ(c.read_until("\r\n\r\n"), "HTTP/1.1 204 No Content\r\n\r\n");
                     c.send(
                         "POST /g HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nExpect: "
                         "100-continue\r\n\r\n");
                     EXPECT_EQ(c.read_until("\r\n\r\n"), "HTTP/1.1 100 Continue\r\n\r\n");
                     c.send("xyz");
                     EXPECT_TRUE(c.read_all().starts_with("HTTP/1.1 200 OK"));
                   });
  ASSERT_EQ(conns.size(), 1u);
  EXPECT_TRUE(conns[0].problems.empty()) << conns[0].problems[0];
}

TEST(HttpScript, RequestBlockReadsAChunkedBody) {
  auto conns = run(scenario("script", R"(
[[server.step]]
read = "request"
expect_data = { contains = "0\r\n\r\n" }
send_raw = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
)"),
                   [](raw_client& c) {
                     c.send(
                         "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                         "2\r\nab\r\n0\r\n\r\n");
                     EXPECT_EQ(body_of(c.response()), "ok");
                   });
  ASSERT_EQ(conns.size(), 1u);
  EXPECT_TRUE(conns[0].problems.empty());
}

// The corpus's server sides are checked here too, so a dialect change that breaks a scenario
// fails in the unit tests, before the CLI runs.
TEST(HttpScenarios, EveryServerSideValidates) {
  namespace fs = std::filesystem;
  fs::path dir = fs::path(PH_SOURCE_DIR) / "scenarios" / "http";
  ASSERT_TRUE(fs::is_directory(dir)) << dir;
  int count = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() != ".toml") continue;
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    ++count;
    try {
      test::validate(ph::parse_scenario(text.str(), entry.path().string(),
                                        "http/" + entry.path().stem().string()));
    } catch (const std::exception& e) {
      ADD_FAILURE() << e.what();
    }
  }
  EXPECT_GE(count, 40);
}

}  // namespace
}  // namespace ph::fakeservers::http
