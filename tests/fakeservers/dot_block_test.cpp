#include "fakeservers/engine/session.hpp"

#include <gtest/gtest.h>

namespace ph::fakeservers {
namespace {

TEST(DotBlock, StuffsLeadingDotsAndTerminates) {
  EXPECT_EQ(dot_block("a\r\n.b\r\n.\r\n"), "a\r\n..b\r\n..\r\n.\r\n");
  EXPECT_EQ(dot_block("no final newline"), "no final newline\r\n.\r\n");
  EXPECT_EQ(dot_block("bare\nlf\n"), "bare\r\nlf\r\n.\r\n");
  EXPECT_EQ(dot_block(""), ".\r\n");
}

TEST(DotBlock, UnstuffIsTheInverse) {
  for (std::string text : {"a\r\n.b\r\n.\r\n", "x\r\n", "..two\r\n"})
    EXPECT_EQ(unstuff_dot_block(dot_block(text)), text);
}

}  // namespace
}  // namespace ph::fakeservers
