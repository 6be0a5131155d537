#pragma once
// The transcript: every byte that crossed a connection, both ways, in the order the
// fake server saw it. It is the only thing the RFC rules read.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vocabulary/digest.hpp"

namespace ph {

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

// What a transcript_recorder left out once the transcript reached its limit: the bytes are
// gone, their count and SHA-256 remain (whoever holds the original can check it).
struct elision {
  std::size_t limit = 0;           // the limit that was reached
  int event = -1;                  // the note event that marks where recording stopped
  std::uint64_t client_bytes = 0;  // client-to-server data bytes dropped, every channel
  std::string client_sha256;       // of those bytes, in order
  std::uint64_t server_bytes = 0;
  std::string server_sha256;
  std::uint64_t events = 0;  // events not recorded at all (data, notes, opens, closes, ...)
  std::chrono::microseconds last{0};  // when the last event, recorded or not, happened

  // One line for the marking note and the reports.
  [[nodiscard]] std::string describe() const;
};

// One client connection (its control channel plus any data channels, e.g. FTP's).
struct transcript {
  int connection = 0;  // 1-based, in accept order
  std::vector<channel_info> channels;
  std::vector<event> events;
  // Set when the recorder dropped the end of the connection: every event from `event` on
  // is missing, so a rule cannot conclude anything about what came after.
  std::optional<elision> elided;

  // Bytes one side sent on a channel, concatenated (the stream view of the events).
  [[nodiscard]] std::string stream(direction dir, int channel = 0) const;
  [[nodiscard]] std::size_t bytes(direction dir) const;
};

// Writes one connection's transcript, keeping it under `limit` bytes of memory: every event
// costs its payload plus a fixed overhead (event_cost), so a client cannot grow it without
// bound with many small writes either. The event that crosses the limit keeps its first part;
// after it a note marks the place, and from then on events and channels are only counted and
// their data hashed (transcript::elided). A limit of 0 means none.
class transcript_recorder {
 public:
  static constexpr std::size_t default_limit = std::size_t{16} << 20;  // 16 MiB
  static constexpr std::size_t event_cost = 64;  // bytes charged per event besides its payload

  transcript_recorder(transcript& t, std::size_t limit);

  void add(event e);
  // Appends a channel and returns its index (counted, but past the limit not stored).
  int add_channel(channel_info ch);
  // Writes the final tallies into transcript::elided and the marking note. Idempotent;
  // call once the connection has ended.
  void finish();
  [[nodiscard]] bool elided() const { return t_.elided.has_value(); }

 private:
  void drop(const event& e, std::string_view bytes);
  void mark(int channel, std::chrono::microseconds at);  // the note where recording stops

  transcript& t_;
  std::size_t limit_;
  std::size_t used_ = 0;
  int channels_ = 0;
  sha256 client_hash_;
  sha256 server_hash_;
  bool finished_ = false;
};

}  // namespace ph
