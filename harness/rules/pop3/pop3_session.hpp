#pragma once
// The judge's own reading of a POP3 transcript: the client's commands (and AUTH
// continuation lines), the server's status lines and multi-line bodies, TLS boundaries,
// the session state and the CAPA reply in force. Sans-I/O and independent of clients/ and
// fakeservers/ on purpose (see rule.hpp): the judge must not inherit the framing bugs of the
// thing tested or of the puppet.

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "harness/rules/line_session.hpp"
#include "harness/rules/rule.hpp"  // excerpt()
#include "vocabulary/transcript.hpp"

namespace ph::harness::rules::pop3 {

// RFC 1939 §3: a session moves from AUTHORIZATION to TRANSACTION on a successful login and
// to UPDATE on QUIT. `quit` marks anything sent after QUIT.
enum class state : std::uint8_t { authorization, transaction, quit };

enum class status : std::uint8_t {
  ok,            // "+OK"
  err,           // "-ERR"
  continuation,  // "+ " (RFC 5034 §4 server challenge)
  other,         // anything else: junk, or a response the stream cut short
};

// One server response: its status line and, when the command has one and the status is
// +OK, the multi-line body up to the terminating "." line.
struct response {
  status st = status::other;
  std::string line;               // the status line without its terminator
  std::vector<std::string> body;  // body lines as sent (still dot-stuffed), without "."
  bool multiline = false;         // a body was expected and read
  bool complete = false;          // the status line (and body) ended before the stream did
  int segment = 0;
  int first_event = -1;   // event holding the response's first byte
  int final_event = -1;   // event holding its last byte
  bool injected = false;  // written after +OK to STLS but before the handshake

  [[nodiscard]] bool ok() const { return st == status::ok; }
  // The text after the status indicator and one space.
  [[nodiscard]] std::string_view text() const;
  // RFC 2449 §8: the response code in brackets after the status, without them ("" if none).
  [[nodiscard]] std::string code() const;
};

enum class turn_kind : std::uint8_t {
  command,        // a command line
  auth_response,  // a line answering a "+ " challenge; not a command (RFC 5034 §4)
};

// One line the client sent (split at CRLF only, so bare CR and LF stay inside it).
struct turn {
  turn_kind kind = turn_kind::command;
  std::string raw;   // the line including its CRLF
  std::string verb;  // upper-cased keyword ("" for AUTH responses)
  std::string arg;   // what follows "KEYWORD SP", without the line terminator
  int segment = 0;
  std::size_t offset = 0;  // of the line's first byte in its segment's client stream
  int first_event = -1;
  int last_event = -1;
  bool terminated = true;                 // false when the stream ended inside the line
  int response = -1;                      // the response that answers it, -1 if none came
  pop3::state st = state::authorization;  // the state the line was processed in
  int capa = -1;  // session::capas entry in force when it was sent (this segment only)
  int auth = -1;  // AUTH commands and responses: session::auths entry

  // The line without its CRLF (raw as is when unterminated).
  [[nodiscard]] std::string_view line() const;
  [[nodiscard]] bool is(std::string_view v) const {
    return kind == turn_kind::command && verb == v;
  }
};

// What a +OK reply to CAPA announced (RFC 2449 §5): upper-cased name -> its parameters.
struct capa_state : line::capability_list {
  int turn = -1;

  // The SASL capability's mechanisms, upper-cased.
  [[nodiscard]] std::vector<std::string> sasl() const;
};

struct auth_exchange : line::sasl_exchange {
  int final_response = -1;  // the first non-continuation response, -1 if it never came
};

using tls_boundary = line::tls_boundary;
using segment = line::segment;

struct session : line::control_channel<> {
  std::vector<response> responses;
  std::vector<turn> turns;
  std::vector<capa_state> capas;
  std::vector<auth_exchange> auths;
  int greeting = -1;            // index into responses
  bool capa_succeeded = false;  // some CAPA got +OK on this connection
  bool capa_refused = false;    // some CAPA got -ERR (an RFC 1939-only server)

  // The response turn i had to wait for: the previous turn's in its segment, the greeting
  // for the very first turn, -1 when none applies (first turn after a handshake).
  [[nodiscard]] int awaited_response(int turn) const;
  // True when turn i was sent before the response it had to wait for was complete.
  [[nodiscard]] bool sent_early(int turn) const;
  // The CAPA state in force for turn i, or nullptr.
  [[nodiscard]] const capa_state* capa_for(int turn) const;
  [[nodiscard]] const response* response_of(int r) const;
  [[nodiscard]] const turn& at(int i) const { return turns[static_cast<std::size_t>(i)]; }
};

// Reads the control channel (channel 0) of a POP3 transcript. Client lines end only at
// CRLF (RFC 1939 §3); server lines end at LF so that a puppet's bare-LF fault cannot
// desynchronise the matching. Whether a +OK carries a body is decided from the command
// (RFC 1939 §5-§7: LIST and UIDL without argument, RETR, TOP; RFC 2449 §5: CAPA).
// Never throws on malformed input and runs in time linear in the transcript size.
session parse_session(const transcript& t);

// True for the keywords RFC 1939, 2449, 2595 and 5034 define.
bool is_known_verb(std::string_view verb);

}  // namespace ph::harness::rules::pop3
