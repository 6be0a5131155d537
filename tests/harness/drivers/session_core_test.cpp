#include "harness/drivers/session_core.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace ph::harness::drivers {
namespace {

using json = nlohmann::json;

// Records which connect a session made.
struct line_client {
  std::vector<std::string> calls;
  std::string connect(const std::string& host, std::uint16_t port) {
    calls.push_back("connect " + host + ":" + std::to_string(port));
    return "plain greeting";
  }
  std::string connect_tls(const std::string& host, std::uint16_t port) {
    calls.push_back("connect_tls " + host + ":" + std::to_string(port));
    return "tls greeting";
  }
};

// A client whose TLS is in its options (as FTP's): connect() only.
struct plain_client {
  std::vector<std::string> calls;
  std::string connect(const std::string& host, std::uint16_t port) {
    calls.push_back("connect " + host + ":" + std::to_string(port));
    return "greeting";
  }
};

scenario with_options(const std::string& options) {
  return parse_scenario("protocol = \"smtp\"\nsummary = \"s\"\n[client_options]\n" + options +
                            "[server]\nmode = \"model\"\n",
                        "t.toml", "");
}

const endpoint ep{"127.0.0.1", 2525, "PEM"};

TEST(FirstConnect, ConnectsOnceBeforeTheFirstStepThatIsNotAConnect) {
  line_client c;
  first_connect fc(with_options(""), ep);
  fc.before(c, "ehlo");
  fc.before(c, "quit");
  EXPECT_EQ(c.calls, std::vector<std::string>{"connect 127.0.0.1:2525"});
}

TEST(FirstConnect, AnExplicitConnectIsTheOnlyOne) {
  line_client c;
  first_connect fc(with_options(""), ep);
  fc.before(c, "connect");
  EXPECT_TRUE(c.calls.empty());
  EXPECT_EQ(fc.connect(c, json{{"tls", "implicit"}}), "tls greeting");
  fc.before(c, "ehlo");
  EXPECT_EQ(c.calls, std::vector<std::string>{"connect_tls 127.0.0.1:2525"});
}

TEST(FirstConnect, ImplicitTlsFromTheOptionsUnlessTheStepSaysOtherwise) {
  line_client c;
  first_connect fc(with_options("tls = \"implicit\"\n"), ep);
  fc.before(c, "ehlo");
  EXPECT_EQ(fc.connect(c, json{{"tls", "none"}}), "plain greeting");
  EXPECT_EQ(c.calls,
            (std::vector<std::string>{"connect_tls 127.0.0.1:2525", "connect 127.0.0.1:2525"}));
}

TEST(FirstConnect, AClientWithoutConnectTlsAlwaysConnectsPlain) {
  plain_client c;
  first_connect fc(with_options("tls = \"implicit\"\n"), ep);
  EXPECT_EQ(fc.connect(c, json::object()), "greeting");
  EXPECT_EQ(c.calls, std::vector<std::string>{"connect 127.0.0.1:2525"});
}

struct toy_options {
  std::chrono::milliseconds timeout{1};
  ph::clients::net::tls_options tls;
};

TEST(ClientOptions, DeadlineAndTlsFromClientOptionsAndTheEndpoint) {
  const auto o = client_options_of<toy_options>(
      with_options("timeout_ms = 750\ntls_verify = false\ntls_server_name = \"fake.test\"\n"), ep);
  EXPECT_EQ(o.timeout, std::chrono::milliseconds(750));
  EXPECT_FALSE(o.tls.verify);
  EXPECT_EQ(o.tls.server_name, "fake.test");
  EXPECT_EQ(o.tls.ca_pem, "PEM");
  const auto d = client_options_of<toy_options>(with_options(""), ep);
  EXPECT_EQ(d.timeout, std::chrono::milliseconds(2000));
  EXPECT_TRUE(d.tls.verify);
  EXPECT_EQ(d.tls.server_name, "");
}

}  // namespace
}  // namespace ph::harness::drivers
