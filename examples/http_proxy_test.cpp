// http_proxy between a raw client and an in-process model-mode HTTP fake server: the request
// reaches the upstream with its method, target and body, and the answer comes back.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <memory>
#include <string>

#include "fakeservers/fake_server.hpp"
#include "harness/protocols.hpp"
#include "vocabulary/scenario.hpp"

namespace {

using ph::direction;

std::string exchange(std::uint16_t port, const std::string& request) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  timeval tv{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  EXPECT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  EXPECT_EQ(send(fd, request.data(), request.size(), MSG_NOSIGNAL),
            static_cast<ssize_t>(request.size()));
  std::string out;
  char buf[4096];
  for (ssize_t n; (n = recv(fd, buf, sizeof buf, 0)) > 0;)
    out.append(buf, static_cast<std::size_t>(n));
  close(fd);
  return out;
}

TEST(HttpProxy, ForwardsRequestsAndAnswers) {
  auto scen = ph::parse_scenario(R"(protocol = "http"
summary = "proxy upstream"
[server]
mode = "model"
)",
                                 "http_proxy_test.toml", "examples/http-proxy");
  ph::fakeservers::fake_server upstream(*ph::harness::find_protocol("http")->dialect, scen,
                                        {.session_timeout = std::chrono::seconds(10)});
  const auto up_port = upstream.start();

  const std::string cmd = std::string(PH_HTTP_PROXY_EXE) +
                          " 0 http://127.0.0.1:" + std::to_string(up_port) + " --count 2";
  std::unique_ptr<FILE, int (*)(FILE*)> proxy(popen(cmd.c_str(), "r"), pclose);
  ASSERT_TRUE(proxy);
  char line[128] = {};
  ASSERT_TRUE(fgets(line, sizeof line, proxy.get()));
  const std::string first(line);
  ASSERT_EQ(first.rfind("listening on 127.0.0.1:", 0), 0u) << first;
  const auto port = static_cast<std::uint16_t>(std::stoi(first.substr(first.rfind(':') + 1)));

  const std::string small = exchange(port, "GET /small HTTP/1.1\r\nHost: proxy.test\r\n\r\n");
  EXPECT_EQ(small.rfind("HTTP/1.1 200 ", 0), 0u) << small;
  EXPECT_NE(small.find("Content-Length: "), std::string::npos);

  const std::string echoed = exchange(
      port,
      "POST /upload HTTP/1.1\r\nHost: proxy.test\r\nContent-Length: 5\r\nX-Trace: t1\r\n\r\nhello");
  EXPECT_EQ(echoed.rfind("HTTP/1.1 200 ", 0), 0u) << echoed;
  EXPECT_NE(echoed.find("\"body\": \"hello\""), std::string::npos) << echoed;
  EXPECT_NE(echoed.find("x-trace"), std::string::npos) << echoed;

  proxy.reset();  // waits for the proxy to exit after its two connections
  ASSERT_TRUE(upstream.wait_idle(1, std::chrono::seconds(5)));
  upstream.stop();
  // The upstream saw the forwarded requests with its own Host, not the proxy's.
  std::string seen;
  for (const auto& c : upstream.connections())
    seen += c.transcript.stream(direction::client_to_server);
  EXPECT_NE(seen.find("GET /small HTTP/1.1\r\n"), std::string::npos) << seen;
  EXPECT_NE(seen.find("Host: 127.0.0.1:" + std::to_string(up_port) + "\r\n"), std::string::npos)
      << seen;
  EXPECT_EQ(seen.find("proxy.test"), std::string::npos) << seen;
}

}  // namespace
