#pragma once
// The transcript: every byte that crossed a connection, both ways, in the order the
// fake server saw it. It is the only thing the RFC rules read.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ph::harness {

enum class direction : std::uint8_t { client_to_server, server_to_client };

enum class event_kind : std::uint8_t {
  open,        // a channel was established (text: "client -> server" endpoints)
  data,        // bytes, exactly as read from or written to the socket (decrypted under TLS)
  tls_start,   // the server begins the TLS handshake on this channel
  tls_ready,   // handshake completed; data after this is inside TLS (text: cipher, version)
  tls_failed,  // handshake failed (text: reason)
  close,       // orderly close; dir says who closed first (client_to_server = client FIN)
  reset,       // connection reset (dir: who reset)
  note,        // something the server did that is not a byte on the wire (fault injected, ...)
};

std::string_view to_string(event_kind kind);

struct event {
  event_kind kind = event_kind::data;
  direction dir = direction::client_to_server;
  int channel = 0;                  // index into transcript::channels
  std::chrono::microseconds at{0};  // since the transcript started
  std::string bytes;                // payload for data, text for the other kinds
};

struct channel_info {
  std::string label;  // "control", "data 1", ...
  std::string client_endpoint;
  std::string server_endpoint;
};

// One client connection (its control channel plus any data channels, e.g. FTP's).
struct transcript {
  int connection = 0;  // 1-based, in accept order
  std::vector<channel_info> channels;
  std::vector<event> events;

  // Bytes one side sent on a channel, concatenated (the stream view of the events).
  [[nodiscard]] std::string stream(direction dir, int channel = 0) const;
  [[nodiscard]] std::size_t bytes(direction dir) const;
};

}  // namespace ph::harness
