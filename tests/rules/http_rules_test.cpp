#include "harness/rules/http/http_rules.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <span>
#include <string>
#include <string_view>

#include "tests/rules/http_test_support.hpp"
#include "tests/rules/rule_test_support.hpp"

namespace ph::harness::rules::http {
namespace {

using namespace test;

TEST(HttpRules, CatalogueHasUniqueIdsSectionsAndSummaries) {
  std::set<std::string> ids;
  ASSERT_GE(rules().size(), 25u);
  for (const rule* r : rules()) {
    const rule_info& i = r->info();
    EXPECT_TRUE(ids.insert(i.id).second) << i.id;
    EXPECT_EQ(i.id.rfind("HTTP-", 0), 0u);
    EXPECT_EQ(i.protocol, "http");
    EXPECT_NE(i.rfc.find("RFC "), std::string::npos) << i.id;
    EXPECT_FALSE(i.summary.empty()) << i.id;
  }
  EXPECT_EQ(rule_testing::rules_of("http").size(), rules().size());
}

TEST(HttpRules, CleanKeepAliveSessionHasNoFailure) {
  const transcript t = clean_session().get();
  for (const rule* r : rules()) {
    const rule_result res = r->check(t, {});
    EXPECT_NE(res.result, outcome::fail) << r->info().id << " " << describe(res);
  }
  for (std::string_view id :
       {"HTTP-CRLF", "HTTP-NO-EXTRA-CRLF", "HTTP-REQUEST-LINE", "HTTP-TARGET-CHARS",
        "HTTP-ORIGIN-FORM", "HTTP-HOST", "HTTP-FIELD-SYNTAX", "HTTP-CHUNKED", "HTTP-CL-EXACT",
        "HTTP-BODY-FRAMED", "HTTP-PIPELINE", "HTTP-COOKIE-HEADER", "HTTP-URI-ENCODING"})
    expect_pass(run(id, t));
}

// A redirect to another origin followed on a new connection, as requests and curl do: each
// connection on its own is clean.
TEST(HttpRules, RedirectFollowedOnNewConnectionHasNoFailure) {
  transcript_builder a;
  a.client(get("/a", "Authorization: Basic dXNlcjpwYXNz\r\n"));
  a.server("HTTP/1.1 302 Found\r\nLocation: http://localhost:8080/b\r\nContent-Length: 0\r\n\r\n");
  a.client_close();
  transcript_builder b;
  b.client("GET /b HTTP/1.1\r\nHost: localhost:8080\r\nAccept: */*\r\n\r\n").ok().client_close();
  for (const rule* r : rules()) {
    EXPECT_NE(r->check(a.get(), {}).result, outcome::fail) << r->info().id;
    EXPECT_NE(r->check(b.get(), {}).result, outcome::fail) << r->info().id;
  }
}

// The shape http.client and urllib produce: Host first, Connection: close, one request.
TEST(HttpRules, UrllibStyleRequestHasNoFailure) {
  transcript_builder b;
  b.client(
      "GET /x HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nAccept-Encoding: identity\r\n"
      "User-Agent: Python-urllib/3.12\r\nConnection: close\r\n\r\n");
  b.server("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nbody").server_close();
  for (const rule* r : rules()) {
    const rule_result res = r->check(b.get(), {});
    EXPECT_NE(res.result, outcome::fail) << r->info().id << " " << describe(res);
  }
}

struct violation {
  const char* id;
  const char* client;  // event 0
  int event = 0;
  level lvl = level::must;
};

// A rule id as a test name: "HTTP-CL-TE" -> "HTTP_CL_TE".
std::string id_name(std::string_view id) {
  std::string name(id);
  std::replace(name.begin(), name.end(), '-', '_');
  return name;
}

// Shown when a case fails, instead of gtest's byte dump of the struct.
void PrintTo(const violation& v, std::ostream* os) {
  *os << v.id << " at event " << v.event << " (" << to_string(v.lvl) << ") on "
      << ::testing::PrintToString(std::string(v.client));
}

// "HTTP_HOST_4": the rule id and the case's ordinal among that rule's cases in `all`, so a
// failing case's name says which rule broke, and a case added for one rule renames none of
// another's.
template <typename Case>
std::string case_name(std::span<const Case> all, std::size_t index) {
  const std::string_view id = all[index].id;
  const auto same = std::count_if(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(index),
                                  [&](const Case& c) { return id == c.id; });
  return id_name(id) + "_" + std::to_string(same);
}

class HttpViolation : public ::testing::TestWithParam<violation> {};

TEST_P(HttpViolation, FailsWithEvidence) {
  const violation& v = GetParam();
  transcript_builder b;
  b.client(v.client).ok().client_close();
  expect_fail(run(v.id, b.get()), v.id, v.event, v.lvl);
}

const std::string kHost = "Host: 127.0.0.1:8080\r\n";

const violation violations[] = {
    violation{"HTTP-CRLF", "GET / HTTP/1.1\nHost: 127.0.0.1:8080\n\n"},
    violation{"HTTP-NO-EXTRA-CRLF", "\r\nGET / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n"},
    violation{"HTTP-REQUEST-LINE", "get / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n"},
    violation{"HTTP-REQUEST-LINE", "GET  /a HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n"},
    violation{"HTTP-REQUEST-LINE", "GET / http/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n"},
    violation{"HTTP-TARGET-CHARS", "GET /my file.pdf HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n"},
    violation{"HTTP-TARGET-CHARS", "GET /doc#intro HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n"},
    violation{"HTTP-TARGET-CHARS", "GET /caf\xC3\xA9 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n"},
    violation{"HTTP-ORIGIN-FORM", "GET ?q=1 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n"},
    violation{"HTTP-ORIGIN-FORM",
              "GET http://127.0.0.1:8080/ HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n"},
    violation{"HTTP-HOST", "GET / HTTP/1.1\r\nAccept: */*\r\n\r\n"},
    violation{"HTTP-HOST", "GET / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nHost: x\r\n\r\n"},
    violation{"HTTP-HOST", "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"},
    violation{"HTTP-HOST", "GET / HTTP/1.1\r\nHost: ::1:8080\r\n\r\n"},
    violation{"HTTP-HOST", "GET / HTTP/1.1\r\nAccept: */*\r\nHost: 127.0.0.1:8080\r\n\r\n", 0,
              level::should},
    violation{"HTTP-NO-USERINFO",
              "GET / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nReferer: http://u:p@a.example/\r\n\r\n"},
    violation{"HTTP-NO-USERINFO", "GET / HTTP/1.1\r\nHost: u@127.0.0.1:8080\r\n\r\n"},
    violation{"HTTP-FIELD-SYNTAX",
              "GET / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nContent-Type : text/plain\r\n\r\n"},
    violation{"HTTP-FIELD-SYNTAX",
              "GET / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nX-A: 1\r\n 2\r\n\r\n"},
    violation{"HTTP-FIELD-SYNTAX",
              "GET / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nAccept: a,,b\r\n\r\n"},
    violation{"HTTP-FIELD-SYNTAX", "GET / HTTP/1.1\r\n Host: 127.0.0.1:8080\r\n\r\n"},
    violation{"HTTP-DUP-FIELDS",
              "POST / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nContent-Length: 1\r\nContent-Length: "
              "2\r\n\r\nab"},
    violation{"HTTP-CL-TE",
              "POST / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nContent-Length: 5\r\n"
              "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"},
    violation{"HTTP-BODY-FRAMED", "POST / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\na=1&b=2"},
    violation{"HTTP-BODY-FRAMED", "POST / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n", 0,
              level::should},
    violation{"HTTP-BODY-FRAMED",
              "GET / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nContent-Length: 0\r\n\r\n", 0,
              level::should},
    violation{"HTTP-CL-EXACT",
              "POST / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nContent-Length: 5\r\n\r\nh\xC3\xA9llo"},
    violation{"HTTP-CL-EXACT",
              "POST / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nContent-Length: +5\r\n\r\nhello"},
    violation{"HTTP-CHUNKED",
              "POST / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nTransfer-Encoding: chunked, "
              "gzip\r\n\r\n0\r\n\r\n"},
    violation{"HTTP-CHUNKED",
              "POST / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nTransfer-Encoding: chunked\r\n\r\n"
              "0x1A\r\n"},
    violation{"HTTP-CHUNKED",
              "POST / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nTransfer-Encoding: chunked\r\n\r\n"
              "1\r\na\r\n0\r\nContent-Length: 1\r\n\r\n"},
    violation{"HTTP-TE-CONN", "GET / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nTE: trailers\r\n\r\n"},
    violation{"HTTP-TE-CONN",
              "GET / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUpgrade: websocket\r\n\r\n"},
    violation{"HTTP-EXPECT-100",
              "GET / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nExpect: 100-continue\r\n\r\n"},
    violation{"HTTP-NO-BODY-METHODS",
              "TRACE / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nCookie: a=1\r\n\r\n"},
    violation{"HTTP-NO-BODY-METHODS",
              "GET / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nContent-Length: 2\r\n\r\n{}", 0,
              level::should},
    violation{"HTTP-DATE",
              "GET / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nIf-Modified-Since: "
              "2024-01-01T00:00:00Z\r\n\r\n"},
    violation{"HTTP-DATE",
              "GET / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nIf-Modified-Since: Mon, 06 Nov 1994 "
              "08:49:37 GMT\r\n\r\n"},
    violation{"HTTP-REFERER",
              "GET / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nReferer: http://a.example/p#sec\r\n\r\n"},
    violation{"HTTP-REFERER",
              "GET / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nReferer: https://a.example/p\r\n\r\n", 0,
              level::should},
    violation{"HTTP-BASIC",
              "GET / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nAuthorization: Basic dXNlcjpw "
              "YXNz\r\n\r\n"},
    violation{"HTTP-BASIC",
              "GET / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nAuthorization: Basic dXNlcg==\r\n\r\n"},
    violation{"HTTP-COOKIE-HEADER",
              "GET / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nCookie: a=1\r\nCookie: b=2\r\n\r\n"},
    violation{"HTTP-COOKIE-HEADER",
              "GET / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nCookie: a=1;b=2\r\n\r\n"},
    violation{"HTTP-URI-ENCODING", "GET /a/../b HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n"},
    violation{"HTTP-URI-ENCODING", "GET /a%2520b HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n", 0,
              level::should},
    violation{"HTTP-URI-ENCODING", "GET /a%2fb HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n", 0,
              level::should}};

// A SHOULD-level case is marked: "HTTP_HOST_4_should".
INSTANTIATE_TEST_SUITE_P(Rules, HttpViolation, ::testing::ValuesIn(violations),
                         [](const ::testing::TestParamInfo<violation>& info) {
                           std::string name = case_name<violation>(violations, info.index);
                           if (info.param.lvl == level::should) name += "_should";
                           return name;
                         });

// Near misses of the violations above: requests each rule must let through.
struct allowed {
  const char* id;
  const char* client;  // event 0
};

void PrintTo(const allowed& a, std::ostream* os) {
  *os << a.id << " on " << ::testing::PrintToString(std::string(a.client));
}

class HttpAllowed : public ::testing::TestWithParam<allowed> {};

TEST_P(HttpAllowed, Passes) {
  const allowed& a = GetParam();
  transcript_builder b;
  b.client(a.client).ok().client_close();
  expect_pass(run(a.id, b.get()));
}

const allowed allowed_cases[] = {
    allowed{"HTTP-NO-USERINFO",
            "GET / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nReferer: http://a.example/p?u=x@y\r\n\r\n"},
    allowed{"HTTP-DUP-FIELDS",
            "GET / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nAccept: text/html\r\nAccept: */*\r\n\r\n"},
    allowed{"HTTP-CL-TE",
            "POST / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nTransfer-Encoding: chunked\r\n\r\n"
            "0\r\n\r\n"},
    allowed{"HTTP-TE-CONN",
            "GET / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nTE: trailers\r\nConnection: TE\r\n\r\n"},
    allowed{"HTTP-TE-CONN",
            "GET / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUpgrade: websocket\r\nConnection: "
            "Upgrade\r\n\r\n"},
    allowed{"HTTP-NO-BODY-METHODS", "TRACE / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n"},
    allowed{"HTTP-DATE",
            "GET / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nIf-Modified-Since: Sun, 06 Nov 1994 "
            "08:49:37 GMT\r\n\r\n"},
    allowed{"HTTP-REFERER",
            "GET / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nReferer: http://a.example/p\r\n\r\n"},
    allowed{"HTTP-REFERER",
            "GET / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nReferer: about:blank\r\n\r\n"},
    allowed{"HTTP-BASIC",
            "GET / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nAuthorization: Basic "
            "dXNlcjpwYXNz\r\n\r\n"}};

INSTANTIATE_TEST_SUITE_P(Rules, HttpAllowed, ::testing::ValuesIn(allowed_cases),
                         [](const ::testing::TestParamInfo<allowed>& info) {
                           return case_name<allowed>(allowed_cases, info.index);
                         });

// --- rules that need an exchange ---------------------------------------------------------

TEST(HttpCrlf, BareCrInHeadFails) {
  transcript_builder b;
  b.client(get("/", "X-A: a\rb\r\n")).ok();
  expect_fail(run("HTTP-CRLF", b.get()), "HTTP-CRLF", 0);
}

TEST(HttpNoExtraCrlf, CrlfAfterBodyFails) {
  transcript_builder b;
  b.client(post("/", "hello") + "\r\n").ok();
  b.client(get("/next")).ok();
  expect_fail(run("HTTP-NO-EXTRA-CRLF", b.get()), "HTTP-NO-EXTRA-CRLF", 0);
}

TEST(HttpClExact, BodyShortOfContentLengthFails) {
  transcript_builder b;
  b.client("POST / HTTP/1.1\r\n" + kHost + "Content-Length: 10\r\n\r\nhello");
  b.server("HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n").server_close();
  expect_fail(run("HTTP-CL-EXACT", b.get()), "HTTP-CL-EXACT", 0);
}

TEST(HttpClExact, EarlyFinalResponsePasses) {
  transcript_builder b;
  b.client("POST / HTTP/1.1\r\n" + kHost + "Content-Length: 10\r\n\r\nhel");
  b.server("HTTP/1.1 413 Too Large\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
  b.client("lo").server_close();
  expect_pass(run("HTTP-CL-EXACT", b.get()));
}

TEST(HttpChunked, MissingFinalCrlfFails) {
  transcript_builder b;
  b.client("POST / HTTP/1.1\r\n" + kHost + "Transfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\n");
  b.client_close();
  expect_fail(run("HTTP-CHUNKED", b.get()), "HTTP-CHUNKED", 0);
}

TEST(HttpExpect100, RepeatedExpectationAfter417Warns) {
  transcript_builder b;
  b.client(post("/u", "abc", "Expect: 100-continue\r\n"));
  b.server("HTTP/1.1 417 Expectation Failed\r\nContent-Length: 0\r\n\r\n");
  b.client(post("/u", "abc", "Expect: 100-continue\r\n")).ok();
  expect_fail(run("HTTP-EXPECT-100", b.get()), "HTTP-EXPECT-100", 2, level::should);
}

TEST(HttpExpect100, BodyAfter100Passes) {
  transcript_builder b;
  b.client("POST /u HTTP/1.1\r\n" + kHost + "Content-Length: 3\r\nExpect: 100-continue\r\n\r\n");
  b.server("HTTP/1.1 100 Continue\r\n\r\n").client("abc").ok();
  expect_pass(run("HTTP-EXPECT-100", b.get()));
}

TEST(HttpConnClose, RequestAfterCloseResponseFails) {
  transcript_builder b;
  b.client(get("/1")).server("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
  b.client(get("/2"));
  expect_fail(run("HTTP-CONN-CLOSE", b.get()), "HTTP-CONN-CLOSE", 2);
}

TEST(HttpConnClose, CloseAfterTheLastRequestPasses) {
  transcript_builder b;
  b.client(get("/1")).ok().client(get("/2", "Connection: close\r\n")).ok().client_close();
  expect_pass(run("HTTP-CONN-CLOSE", b.get()));
}

TEST(HttpConnClose, RequestAfterOwnCloseFails) {
  transcript_builder b;
  b.client(get("/1", "Connection: close\r\n")).ok().client(get("/2"));
  expect_fail(run("HTTP-CONN-CLOSE", b.get()), "HTTP-CONN-CLOSE", 2);
}

TEST(HttpPipeline, GetPipelinedBehindPostWarns) {
  transcript_builder b;
  b.client(post("/pay", "x=1") + get("/status")).ok().ok();
  expect_fail(run("HTTP-PIPELINE", b.get()), "HTTP-PIPELINE", 0, level::should);
}

TEST(HttpPipeline, PipelinedGetsPass) {
  transcript_builder b;
  b.client(get("/1") + get("/2")).ok().ok();
  expect_pass(run("HTTP-PIPELINE", b.get()));
}

TEST(HttpRetry, PostResentWithoutResponseWarns) {
  transcript_builder b;
  b.client(post("/pay", "x=1")).client(post("/pay", "x=1")).ok().server_close();
  expect_fail(run("HTTP-RETRY", b.get()), "HTTP-RETRY", 1, level::should);
}

TEST(HttpRetry, PostRepeatedAfterItsResponsePasses) {
  transcript_builder b;
  b.client(post("/pay", "x=1")).ok().client(post("/pay", "x=1")).ok().client_close();
  expect_pass(run("HTTP-RETRY", b.get()));
}

TEST(HttpRedirectMethod, PostFollowedAsGetAfter307Fails) {
  transcript_builder b;
  b.client(post("/a", "x=1"));
  b.server("HTTP/1.1 307 Temporary Redirect\r\nLocation: /b\r\nContent-Length: 0\r\n\r\n");
  b.client(get("/b")).ok();
  expect_fail(run("HTTP-REDIRECT-METHOD", b.get()), "HTTP-REDIRECT-METHOD", 2);
}

TEST(HttpRedirectMethod, SameMethodAndBodyAfter308Passes) {
  transcript_builder b;
  b.client(post("/a/x", "x=1"));
  b.server("HTTP/1.1 308 Permanent Redirect\r\nLocation: ../b\r\nContent-Length: 0\r\n\r\n");
  b.client(post("/b", "x=1")).ok();
  expect_pass(run("HTTP-REDIRECT-METHOD", b.get()));
}

TEST(HttpRedirectHeaders, AuthorizationForwardedToOtherHostOnReusedConnectionWarns) {
  transcript_builder b;
  b.client(get("/a", "Authorization: Basic dXNlcjpwYXNz\r\n"));
  b.server("HTTP/1.1 302 Found\r\nLocation: http://localhost:8080/b\r\nContent-Length: 0\r\n\r\n");
  b.client("GET /b HTTP/1.1\r\nHost: localhost:8080\r\nAuthorization: Basic dXNlcjpwYXNz\r\n\r\n");
  b.ok();
  expect_fail(run("HTTP-REDIRECT-HEADERS", b.get()), "HTTP-REDIRECT-HEADERS", 2, level::should);
}

TEST(HttpRedirectHeaders, ContentTypeKeptAfterPostBecameGetWarns) {
  transcript_builder b;
  b.client(post("/a", "x=1", "Content-Type: application/x-www-form-urlencoded\r\n"));
  b.server("HTTP/1.1 303 See Other\r\nLocation: /b\r\nContent-Length: 0\r\n\r\n");
  b.client(get("/b", "Content-Type: application/x-www-form-urlencoded\r\n")).ok();
  expect_fail(run("HTTP-REDIRECT-HEADERS", b.get()), "HTTP-REDIRECT-HEADERS", 2, level::should);
}

TEST(HttpRedirectHeaders, PostBecameGetWithoutContentTypePasses) {
  transcript_builder b;
  b.client(post("/a", "x=1", "Content-Type: application/x-www-form-urlencoded\r\n"));
  b.server("HTTP/1.1 303 See Other\r\nLocation: /b\r\nContent-Length: 0\r\n\r\n");
  b.client(get("/b")).ok();
  expect_pass(run("HTTP-REDIRECT-HEADERS", b.get()));
}

TEST(HttpCookieScope, CookieOutsideItsPathFails) {
  transcript_builder b;
  b.client(get("/app/login"));
  b.server("HTTP/1.1 200 OK\r\nSet-Cookie: s=1; Path=/app\r\nContent-Length: 0\r\n\r\n");
  b.client(get("/other", "Cookie: s=1\r\n")).ok();
  expect_fail(run("HTTP-COOKIE-SCOPE", b.get()), "HTTP-COOKIE-SCOPE", 2);
}

TEST(HttpCookieScope, ForeignDomainExpiredAndSecureCookiesFail) {
  for (const char* set : {"s=1; Domain=b.example", "s=1; Max-Age=0",
                          "s=1; Expires=Sun, 06 Nov 1994 08:49:37 GMT", "s=1; Secure"}) {
    transcript_builder b;
    b.client(get("/"));
    b.server(std::string("HTTP/1.1 200 OK\r\nSet-Cookie: ") + set +
             "\r\nContent-Length: 0\r\n\r\n");
    b.client(get("/", "Cookie: s=1\r\n")).ok();
    expect_fail(run("HTTP-COOKIE-SCOPE", b.get()), "HTTP-COOKIE-SCOPE", 2);
  }
}

TEST(HttpCookieScope, CookieWithinScopePasses) {
  transcript_builder b;
  b.client(get("/app/login"));
  b.server(
      "HTTP/1.1 200 OK\r\nSet-Cookie: s=1; Path=/app; Max-Age=60; Expires=Sun, 06 Nov 1994 "
      "08:49:37 GMT\r\nContent-Length: 0\r\n\r\n");
  b.client(get("/app/x", "Cookie: s=1\r\n")).ok();
  expect_pass(run("HTTP-COOKIE-SCOPE", b.get()));
}

TEST(HttpForm, CleanMultipartPasses) {
  const std::string body =
      "--b0undary\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n"
      "--b0undary\r\nContent-Disposition: form-data; name=\"f\"; filename=\"x.txt\"\r\n"
      "Content-Type: text/plain\r\n\r\nfile\r\n--b0undary--\r\n";
  transcript_builder b;
  b.client(post("/up", body, "Content-Type: multipart/form-data; boundary=b0undary\r\n")).ok();
  expect_pass(run("HTTP-FORM-PARTS", b.get()));
  expect_pass(run("HTTP-FORM-BOUNDARY", b.get()));
}

TEST(HttpForm, BoundaryInsidePartFails) {
  const std::string body =
      "--b0\r\nContent-Disposition: form-data; name=\"f\"; filename=\"x\"\r\n\r\nsee --b0 here\r\n"
      "--b0--\r\n";
  transcript_builder b;
  b.client(post("/up", body, "Content-Type: multipart/form-data; boundary=b0\r\n")).ok();
  expect_fail(run("HTTP-FORM-BOUNDARY", b.get()), "HTTP-FORM-BOUNDARY", 0);
}

TEST(HttpForm, ContentTransferEncodingFails) {
  const std::string body =
      "--XyZ\r\nContent-Disposition: form-data; name=\"f\"\r\nContent-Transfer-Encoding: "
      "binary\r\n\r\nabc\r\n--XyZ--\r\n";
  transcript_builder b;
  b.client(post("/up", body, "Content-Type: multipart/form-data; boundary=XyZ\r\n")).ok();
  expect_fail(run("HTTP-FORM-PARTS", b.get()), "HTTP-FORM-PARTS", 0);
}

TEST(HttpForm, MissingCloseDelimiterFails) {
  const std::string body = "--XyZ\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\nabc\r\n";
  transcript_builder b;
  b.client(post("/up", body, "Content-Type: multipart/form-data; boundary=XyZ\r\n")).ok();
  expect_fail(run("HTTP-FORM-BOUNDARY", b.get()), "HTTP-FORM-BOUNDARY", 0);
}

TEST(HttpForm, FilenameStarFails) {
  const std::string body =
      "--b0\r\nContent-Disposition: form-data; name=\"f\"; filename*=UTF-8''r%C3%A9\r\n\r\nx\r\n"
      "--b0--\r\n";
  transcript_builder b;
  b.client(post("/up", body, "Content-Type: multipart/form-data; boundary=b0\r\n")).ok();
  expect_fail(run("HTTP-FORM-PARTS", b.get()), "HTTP-FORM-PARTS", 0);
}

TEST(HttpHost, HttpsDefaultPortPasses) {
  transcript_builder b("127.0.0.1:443");
  b.tls().client("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").ok();
  expect_pass(run("HTTP-HOST", b.get()));
}

}  // namespace
}  // namespace ph::harness::rules::http
