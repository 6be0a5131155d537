#include "reports/encoding.hpp"

#include <gtest/gtest.h>

namespace ph::reports {
namespace {

TEST(Visible, LineEndingsAndTabsBecomeSymbols) {
  EXPECT_EQ(visible("220 ok\r\n"), "220 ok␍␊");
  EXPECT_EQ(visible("a\tb"), "a␉b");
  EXPECT_EQ(visible("bare\n"), "bare␊");
  EXPECT_EQ(visible("bare\r"), "bare␍");
}

TEST(Visible, OtherControlBytesBecomeHex) {
  EXPECT_EQ(visible(std::string("\0\x01\x1b\x7f", 4)), "\\x00\\x01\\x1B\\x7F");
}

TEST(Visible, ValidUtf8IsKeptInvalidBytesBecomeHex) {
  EXPECT_EQ(visible("caf\xC3\xA9"), "café");
  EXPECT_EQ(visible("\xFF\xFE"), "\\xFF\\xFE");
  EXPECT_EQ(visible("\xC3"), "\\xC3");                    // truncated sequence
  EXPECT_EQ(visible("\xC0\xAF"), "\\xC0\\xAF");           // overlong '/'
  EXPECT_EQ(visible("\xED\xA0\x80"), "\\xED\\xA0\\x80");  // surrogate
  EXPECT_EQ(visible("\xF0\x9F\x98\x80!"), "😀!");
}

TEST(Utf8, Validity) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("plain ascii\r\n"));
  EXPECT_TRUE(is_valid_utf8("§ €"));
  EXPECT_FALSE(is_valid_utf8("\x80"));
  EXPECT_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(is_valid_utf8("\xE2\x82"));
}

TEST(Utf8, SafeCutNeverSplitsASequence) {
  const std::string s =
      "ab\xE2\x82\xAC"
      "cd";  // "ab€cd"
  EXPECT_EQ(utf8_safe_cut(s, 2), 2u);
  EXPECT_EQ(utf8_safe_cut(s, 3), 2u);
  EXPECT_EQ(utf8_safe_cut(s, 4), 2u);
  EXPECT_EQ(utf8_safe_cut(s, 5), 5u);
  EXPECT_EQ(utf8_safe_cut(s, 99), s.size());
  EXPECT_EQ(utf8_safe_cut("\x80\x80\x80\x80\x80", 3), 3u);  // stray bytes: cut anywhere
}

TEST(Utf8, VisibleExcerptCutsAndMarks) {
  EXPECT_EQ(visible_excerpt("short\r\n", 10), "short␍␊");
  EXPECT_EQ(visible_excerpt("0123456789", 4), "0123…");
}

TEST(Base64, Rfc4648Vectors) {
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  EXPECT_EQ(base64_encode("foob"), "Zm9vYg==");
  EXPECT_EQ(base64_encode("fooba"), "Zm9vYmE=");
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64_encode(std::string("\0\xff\xfe", 3)), "AP/+");
}

TEST(Sha256, Fips180Vectors) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(sha256_hex(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, PaddingEdges) {
  // 55, 56 and 64 bytes straddle the one-or-two padding blocks decision.
  EXPECT_EQ(sha256_hex(std::string(55, 'a')),
            "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318");
  EXPECT_EQ(sha256_hex(std::string(56, 'a')),
            "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a");
  EXPECT_EQ(sha256_hex(std::string(64, 'a')),
            "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
}

}  // namespace
}  // namespace ph::reports
