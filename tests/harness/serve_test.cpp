#include "harness/serve.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace ph::harness {
namespace {

scenario smtp_model() {
  return parse_scenario(
      "protocol = \"smtp\"\nsummary = \"serve test\"\n[server]\nmode = \"model\"\n", "<test>",
      "serve/smtp");
}

// Reads until `want` appears in what arrived (or EOF / the 5 s receive timeout).
bool read_until(int fd, std::string_view want) {
  std::string got;
  char buf[512];
  while (got.find(want) == std::string::npos) {
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return false;
    got.append(buf, static_cast<std::size_t>(n));
  }
  return true;
}

// One short SMTP session: greeting, EHLO, QUIT. False if any step failed.
bool short_session(std::uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  timeval tv{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok =
      ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 && read_until(fd, "\r\n");
  auto say = [&](std::string_view line, std::string_view until) {
    ok = ok &&
         ::send(fd, line.data(), line.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(line.size()) &&
         read_until(fd, until);
  };
  say("EHLO client.example.org\r\n", "250 ");
  say("QUIT\r\n", "221 ");
  ::close(fd);
  return ok;
}

TEST(Serve, JudgesEveryConnectionThroughABoundedQueue) {
  constexpr int clients = 4, per_client = 60, total = clients * per_client;
  std::atomic<std::uint16_t> port{0};
  std::mutex mutex;
  std::set<int> seen;  // connection numbers judged
  int passed = 0;
  serve_options opts;
  opts.count = total;
  opts.queue_limit = 1;  // the server must wait for a slow judge rather than drop anything
  opts.server.session_timeout = std::chrono::seconds(10);
  opts.on_listening = [&](std::uint16_t p) { port = p; };
  opts.on_result = [&](scenario_result& r) {
    std::this_thread::sleep_for(std::chrono::microseconds(200));  // a judge slower than serving
    std::lock_guard lock(mutex);
    ASSERT_EQ(r.connections.size(), 1u);
    seen.insert(r.connections[0].connection);
    if (r.final == verdict::pass || r.final == verdict::warn) ++passed;
  };
  std::atomic<bool> stop{false};
  serve_stats stats;
  std::thread server([&] { stats = serve(smtp_model(), opts, stop); });
  while (port == 0)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c)
    threads.emplace_back([&] {
      for (int i = 0; i < per_client; ++i)
        if (!short_session(port)) ++failures;
    });
  for (auto& t : threads)
    t.join();
  server.join();  // returns once `total` connections were judged
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(stats.judged, static_cast<std::uint64_t>(total));
  EXPECT_EQ(seen.size(), static_cast<std::size_t>(total));
  EXPECT_EQ(*seen.begin(), 1);
  EXPECT_EQ(*seen.rbegin(), total);
  EXPECT_EQ(passed, total);
  EXPECT_LE(stats.peak_queue, 1u);
}

TEST(Serve, StopJudgesConnectionsStillOpen) {
  std::atomic<std::uint16_t> port{0};
  std::vector<verdict> verdicts;
  serve_options opts;
  opts.on_listening = [&](std::uint16_t p) { port = p; };
  opts.on_result = [&](scenario_result& r) { verdicts.push_back(r.final); };
  std::atomic<bool> stop{false};
  serve_stats stats;
  std::thread server([&] { stats = serve(smtp_model(), opts, stop); });
  while (port == 0)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  ASSERT_TRUE(short_session(port));
  // A second client that stays connected: stopping the server ends and judges it.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  timeval tv{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ASSERT_TRUE(read_until(fd, "\r\n"));
  stop = true;
  server.join();
  ::close(fd);
  EXPECT_EQ(stats.judged, 2u);
  EXPECT_EQ(verdicts.size(), 2u);
}

}  // namespace
}  // namespace ph::harness
