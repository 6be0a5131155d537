#include "clients/http/multipart.hpp"

#include <stdexcept>

#include <gtest/gtest.h>

namespace http = ph::clients::http;

TEST(HttpMultipart, EncodesFieldsThenFiles) {
  const auto enc = http::encode_multipart(
      {{"a", "1"}}, {{"f", {"x.txt", "hello", "text/plain"}}, {"g", {"y\"z.bin", "\x01\x02", ""}}},
      "BOUND");
  EXPECT_EQ(enc.content_type, "multipart/form-data; boundary=BOUND");
  EXPECT_EQ(enc.body,
            "--BOUND\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n"
            "--BOUND\r\nContent-Disposition: form-data; name=\"f\"; filename=\"x.txt\"\r\n"
            "Content-Type: text/plain\r\n\r\nhello\r\n"
            "--BOUND\r\nContent-Disposition: form-data; name=\"g\"; filename=\"y%22z.bin\"\r\n"
            "Content-Type: application/octet-stream\r\n\r\n\x01\x02\r\n"
            "--BOUND--\r\n");
}

TEST(HttpMultipart, BoundaryNeverOccursInAPart) {
  const auto enc = http::encode_multipart({}, {{"f", {"a", "xx--BOUNDxx", ""}}}, "BOUND");
  const std::string boundary = enc.content_type.substr(enc.content_type.find('=') + 1);
  EXPECT_NE(boundary, "BOUND");
  EXPECT_LE(boundary.size(), 70u);
  EXPECT_EQ(enc.body.find("xx--BOUNDxx"), enc.body.find("xx--BOUND"));
  EXPECT_EQ(enc.body.rfind("--" + boundary + "--\r\n"), enc.body.size() - boundary.size() - 6);
  const auto random = http::encode_multipart({{"k", "v"}}, {});
  EXPECT_NE(random.content_type.find("boundary="), std::string::npos);
}

// Found by tests/fuzz/multipart: a CR LF in a file's type ended the part's header section early
// (the rest of the type was read as a header field, and a blank line in it as the content).
TEST(HttpMultipart, ContentTypeWithCrOrLfIsRefused) {
  EXPECT_THROW(http::encode_multipart({}, {{"f", {"a", "x", "text/plain\r\nX-Injected: 1"}}}),
               std::invalid_argument);
  EXPECT_THROW(http::encode_multipart({}, {{"f", {"a", "x", "q\"\n"}}}), std::invalid_argument);
  EXPECT_THROW(http::encode_multipart({}, {{"f", {"a", "x", "text/plain\r"}}}),
               std::invalid_argument);
  EXPECT_NO_THROW(http::encode_multipart({}, {{"f", {"a", "x", "text/plain; charset=\"utf-8\""}}}));
}

// Found by tests/fuzz/multipart: a given boundary holding CR LF went into the Content-Type field
// and every delimiter line as is.
TEST(HttpMultipart, GivenBoundaryOutsideTheSafeBcharsIsReplaced) {
  for (const char* bad : {"xx\r\n-", "a b", "a/b", "a;b", "q\"", "x\x80"}) {
    const auto enc = http::encode_multipart({{"k", "v"}}, {}, bad);
    const std::string boundary = enc.content_type.substr(enc.content_type.find('=') + 1);
    EXPECT_NE(boundary, bad);
    EXPECT_EQ(boundary.find_first_not_of("0123456789abcdef"), std::string::npos) << boundary;
  }
  EXPECT_EQ(http::encode_multipart({{"k", "v"}}, {}, "Ab-9_.'+").content_type,
            "multipart/form-data; boundary=Ab-9_.'+");
}
