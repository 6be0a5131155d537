// The client's line reader (clients/net/line_stream): the fuzzed bytes come from a peer on
// loopback, in one write or several, and the stream reads them as the protocol clients do:
// read_line (CRLF framing, bare LF refused, max_line), read_exact and read_some, going on after
// a malformed or long line as a client that still wants to send QUIT does.
// Input: byte 0 is max_line (0: the default), byte 1 the read operations (two bits each), byte 2
// the size of the peer's writes (0: one write), then the peer's bytes.

#include <algorithm>
#include <chrono>
#include <string>

#include "clients/net/errors.hpp"
#include "clients/net/line_stream.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using namespace ph::clients;
using namespace std::chrono_literals;

namespace {

struct loopback {
  net::listener listener{5s};
  net::endpoint at = listener.listen("127.0.0.1");
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 3) return 0;
  static loopback server;  // one listener for the process; each input is one connection
  const std::size_t max_line = data[0] == 0 ? net::line_stream::default_max_line : data[0];
  const unsigned ops = data[1];
  const std::size_t piece = data[2] == 0 ? size : data[2];
  const std::string_view peer_bytes = ph::fuzz::bytes(data + 3, size - 3);

  net::line_stream client(5s);
  client.connect(server.at.address, server.at.port);
  client.set_max_line(max_line);
  {
    net::line_stream peer = server.listener.accept(5s);
    for (std::size_t at = 0; at < peer_bytes.size(); at += piece)
      peer.write(peer_bytes.substr(at, piece));
    peer.close();
  }
  for (unsigned k = 0;; ++k) {
    try {
      switch ((ops >> (2 * (k % 4))) & 3) {
        case 0:
        case 1: {
          const std::string line = client.read_line();
          ph::fuzz::check(line.size() <= max_line, "line longer than max_line");
          ph::fuzz::check(line.find('\n') == std::string::npos, "LF inside a line");
          break;
        }
        case 2: {
          const std::size_t n = 1 + k % 37;
          ph::fuzz::check(client.read_exact(n).size() == n, "read_exact size");
          break;
        }
        case 3:
          if (client.read_some().empty()) return 0;
          break;
      }
    } catch (const net::error& e) {
      if (e.code() == net::errc::connection_closed) return 0;
      ph::fuzz::check(
          e.code() == net::errc::malformed_reply || e.code() == net::errc::line_too_long,
          "unexpected stream error");
      ph::fuzz::check(client.is_open(), "closed after a framing error");
    }
  }
}
