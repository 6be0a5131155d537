#include "clients/codec/base64.hpp"

#include <gtest/gtest.h>

#include <string>

#include "clients/sasl/mechanisms.hpp"

namespace codec = ph::clients::codec;
namespace sasl = ph::clients::sasl;

TEST(Base64, Rfc4648Vectors) {
  EXPECT_EQ(codec::base64_encode(""), "");
  EXPECT_EQ(codec::base64_encode("f"), "Zg==");
  EXPECT_EQ(codec::base64_encode("fo"), "Zm8=");
  EXPECT_EQ(codec::base64_encode("foo"), "Zm9v");
  EXPECT_EQ(codec::base64_encode("foob"), "Zm9vYg==");
  EXPECT_EQ(codec::base64_encode("fooba"), "Zm9vYmE=");
  EXPECT_EQ(codec::base64_encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(codec::base64_decode("Zm9vYmE="), "fooba");
  EXPECT_EQ(codec::base64_decode("Zg=="), "f");
  EXPECT_EQ(codec::base64_decode(""), "");
}

TEST(Base64, StrictDecoding) {
  EXPECT_EQ(codec::base64_decode("Zm9"), std::nullopt);       // length
  EXPECT_EQ(codec::base64_decode("Zm9v!A=="), std::nullopt);  // alphabet
  EXPECT_EQ(codec::base64_decode("Z===="), std::nullopt);
  EXPECT_EQ(codec::base64_decode("Zg==Zm9v"), std::nullopt);  // padding in the middle
  EXPECT_EQ(codec::base64_decode("Zm 9v"), std::nullopt);
  EXPECT_EQ(codec::base64_decode("Z=g="), std::nullopt);
}

TEST(Sasl, PlainResponse) {
  EXPECT_EQ(sasl::plain_response("user", "pass"),
            codec::base64_encode(std::string("\0user\0pass", 10)));
  EXPECT_EQ(codec::base64_decode(sasl::plain_response("tim", "tanstaaf", "admin")),
            std::string("admin\0tim\0tanstaaf", 18));
}

TEST(Sasl, CramMd5Rfc2195Example) {
  // RFC 2195 §2 example exchange.
  EXPECT_EQ(sasl::cram_md5_response("tim", "tanstaaftanstaaf",
                                    "<1896.697170952@postoffice.reston.mci.net>"),
            "dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw");
}
