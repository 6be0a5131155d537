#include "harness/serve.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "tests/process_memory.hpp"

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

// --- bounded memory ------------------------------------------------------------------------

using testing_support::reset_peak;
using testing_support::status_kib;

int connect_loopback(std::uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  timeval tv{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

bool send_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

// A serve() on its own thread, stopped and joined at the end of the scope.
struct serving {
  explicit serving(serve_options o) : opts(std::move(o)) {
    opts.on_listening = [this](std::uint16_t p) { port = p; };
    thread = std::thread([this] { stats = serve(smtp_model(), opts, stop); });
    for (int i = 0; i < 5000 && port == 0; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~serving() { finish(); }
  void finish() {
    stop = true;
    if (thread.joinable()) thread.join();
  }
  serve_options opts;
  std::atomic<std::uint16_t> port{0};
  std::atomic<bool> stop{false};
  serve_stats stats;
  std::thread thread;
};

// After a burst of 400 connections sending garbage, serve hands the memory back: RSS comes
// back near where it was (before, the models stayed at the burst's peak, 60-120 MB).
TEST(Serve, MemoryComesBackAfterABurstOfGarbageConnections) {
  if (testing_support::address_sanitized)
    GTEST_SKIP() << "ASan's quarantine keeps freed memory resident: RSS says nothing here";
  constexpr int clients = 8, per_client = 50, total = clients * per_client;
  std::string garbage(256 * 1024, '\0');
  std::uint32_t x = 12345;
  for (char& ch : garbage) {
    x = x * 1664525u + 1013904223u;
    ch = static_cast<char>(x >> 24);
    if (ch == '\n') ch = ' ';  // one over-long line: the server answers it once
  }
  std::atomic<int> judged{0};
  serve_options opts;
  opts.on_result = [&](scenario_result&) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));  // the queue fills up
    ++judged;
  };
  serving srv(opts);
  ASSERT_NE(srv.port.load(), 0);
  ASSERT_TRUE(short_session(srv.port));  // warm up (TLS context, first-use allocations)
  for (int i = 0; i < 500 && judged < 1; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  const std::size_t before = status_kib("VmRSS");

  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c)
    threads.emplace_back([&] {
      for (int i = 0; i < per_client; ++i) {
        int fd = connect_loopback(srv.port);
        if (fd < 0) continue;
        send_all(fd, garbage);
        ::shutdown(fd, SHUT_WR);
        char buf[4096];
        while (::recv(fd, buf, sizeof buf, 0) > 0) {
        }
        ::close(fd);
      }
    });
  for (auto& t : threads)
    t.join();
  for (int i = 0; i < 600 && judged < total + 1; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  ASSERT_EQ(judged.load(), total + 1);
  const std::size_t peak = status_kib("VmHWM");
  std::size_t after = status_kib("VmRSS");
  for (int i = 0; i < 100 && after > before + 16 * 1024; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    after = status_kib("VmRSS");
  }
  RecordProperty("rss_before_kib", static_cast<int>(before));
  RecordProperty("rss_peak_kib", static_cast<int>(peak));
  RecordProperty("rss_after_kib", static_cast<int>(after));
  EXPECT_LT(after, before + 16 * 1024) << "RSS " << before << " KiB before the burst, " << after
                                       << " KiB after (peak " << peak << " KiB)";
  srv.finish();
  EXPECT_GE(srv.stats.trims, 1u);
}

// A client line of 100 MB (streamed in 1 MiB pieces, no line end until the last): serve
// answers it once, keeps at most the transcript limit of it, and its verdict quotes it.
TEST(Serve, AHundredMegabyteLineGivesABoundedServerAndVerdict) {
  std::optional<scenario_result> result;
  serve_options opts;
  opts.count = 1;
  opts.on_result = [&](scenario_result& r) { result = std::move(r); };
  serving srv(opts);
  ASSERT_NE(srv.port.load(), 0);
  int fd = connect_loopback(srv.port);
  ASSERT_GE(fd, 0);
  ASSERT_TRUE(read_until(fd, "\r\n"));
  reset_peak();
  const std::size_t before = status_kib("VmRSS");
  const std::string piece(1 << 20, 'A');
  for (int i = 0; i < 100; ++i)
    ASSERT_TRUE(send_all(fd, piece));
  ASSERT_TRUE(send_all(fd, "\r\nQUIT\r\n"));
  EXPECT_TRUE(read_until(fd, "500 5.5.6 Line too long\r\n221 "));
  ::close(fd);
  srv.thread.join();  // count = 1: returns once the connection is judged
  const std::size_t growth = status_kib("VmHWM") - before;
  RecordProperty("peak_growth_kib", static_cast<int>(growth));
  if (!testing_support::address_sanitized) {
    EXPECT_LT(growth, 96u * 1024) << "server and judge together, coarse";
  }

  ASSERT_TRUE(result);
  ASSERT_EQ(result->connections.size(), 1u);
  EXPECT_TRUE(result->connections[0].elided);
  bool len_cmd = false;
  for (const auto& r : result->rules) {
    EXPECT_LE(r.message.size(), 500u) << r.rule->id;
    for (const auto& ev : r.evidence) {
      EXPECT_LE(ev.excerpt.size(), 80u) << r.rule->id;
      if (r.rule->id == "SMTP-LEN-CMD") {
        len_cmd = true;
        EXPECT_GT(ev.length, 1000000u);
        EXPECT_EQ(ev.sha256.size(), 64u);
      }
    }
  }
  EXPECT_TRUE(len_cmd) << "SMTP-LEN-CMD names the line";
}

}  // namespace
}  // namespace ph::harness
