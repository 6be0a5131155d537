#pragma once
// One server-side connection: a recording wire (TCP, upgradable to TLS) with the faults a
// scenario can inject. Internal to fakeservers; dialects and the script interpreter drive it.
// The session never normalises what the client sends: lines keep their raw terminators.

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <nlohmann/json.hpp>

#include "fakeservers/fake_server.hpp"

namespace ph::fakeservers {

namespace asio = boost::asio;
using asio::awaitable;
using json = nlohmann::json;

// Faults applied to the server's writes, from [server.faults] or one script step.
struct write_faults {
  std::size_t drip_bytes = 0;               // split every write into pieces this size
  std::chrono::milliseconds drip_delay{0};  // pause between pieces
  std::chrono::milliseconds delay{0};       // pause before each reply
  bool bare_lf = false;                     // send_line ends lines with LF only

  // Reads {drip = {bytes, delay_ms}, delay_ms, line_ending = "lf"}; throws scenario_error.
  static write_faults parse(const ph::scenario& scen, const json& j, const std::string& ptr);
};

// The longest line a client may send where the server reads a command (in HTTP: a head
// line), and what the server answers a longer one. Each dialect declares its own
// (dialect::command_line_limit); the session applies it in read_line().
struct line_limit {
  std::size_t octets = 0;  // the longest line accepted, terminator included; 0: no limit
  std::string reply;       // sent with send_line() once a line passes `octets`
  bool close = false;      // after the reply the server closes instead of reading on
};

// Bounds on what one connection may make the server hold.
struct session_limits {
  line_limit line;
  // Bytes of transcript kept for the connection (ph::transcript_recorder); 0: no limit.
  std::size_t transcript = ph::transcript_recorder::default_limit;
};

// Thrown inside a session to end it early (the client went away, a fault closed it).
struct session_ended {
  std::string why;
};

class session {
 public:
  session(asio::ip::tcp::socket socket, asio::ssl::context& tls, const ph::scenario& scen,
          connection_record& record, std::chrono::milliseconds timeout, session_limits limits = {});
  ~session();
  session(const session&) = delete;
  session& operator=(const session&) = delete;

  // Ends the connection from outside (the harness stops the server).
  void abort(std::string why);

  const ph::scenario& scen() const { return scen_; }
  connection_record& record() { return record_; }
  write_faults& faults() { return faults_; }

  // The next line from the client, raw (terminated by LF, which may lack its CR), or
  // nullopt at EOF. A line longer than the line limit is never returned nor held: once it
  // passes the limit the server sends the limit's reply (`too_long_reply` instead when not
  // empty; it must outlive the call), then either closes the connection (line_limit::close:
  // nullopt) or drops the line's bytes as they arrive, through its LF, and reads on. The
  // transcript still records every byte (up to its own limit).
  awaitable<std::optional<std::string>> read_line(std::string_view too_long_reply = {});
  // True when read_line() would return at once: a whole line is already buffered.
  bool line_buffered() const { return inbuf_.find('\n') != std::string::npos; }
  // Bytes received (and recorded) on the control channel but not yet read.
  std::size_t buffered() const { return inbuf_.size(); }
  // Reads until `terminator` (e.g. "\r\n.\r\n"); nullopt at EOF. The terminator is included.
  awaitable<std::optional<std::string>> read_until(std::string_view terminator);
  // Exactly n bytes (fewer at EOF).
  awaitable<std::string> read_exact(std::size_t n);
  // A dot-terminated block (SMTP DATA, NNTP POST/IHAVE), raw, through the terminating
  // CRLF "." CRLF; only that exact sequence ends it, so a bare-LF "dot" line cannot end it
  // early (RFC 5321 §4.1.1.4, RFC 3977 §3.1.1). nullopt at EOF.
  awaitable<std::optional<std::string>> read_dot_block();

  // Writes text + CRLF (LF only under the bare_lf fault), applying write faults.
  awaitable<void> send_line(std::string_view text);
  awaitable<void> send_lines(const std::vector<std::string>& lines);
  // Sends `text` as a multi-line data block (POP3, NNTP): line ends made CRLF, lines that
  // start with '.' byte-stuffed, then ".\r\n" (RFC 1939 §3, RFC 3977 §3.1.1). One write.
  awaitable<void> send_dot_block(std::string_view text);
  // Writes bytes exactly, applying drip/delay.
  awaitable<void> send_raw(std::string_view bytes);

  // Server side of a TLS upgrade. First checks that the client's next byte starts a TLS
  // handshake record; plaintext is recorded and ends the session (tls_failed).
  awaitable<void> start_tls(const std::string& certificate = "server");

  // Faults that end the connection.
  awaitable<void> close();                  // orderly: TLS close_notify, FIN
  void reset();                             // RST (SO_LINGER 0)
  awaitable<void> stall();                  // answer nothing; wait for the client to give up
  awaitable<void> wait_for_client_close();  // record anything the client still sends
  awaitable<void> sleep(std::chrono::milliseconds d);

  void note(std::string text);
  void problem(std::string text);
  bool open() const { return open_; }
  bool tls_active() const { return tls_ != nullptr; }
  std::size_t commands_seen() const { return commands_seen_; }
  void count_command() { ++commands_seen_; }
  std::chrono::microseconds now() const;

  // --- Extra connections: a protocol's own connections beside this one (their sockets, their
  // transcript channels) live in one `extra` the session owns to its end; its expire() must
  // close them when the session deadline fires or the server stops the session.
  struct extra {
    virtual ~extra() = default;
    virtual void expire() = 0;
  };
  extra* extras() const { return extra_.get(); }
  // Takes `x` as the session's extra; throws std::logic_error when it has one already.
  extra& attach(std::unique_ptr<extra> x);
  asio::any_io_executor executor() { return socket_.get_executor(); }
  // This connection's local address (127.0.0.1 when the socket has none).
  asio::ip::address local_address() const;
  // A new transcript channel; returns its index for record_on().
  int add_channel(ph::channel_info ch);
  void record_on(int channel, ph::event_kind kind, ph::direction dir, std::string bytes);
  // True once the session deadline fired or the server stopped the session.
  bool expired() const { return expired_; }

 private:
  awaitable<std::size_t> read_some();
  // A line (through LF) or, when none ends within `max` bytes, the first `max` bytes.
  awaitable<std::optional<std::string>> read_piece(std::size_t max);
  std::size_t read_ready(boost::system::error_code& ec);
  awaitable<void> write_all(std::string_view bytes);
  void record(ph::event_kind kind, ph::direction dir, std::string bytes, int channel = 0);
  void on_deadline();

  // Plain TCP until start_tls(); the TLS layer (an OpenSSL object and its buffers, tens of
  // KiB) exists only from then on, so an idle plaintext connection stays small.
  asio::ip::tcp::socket socket_;
  asio::ssl::context& tls_ctx_;
  std::unique_ptr<asio::ssl::stream<asio::ip::tcp::socket&>> tls_;
  asio::steady_timer deadline_;
  const ph::scenario& scen_;
  connection_record& record_;
  ph::transcript_recorder recorder_;
  line_limit line_limit_;
  write_faults faults_;
  std::string inbuf_;
  bool discarding_ = false;  // dropping the rest of an over-long line through its LF
  std::chrono::steady_clock::time_point start_;
  bool open_ = true;
  bool eof_ = false;
  bool expired_ = false;
  std::size_t commands_seen_ = 0;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  // Dot-terminated blocks are read in pieces of at most this (lines longer are split).
  static constexpr std::size_t max_piece = 1 << 20;
  std::unique_ptr<extra> extra_;  // last: its connections close before the session's own
};

// The content of a raw dot-terminated block: transparency dots removed, terminator dropped.
std::string unstuff_dot_block(std::string_view block);

// `text` as a dot-terminated block: CRLF line ends, stuffed, ".\r\n" appended.
std::string dot_block(std::string_view text);

// Server TLS contexts with the embedded test PKI ("server" or "wrong-name" certificate).
asio::ssl::context& tls_context(const std::string& certificate);

}  // namespace ph::fakeservers
