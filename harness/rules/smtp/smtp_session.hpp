#pragma once
// The judge's own reading of an SMTP transcript: the client's commands, the server's
// replies, DATA blocks, AUTH exchanges, TLS boundaries and the EHLO state in force.
// Sans-I/O and independent of clients/ and fakeservers/ on purpose (see rule.hpp): the
// judge must not inherit the framing bugs of the thing tested or of the puppet.

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

namespace ph::harness::rules::smtp {

// One server reply: its lines, in order, up to and including the final one.
struct reply {
  int code = 0;                    // the final line's three digits, 0 when it has none
  std::vector<std::string> lines;  // each line without its line terminator
  int segment = 0;
  int first_event = -1;   // event holding the reply's first byte
  int final_event = -1;   // event holding the end of the final line
  bool complete = false;  // the final line was terminated before the stream ended
  bool injected = false;  // written after a 2xx to STARTTLS but before the handshake

  [[nodiscard]] bool positive() const { return code >= 200 && code < 300; }
  // The text after "xyz-"/"xyz " on line i ("" when the line is shorter).
  [[nodiscard]] std::string_view text(std::size_t i) const;
};

enum class turn_kind : std::uint8_t {
  command,        // a command line (BDAT: the line plus its chunk)
  auth_response,  // a line answering a 334 challenge; not a command (RFC 4954 §4)
  content,        // the DATA content up to and including the terminating ".CRLF"
};

// Something the client sent that the server answers with exactly one reply. Turns are in
// stream order; replies are matched to them by counting, as RFC 2920 §3.1 requires.
struct turn {
  turn_kind kind = turn_kind::command;
  std::string raw;   // command or response line including its CRLF (content: empty)
  std::string verb;  // upper-cased command verb ("" for other kinds)
  std::string arg;   // what follows "VERB SP", without the line terminator
  int segment = 0;
  std::size_t offset = 0;  // of the turn's first byte in its segment's client stream
  std::size_t size = 0;    // bytes of that stream the turn consumed
  int first_event = -1;
  int last_event = -1;
  bool terminated = true;  // false when the stream ended inside the turn
  int reply = -1;          // the reply that answers it, -1 if none came
  int ehlo = -1;           // session::ehlos entry in force when it was sent
  int txn = -1;            // MAIL turn of the mail transaction open when it was sent
  int block = -1;          // content and BDAT: session::blocks entry
  int auth = -1;           // AUTH commands and responses: session::auths entry

  // The line without its CRLF (raw as is when unterminated).
  [[nodiscard]] std::string_view line() const;
  [[nodiscard]] bool is(std::string_view v) const {
    return kind == turn_kind::command && verb == v;
  }
};

// What a 2xx reply to EHLO (or HELO, which carries no extensions) put in force.
// `entries`: upper-cased keyword -> its parameters.
struct ehlo_state : line::capability_list {
  int turn = -1;
  bool extended = true;  // false for HELO
};

// One message: a DATA block (un-stuffed) or the chunks of a BDAT sequence.
struct data_block {
  int command = -1;  // the DATA turn, or the first BDAT turn
  int content = -1;  // the content turn (DATA only)
  int mail = -1;     // MAIL turn of the transaction it belongs to
  int segment = 0;
  bool bdat = false;
  std::string raw;      // DATA: bytes after the DATA line up to, not including, the final ".CRLF"
  std::string message;  // the content with stuffing dots removed (BDAT: the chunks joined)
  bool terminated = false;  // ".CRLF" seen (BDAT: the LAST chunk seen in full)
  int reply = -1;           // the reply to end-of-data

  // Where message byte `at` came from: (offset in the segment's client stream).
  struct piece {
    std::size_t message_offset;
    std::size_t stream_offset;
  };
  std::vector<piece> pieces;
};

struct auth_exchange : line::sasl_exchange {
  int final_reply = -1;  // the first non-334 reply, -1 if the exchange never ended
};

using tls_boundary = line::tls_boundary;

// A stretch of the control channel with one security state, and the replies read in it.
struct segment : line::segment {
  int first_reply = 0;
  int reply_count = 0;
};

struct session : line::control_channel<segment> {
  std::vector<reply> replies;
  std::vector<turn> turns;
  std::vector<ehlo_state> ehlos;
  std::vector<data_block> blocks;
  std::vector<auth_exchange> auths;
  int greeting = -1;  // index into replies

  // Event holding byte `at` of a block's message.
  [[nodiscard]] int message_event_at(const data_block& block, std::size_t at) const;
  // The reply turn i should have waited for before it was sent: the previous turn's reply
  // in its segment, the greeting for the very first turn, -1 after STARTTLS.
  [[nodiscard]] int awaited_reply(int turn) const;
  // The EHLO state in force for turn i, or nullptr.
  [[nodiscard]] const ehlo_state* ehlo_for(int turn) const;
  // Turn indices that are commands (not AUTH responses or content).
  [[nodiscard]] std::vector<int> commands() const;
};

// Reads the control channel (channel 0) of an SMTP transcript. Client lines end only at
// CRLF (RFC 5321 §2.3.8), so bare CR and LF stay inside lines where rules can see them;
// server lines end at LF so that a puppet's bare-LF fault cannot desynchronise counting.
// Never throws on malformed input and runs in time linear in the transcript size.
session parse_session(const transcript& t);

// True when `verb` is a command an SMTP client may send (RFC 5321 and the extensions the
// catalogue covers); used to tell commands from stray message text.
bool is_known_verb(std::string_view verb);

}  // namespace ph::harness::rules::smtp
