#include "clients/pop3/apop.hpp"

#include <gtest/gtest.h>

namespace pop3 = ph::clients::pop3;

TEST(Pop3Apop, Rfc1939Example) {
  // RFC 1939 §7, the APOP example.
  EXPECT_EQ(pop3::apop_digest("<1896.697170952@dbc.mtview.ca.us>", "tanstaaf"),
            "c4c9334bac560ecc979e58001b3e22fb");
}

TEST(Pop3Apop, TimestampFromGreeting) {
  EXPECT_EQ(pop3::greeting_timestamp("POP3 server ready <1896.697170952@dbc.mtview.ca.us>"),
            "<1896.697170952@dbc.mtview.ca.us>");
  EXPECT_EQ(pop3::greeting_timestamp("<a@b> and <c@d>"), "<a@b>");
}

TEST(Pop3Apop, NoTimestamp) {
  for (const char* g : {"POP3 server ready", "a < b", "<>", "<a b@c>", "broken <a@b"})
    EXPECT_FALSE(pop3::greeting_timestamp(g).has_value()) << g;
}
