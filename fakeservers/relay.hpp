#pragma once
// A recording relay (protoharness record): every client that connects is relayed byte for
// byte to an upstream server, real or fake, and recorded in the same transcript model as the
// fake servers' connections, so the judge and the reports read it as they read those. The
// relay changes nothing on the wire; what it cannot see it says in a note (bytes after a TLS
// upgrade are relayed as they come, encrypted).

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "fakeservers/fake_server.hpp"
#include "vocabulary/transcript.hpp"

namespace ph::fakeservers {

struct relay_options {
  std::string bind = "127.0.0.1";
  std::uint16_t port = 0;  // 0: ephemeral
  std::string upstream_host;
  std::uint16_t upstream_port = 0;
  // Bound on resolving and connecting to the upstream; the client is then closed.
  std::chrono::milliseconds connect_timeout{5000};
  // Bound on one relayed connection's life; both sides are closed when it passes.
  std::chrono::milliseconds session_timeout{30000};
  std::size_t transcript_limit = ph::transcript_recorder::default_limit;
};

class relay {
 public:
  explicit relay(relay_options opts);
  ~relay();
  relay(const relay&) = delete;
  relay& operator=(const relay&) = delete;

  // Binds, listens and starts relaying on a background thread; returns the bound port.
  // Throws std::system_error when the address cannot be bound.
  std::uint16_t start();
  // Called on the relay's thread as each connection ends, with its record (the upstream's
  // failure, if any, in `errors`). May block: the relay then relays nothing until it returns.
  void on_connection_done(std::function<void(connection_record)> callback);
  // Stops accepting, closes the connections still open (noted) and joins the thread.
  void stop();

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace ph::fakeservers
