#pragma once
// A raw loopback peer for the fake-server tests: exact bytes out, whatever arrives in, with a
// 2-second receive timeout so that no test waits without bound.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>

#include <gtest/gtest.h>

namespace ph::fakeservers::test {

class raw_client {
 public:
  explicit raw_client(std::uint16_t port) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    timeval tv{2, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    EXPECT_EQ(connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  }
  ~raw_client() { close_now(); }
  raw_client(const raw_client&) = delete;
  raw_client& operator=(const raw_client&) = delete;

  void send(const std::string& bytes) {
    ASSERT_EQ(::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL),
              static_cast<ssize_t>(bytes.size()));
  }
  // Reads until `until` has arrived (or EOF / timeout); returns everything read through it.
  std::string read_until(const std::string& until) {
    while (buf_.find(until) == std::string::npos && fill()) {
    }
    auto at = buf_.find(until);
    std::string out = at == std::string::npos ? buf_ : buf_.substr(0, at + until.size());
    buf_.erase(0, out.size());
    return out;
  }
  // Exactly n bytes (fewer at EOF / timeout).
  std::string read_n(std::size_t n) {
    while (buf_.size() < n && fill()) {
    }
    std::string out = buf_.substr(0, std::min(n, buf_.size()));
    buf_.erase(0, out.size());
    return out;
  }
  // Everything until the peer closes (or the timeout).
  std::string read_all() {
    while (fill()) {
    }
    return std::exchange(buf_, {});
  }
  // True when the next read finds the server's orderly close (FIN), false on data, a reset
  // or the receive timeout.
  bool orderly_eof() {
    if (!buf_.empty()) return false;
    char tmp[1];
    return recv(fd_, tmp, sizeof tmp, 0) == 0;
  }
  std::string line() { return read_until("\r\n"); }
  // A dot-terminated block (POP3, NNTP multi-line responses), raw.
  std::string block() { return read_until("\r\n.\r\n"); }
  std::string cmd(const std::string& text) {
    send(text + "\r\n");
    return line();
  }
  void close_now() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  bool fill() {
    char tmp[65536];
    ssize_t n = recv(fd_, tmp, sizeof tmp, 0);
    if (n <= 0) return false;
    buf_.append(tmp, static_cast<std::size_t>(n));
    return true;
  }
  int fd_ = -1;
  std::string buf_;
};

}  // namespace ph::fakeservers::test
