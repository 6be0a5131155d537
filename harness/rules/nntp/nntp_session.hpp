#pragma once
// The judge's own reading of an NNTP transcript: the client's commands, the server's
// responses (with their multi-line blocks where the command and code call for one), the
// articles the client sent after 340/335, TLS boundaries and the capability list in force.
// Sans-I/O and independent of clients/ and fakeservers/ on purpose (see rule.hpp).

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

namespace ph::harness::rules::nntp {

// One server response: the status line and, when multi-line, its data block.
struct response {
  int code = 0;                    // the status line's three digits, 0 when it has none
  std::string status;              // the status line without its line terminator
  bool multiline = false;          // a data block followed (RFC 3977 §3.1.1)
  std::vector<std::string> block;  // data lines, un-stuffed, without terminators
  int segment = 0;
  int first_event = -1;   // event holding the status line's first byte
  int status_event = -1;  // event holding the end of the status line
  int final_event = -1;   // event holding the end of the whole response
  bool complete = false;  // status line (and block, if any) terminated before the stream ended

  [[nodiscard]] int klass() const { return code / 100; }
};

enum class turn_kind : std::uint8_t {
  command,        // a command line
  article,        // an article block after 340 (POST) or 335 (IHAVE), up to its ".CRLF"
  sasl_response,  // a line answering a 383 challenge (RFC 4643 §2.4); not a command
};

// Something the client sent that the server answers with one response, in stream order;
// responses are matched to turns by counting (RFC 3977 §3.5).
struct turn {
  turn_kind kind = turn_kind::command;
  std::string raw;   // the bytes of the turn (article: the block including ".CRLF")
  std::string verb;  // upper-cased keyword (commands only)
  std::string arg;   // what follows the keyword and its separators, without CRLF
  int segment = 0;
  std::size_t offset = 0;  // of the turn's first byte in its segment's client stream
  int first_event = -1;
  int last_event = -1;
  bool terminated = true;   // false when the stream ended inside the turn
  int response = -1;        // the response that answers it, -1 if none came
  int caps = -1;            // session::caps entry last read before it, -1 if none
  bool caps_stale = false;  // a state change (STARTTLS, MODE READER, AUTHINFO) came since
  int change = -1;          // the state-change turn that made `caps` stale
  int article = -1;         // POST/IHAVE and article turns: session::articles entry

  // The line without its CRLF (commands and SASL responses).
  [[nodiscard]] std::string_view line() const;
  [[nodiscard]] bool is(std::string_view v) const {
    return kind == turn_kind::command && verb == v;
  }
  // The first argument, upper-cased ("MODE READER" → "READER").
  [[nodiscard]] std::string sub() const;
};

// A capability list from a 101 response (RFC 3977 §5.2).
struct caps_list {
  int turn = -1;
  std::map<std::string, std::vector<std::string>> labels;  // upper-cased label -> arguments

  [[nodiscard]] bool has(std::string_view label) const;
  // The label is present and lists `arg` (case-insensitive).
  [[nodiscard]] bool has_arg(std::string_view label, std::string_view arg) const;
};

// An article the client sent after POST/340 or IHAVE/335.
struct article {
  int command = -1;  // the POST or IHAVE turn
  int turn = -1;     // the article turn
  int segment = 0;
  bool post = true;
  std::string raw;   // wire bytes up to, not including, the terminating ".CRLF"
  std::string text;  // un-stuffed
  bool terminated = false;
  std::size_t offset = 0;  // of raw's first byte in the segment's client stream
};

using tls_boundary = line::tls_boundary;

// A stretch of the control channel with one security state.
struct segment : line::segment {
  std::vector<int> unsolicited;  // responses left over after the segment's last turn
};

struct session : line::control_channel<segment> {
  std::vector<response> responses;
  std::vector<turn> turns;
  std::vector<caps_list> caps;
  std::vector<article> articles;
  int greeting = -1;  // index into responses

  [[nodiscard]] const response* response_of(int r) const;
  [[nodiscard]] const response* response_to(const turn& t) const { return response_of(t.response); }
  // The capability list in force for turn i (nullptr when none was read or it went stale).
  [[nodiscard]] const caps_list* caps_for(int i) const;
  // The next turn after i in the same segment, or -1.
  [[nodiscard]] int next_in_segment(int i) const;
  // The previous command turn before i (any segment), or -1.
  [[nodiscard]] int previous_command(int i) const;
};

// Reads the control channel of an NNTP transcript. Client lines end only at CRLF (RFC 3977
// §3.1); server lines end at LF so that a puppet's bare-LF fault cannot desynchronise
// counting. Never throws on malformed input; linear in the transcript size.
session parse_session(const transcript& t);

// True for the commands of RFC 3977, 4642, 4643 and 2980 (upper-case `verb`).
bool is_known_verb(std::string_view verb);

// True when a response with `code` to the command `verb` (with first argument `sub`,
// upper-cased) carries a multi-line data block (RFC 3977 §3.2: 211 only after LISTGROUP).
bool is_multiline(std::string_view verb, std::string_view sub, int code);

using line::iequals;
using line::upper;

}  // namespace ph::harness::rules::nntp
