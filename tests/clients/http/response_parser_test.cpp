#include "clients/http/response_parser.hpp"

#include <gtest/gtest.h>

#include <string>

#include "clients/http/errors.hpp"

namespace http = ph::clients::http;

namespace {

http::errc error_of(auto&& f) {
  try {
    f();
  } catch (const http::error& e) {
    return e.code();
  }
  return http::errc{};
}

http::response_head head_of(std::string_view bytes) {
  http::head_parser p;
  const std::size_t used = p.feed(bytes);
  EXPECT_TRUE(p.done());
  EXPECT_EQ(used, bytes.size());
  return p.head();
}

// Decodes `bytes` fed in two pieces split at `split`; returns the payload.
std::string decode_split(http::body_framing f, std::string_view bytes, std::size_t split,
                         http::headers* trailers = nullptr) {
  http::body_decoder d(f);
  std::string out;
  std::size_t used = d.feed(bytes.substr(0, split), out);
  EXPECT_EQ(used, split);
  used += d.feed(bytes.substr(split), out);
  EXPECT_TRUE(d.done());
  EXPECT_EQ(used, bytes.size());
  if (trailers) *trailers = d.trailers();
  return out;
}

const http::body_framing chunked{http::body_kind::chunked, 0};

}  // namespace

TEST(HttpStatusLine, ParsesVersionCodeAndReason) {
  const auto h = http::parse_status_line("HTTP/1.1 404 Not Found");
  EXPECT_EQ(h.version_major, 1);
  EXPECT_EQ(h.version_minor, 1);
  EXPECT_EQ(h.status, 404);
  EXPECT_EQ(h.reason, "Not Found");
  EXPECT_EQ(http::parse_status_line("HTTP/1.0 200").reason, "");
  EXPECT_EQ(http::parse_status_line("HTTP/1.1 204 ").reason, "");
}

TEST(HttpStatusLine, RejectsMalformedLines) {
  for (const char* bad : {"", "HTTP/1.1", "HTTP/1.1 20 OK", "HTTP/1.1 2000 OK", "HTTP/11 200 OK",
                          "ICY 200 OK", "HTTP/1.1 abc OK", "HTTP/1.1 099 low", "http/1.1 200 OK"})
    EXPECT_EQ(error_of([&] { http::parse_status_line(bad); }), http::errc::protocol_error) << bad;
}

// scenarios/http/framing-status-bare-cr: a bare CR in the reason phrase reached the application.
// RFC 9112 §2.2.
TEST(HttpStatusLine, RejectsBareCrOrNul) {
  using namespace std::string_literals;
  for (const std::string& bad : {"HTTP/1.1 200 OK\rSet-Cookie: a=1"s, "HTTP/1.1 200 O\0K"s})
    EXPECT_EQ(error_of([&] { http::parse_status_line(bad); }), http::errc::protocol_error) << bad;
  EXPECT_EQ(error_of([] { head_of("HTTP/1.1 200 OK\rX: 1\r\n\r\n"); }), http::errc::protocol_error);
}

TEST(HttpHeadParser, StopsAtTheEmptyLineAndKeepsRepeats) {
  const std::string bytes =
      "HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\ncontent-type: text/plain\r\nSet-Cookie: "
      "b=2\r\n\r\nBODY";
  http::head_parser p;
  EXPECT_EQ(p.feed(bytes), bytes.size() - 4);
  ASSERT_TRUE(p.done());
  EXPECT_EQ(p.head().fields.get("SET-COOKIE"), "a=1, b=2");
  EXPECT_EQ(p.head().fields.get_all("set-cookie").size(), 2u);
  EXPECT_EQ(p.head().fields.get("Content-Type"), "text/plain");
}

TEST(HttpHeadParser, AcceptsEverySplitPointBareLfAndObsFold) {
  const std::string bytes = "HTTP/1.1 200 OK\r\nX-A: one\r\n  two\r\nX-B:\tv \n\r\n";
  for (std::size_t split = 0; split <= bytes.size(); ++split) {
    http::head_parser p;
    std::size_t used = p.feed(std::string_view(bytes).substr(0, split));
    used += p.feed(std::string_view(bytes).substr(split));
    ASSERT_TRUE(p.done()) << split;
    EXPECT_EQ(used, bytes.size());
    EXPECT_EQ(p.head().fields.get("x-a"), "one two");
    EXPECT_EQ(p.head().fields.get("x-b"), "v");
  }
}

TEST(HttpHeadParser, RejectsBadFieldsAndOversizedHeads) {
  EXPECT_EQ(error_of([] { head_of("HTTP/1.1 200 OK\r\nno colon here\r\n\r\n"); }),
            http::errc::protocol_error);
  EXPECT_EQ(error_of([] { head_of("HTTP/1.1 200 OK\r\n: empty\r\n\r\n"); }),
            http::errc::protocol_error);
  EXPECT_EQ(error_of([] {
              http::head_parser p(64);
              p.feed("HTTP/1.1 200 OK\r\nX-Long: " + std::string(100, 'a') + "\r\n\r\n");
            }),
            http::errc::protocol_error);
}

// Found by tests/fuzz/cookies: a bare CR inside a field value passed through, and went back out
// in a request (a cookie's value in the Cookie field). RFC 9110 §5.5.
TEST(HttpHeadParser, RejectsCrOrNulInsideAFieldLine) {
  using namespace std::string_literals;
  for (const std::string& bad : {"Set-Cookie: a=1\rX-Injected: 1\r\n"s, "X: a\0b\r\n"s,
                                 "X: a\r\n \rfolded\r\n"s, "X\r: a\r\n"s}) {
    EXPECT_EQ(error_of([&] { head_of("HTTP/1.1 200 OK\r\n" + bad + "\r\n"); }),
              http::errc::protocol_error)
        << bad;
  }
  http::body_decoder d(chunked);
  std::string out;
  EXPECT_EQ(error_of([&] { d.feed("0\r\nX: a\rb\r\n\r\n", out); }), http::errc::protocol_error);
  EXPECT_EQ(head_of("HTTP/1.1 200 OK\r\nX: a\tb\r\n\r\n").fields.get("X"), "a\tb");
}

TEST(HttpFraming, FollowsRfc9112Section63) {
  auto framing = [](std::string_view head, std::string_view method = "GET") {
    return http::framing_for(head_of(head), method);
  };
  EXPECT_EQ(framing("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", "HEAD").kind,
            http::body_kind::none);
  EXPECT_EQ(framing("HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n").kind,
            http::body_kind::none);
  EXPECT_EQ(framing("HTTP/1.1 304 Not Modified\r\n\r\n").kind, http::body_kind::none);
  EXPECT_EQ(framing("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n").kind,
            http::body_kind::chunked);
  EXPECT_EQ(framing("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n").kind,
            http::body_kind::until_close);
  const auto cl = framing("HTTP/1.1 200 OK\r\nContent-Length: 7, 7\r\nContent-Length: 7\r\n\r\n");
  EXPECT_EQ(cl.kind, http::body_kind::length);
  EXPECT_EQ(cl.length, 7u);
  EXPECT_EQ(framing("HTTP/1.1 200 OK\r\n\r\n").kind, http::body_kind::until_close);
}

TEST(HttpFraming, ConflictingOrInvalidLengthsAreProtocolErrors) {
  for (const char* head : {
           "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n",
           "HTTP/1.1 200 OK\r\nContent-Length: 5, 6\r\n\r\n",
           "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
           "HTTP/1.1 200 OK\r\nContent-Length: 0x10\r\n\r\n",
           "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\n",
           "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n",
           // scenarios/http/framing-te-chunked-twice (RFC 9112 §6.1)
           "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, chunked\r\n\r\n",
           "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
           "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip, Chunked\r\n\r\n",
       })
    EXPECT_EQ(error_of([&] { http::framing_for(head_of(head), "GET"); }),
              http::errc::protocol_error)
        << head;
}

TEST(HttpBodyDecoder, ContentLengthStopsAtTheEnd) {
  http::body_decoder d({http::body_kind::length, 3});
  std::string out;
  EXPECT_EQ(d.feed("abcHTTP/1.1", out), 3u);
  EXPECT_TRUE(d.done());
  EXPECT_EQ(out, "abc");
}

TEST(HttpBodyDecoder, ShortContentLengthIsAConnectionError) {
  http::body_decoder d({http::body_kind::length, 10});
  std::string out;
  d.feed("abc", out);
  EXPECT_EQ(error_of([&] { d.on_eof(); }), http::errc::connection_error);
}

TEST(HttpBodyDecoder, UntilCloseEndsAtEof) {
  http::body_decoder d({http::body_kind::until_close, 0});
  std::string out;
  d.feed("abc", out);
  d.feed("def", out);
  EXPECT_FALSE(d.done());
  d.on_eof();
  EXPECT_TRUE(d.done());
  EXPECT_EQ(out, "abcdef");
}

TEST(HttpBodyDecoder, ChunkedSplitAtEveryPosition) {
  const std::string bytes =
      "4;name=value\r\nWiki\r\n5\r\npedia\r\nE \r\n in\r\n\r\nchunks.\r\n0\r\nX-Trailer: t1\r\n"
      "\r\nNEXT";
  const std::string_view message(bytes.data(), bytes.size() - 4);
  for (std::size_t split = 0; split <= message.size(); ++split) {
    http::headers trailers;
    EXPECT_EQ(decode_split(chunked, message, split, &trailers), "Wikipedia in\r\n\r\nchunks.")
        << split;
    EXPECT_EQ(trailers.get("x-trailer"), "t1");
  }
  http::body_decoder d(chunked);
  std::string out;
  EXPECT_EQ(d.feed(bytes, out), message.size());
}

TEST(HttpBodyDecoder, EmitHandsViewsIntoTheInputWithoutChunkFraming) {
  const std::string bytes = "4\r\nWiki\r\n5\r\npedia\r\n0\r\n\r\nNEXT";
  http::body_decoder d(chunked);
  std::vector<std::string_view> pieces;
  EXPECT_EQ(d.feed(bytes, [&](std::string_view p) { pieces.push_back(p); }), bytes.size() - 4);
  EXPECT_TRUE(d.done());
  ASSERT_EQ(pieces.size(), 2u);
  EXPECT_EQ(pieces[0], "Wiki");
  EXPECT_EQ(pieces[1], "pedia");
  // Views, not copies: they point into the input.
  EXPECT_EQ(pieces[0].data(), bytes.data() + 3);
}

TEST(HttpBodyDecoder, ChunkedErrors) {
  for (const char* bad : {"zz\r\n", "\r\n", "5\r\nabcdefg\r\n", "4 x\r\n", "10000000000000000\r\n",
                          "FFFFFFFFFFFFFFFFF\r\n"}) {
    http::body_decoder d(chunked);
    std::string out;
    EXPECT_EQ(error_of([&] { d.feed(bad, out); }), http::errc::protocol_error) << bad;
  }
  http::body_decoder d(chunked);
  std::string out;
  d.feed("5\r\nab", out);
  EXPECT_EQ(error_of([&] { d.on_eof(); }), http::errc::connection_error);
}

TEST(HttpBodyDecoder, ChunkedHugeButValidSizeDoesNotOverflow) {
  http::body_decoder d(chunked);
  std::string out;
  EXPECT_NO_THROW(d.feed("FFFFFFFFFFFFFFFF\r\nab", out));
  EXPECT_EQ(out, "ab");
}
