#include "clients/http/redirect.hpp"

#include <gtest/gtest.h>

namespace http = ph::clients::http;

TEST(HttpRedirect, MethodRulesFollowRequests) {
  EXPECT_EQ(http::method_after_redirect(301, "POST").method, "GET");
  EXPECT_FALSE(http::method_after_redirect(301, "POST").keep_body);
  EXPECT_EQ(http::method_after_redirect(301, "PUT").method, "PUT");
  EXPECT_EQ(http::method_after_redirect(302, "POST").method, "GET");
  EXPECT_EQ(http::method_after_redirect(303, "PUT").method, "GET");
  EXPECT_EQ(http::method_after_redirect(303, "HEAD").method, "HEAD");
  EXPECT_EQ(http::method_after_redirect(307, "POST").method, "POST");
  EXPECT_TRUE(http::method_after_redirect(307, "POST").keep_body);
  EXPECT_EQ(http::method_after_redirect(308, "PATCH").method, "PATCH");
  EXPECT_TRUE(http::is_redirect(308));
  EXPECT_FALSE(http::is_redirect(304));
  EXPECT_FALSE(http::is_redirect(300));
}

TEST(HttpRedirect, TargetIsJoinedAndInheritsTheFragment) {
  EXPECT_EQ(http::redirect_target("http://h/a/b?q#frag", "../c"), "http://h/c#frag");
  EXPECT_EQ(http::redirect_target("http://h/a#frag", "/d#own"), "http://h/d#own");
  EXPECT_EQ(http::redirect_target("http://h/a", "https://o:8443/x"), "https://o:8443/x");
}

TEST(HttpRedirect, SameOriginComparesSchemeHostAndPort) {
  EXPECT_TRUE(http::same_origin("http://h/a", "http://h:80/b"));
  EXPECT_FALSE(http::same_origin("http://h/a", "https://h/a"));
  EXPECT_FALSE(http::same_origin("http://127.0.0.1:8080/", "http://localhost:8080/"));
  EXPECT_FALSE(http::same_origin("http://h:1/", "http://h:2/"));
}
