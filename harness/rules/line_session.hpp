#pragma once
// The core every line protocol's session reader is built on (SMTP, POP3, NNTP, FTP; HTTP
// uses the channel split only): the control channel cut at TLS handshakes, server lines
// and client lines, coded multi-line replies, status lines with dot-terminated blocks,
// client dot-terminated blocks, and what a command that upgrades to TLS leaves behind.
// Each protocol configures it with its grammar (how a reply ends, which responses carry a
// block, which command upgrades) and keeps only what is its own: its turns, its state.
// Sans-I/O and independent of clients/ and fakeservers/ on purpose (see rule.hpp).
//
// A new line protocol's judge (say IMAP) adds, under harness/rules/imap/:
//   imap_session.{hpp,cpp}  session : control_channel<> (read_channel, client_line,
//                           split_verb, read_coded_replies or server_line and
//                           read_server_block, upgraded() for its STARTTLS), its turns, state
//   imap_check.hpp          its check functions' declarations
//   imap_*_rules.cpp        the checks; an imap_upgrade traits type instantiates the
//                           cleartext/STARTTLS family (tls_upgrade_rules.hpp)
//   imap_rules.{hpp,cpp}    its catalogue rows (catalogue.hpp) and rules()
// and its rules() as the `rules` column of its row in harness/protocols.cpp, its sources in
// CMakeLists.txt, and its tests under tests/rules/ (listed in the catalogue-coverage test).

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "harness/rules/lexical.hpp"
#include "vocabulary/ascii.hpp"
#include "vocabulary/transcript.hpp"

namespace ph::harness::rules::line {

// (offset in a stream, event index) for each data event that added to the stream, in order.
using event_map = std::vector<std::pair<std::size_t, int>>;

// The event holding byte `offset` of a stream; -1 when the stream is empty.
int event_at(const event_map& map, std::size_t offset);

// --- ASCII helpers ----------------------------------------------------------------------

using lexical::is_digit;
using ph::ascii::iequals;
using ph::ascii::starts_with_ci;
using ph::ascii::upper;
// The three leading digits of `line` as a number; 0 when it does not start with three.
int code_of(std::string_view line);

// --- the control channel ----------------------------------------------------------------

// A TLS handshake on the control channel and what surrounded it.
struct tls_boundary {
  int command = -1;  // the command that asked for it, -1 when none did (implicit TLS)
  int start_event = -1;
  int ready_event = -1;
  int failed_event = -1;
  std::string early_bytes;  // client bytes after the upgrade command, read before its answer
  int early_event = -1;
  std::string plaintext;  // bytes the client sent instead of a ClientHello
  int plaintext_event = -1;
  std::string injected;  // server bytes after the go-ahead, before the handshake
  int injected_event = -1;
};

// A stretch of the control channel with one security state: the plaintext start, then one
// segment per completed (or failed) TLS handshake.
struct segment {
  bool tls = false;
  int boundary = -1;  // the tls_boundary that opened it, -1 for the first
  std::string client;
  std::string server;
  event_map client_events;
  event_map server_events;
};

// Channel 0 of a transcript, cut at TLS handshakes, and who ended it.
struct channel_split {
  std::vector<segment> segments;
  std::vector<tls_boundary> tls;
  int greeting_segment = 0;     // the first segment with any data (1 with implicit TLS)
  bool implicit_tls = false;    // a handshake began before any data
  int first_client_event = -1;  // first C→S data event
  int end_event = -1;           // the first close or reset
  bool client_ended = false;    // ...and it came from the client
  bool ended_by_reset = false;
};

// Reads channel 0. Client bytes received while a handshake runs (RFC 3207 §4, RFC 2595 §4,
// RFC 4642 §2.2.2: only a ClientHello may follow the go-ahead) go to the boundary's
// `plaintext`. Linear in the transcript size; never throws.
channel_split split_channel(const transcript& t);

// The segments of a protocol's session, with the facts of the split. `Segment` derives from
// line::segment when the protocol keeps more per segment.
template <class Segment = segment>
struct control_channel {
  std::vector<Segment> segments;
  std::vector<tls_boundary> tls;
  int greeting_segment = 0;
  int first_client_event = -1;
  int end_event = -1;
  bool client_ended = false;
  bool ended_by_reset = false;

  // Event holding byte `offset` of a segment's client (server) stream; -1 when none.
  [[nodiscard]] int client_event_at(int seg, std::size_t offset) const {
    if (seg < 0 || static_cast<std::size_t>(seg) >= segments.size()) return -1;
    return event_at(segments[static_cast<std::size_t>(seg)].client_events, offset);
  }
  [[nodiscard]] int server_event_at(int seg, std::size_t offset) const {
    if (seg < 0 || static_cast<std::size_t>(seg) >= segments.size()) return -1;
    return event_at(segments[static_cast<std::size_t>(seg)].server_events, offset);
  }

  // Sets t.first_event and t.last_event to the events that carried the `size` bytes from
  // t.offset of segment t.segment's client stream.
  template <class Turn>
  void place(Turn& t, std::size_t size) const {
    t.first_event = client_event_at(t.segment, t.offset);
    t.last_event = client_event_at(t.segment, t.offset + (size > 0 ? size - 1 : 0));
  }

  void read_channel(const transcript& t) {
    channel_split c = split_channel(t);
    segments.reserve(c.segments.size());
    for (auto& from : c.segments) {
      Segment to;
      static_cast<segment&>(to) = std::move(from);
      segments.push_back(std::move(to));
    }
    tls = std::move(c.tls);
    greeting_segment = c.greeting_segment;
    first_client_event = c.first_client_event;
    end_event = c.end_event;
    client_ended = c.client_ended;
    ended_by_reset = c.ended_by_reset;
  }

  // The boundary a command that upgrades to TLS opened in segment `seg` (made when the
  // server said yes but never began the handshake), with the client bytes the command's
  // sender wrote after it, from `client_pos` on, as early bytes.
  tls_boundary& upgraded(int seg, int command, std::size_t client_pos) {
    int bi = -1;
    if (static_cast<std::size_t>(seg) + 1 < segments.size())
      bi = segments[static_cast<std::size_t>(seg) + 1].boundary;
    if (bi < 0) {
      // The server said yes but never began the handshake: keep the facts anyway.
      tls.emplace_back();
      bi = static_cast<int>(tls.size()) - 1;
    }
    tls_boundary& b = tls[static_cast<std::size_t>(bi)];
    b.command = command;
    const std::string& in = segments[static_cast<std::size_t>(seg)].client;
    if (client_pos < in.size()) {
      b.early_bytes = in.substr(client_pos);
      b.early_event = client_event_at(seg, client_pos);
    }
    return b;
  }
};

// Appends `item` and returns its index.
template <class T>
int append(std::vector<T>& to, T item) {
  to.push_back(std::move(item));
  return static_cast<int>(to.size()) - 1;
}

// --- capabilities ------------------------------------------------------------------------

// A capability list as EHLO (RFC 5321 §4.1.1.1) and CAPA (RFC 2449 §5) send it, one
// "NAME [SP parameters]" per line: upper-cased name -> its parameters.
struct capability_list {
  std::map<std::string, std::string> entries;

  // Reads one line; a line without a name is skipped.
  void add(std::string_view line);
  [[nodiscard]] bool has(std::string_view name) const;
  [[nodiscard]] std::string params(std::string_view name) const;
};

// --- SASL (RFC 4422) ---------------------------------------------------------------------

// An exchange an AUTH command started: "AUTH mechanism [SP initial-response]" and the
// client's responses to the server's challenges.
struct sasl_exchange {
  int command = -1;       // the AUTH turn
  std::string mechanism;  // upper-cased
  bool has_initial_response = false;
  std::string initial_response;
  std::vector<int> responses;  // the response turns, in order
};
// The exchange the AUTH command `command` with argument `arg` starts.
sasl_exchange start_sasl(int command, std::string_view arg);

// --- command / answer pairing ---------------------------------------------------------

// Answers are matched to turns by counting, so turn i had to wait for the previous turn's
// answer in its segment, or for the greeting when it opens the greeting segment; -1 when
// none applies (the first turn after a handshake). `answer` is the turn's answer index.
template <class Turn>
int awaited_answer(const std::vector<Turn>& turns, int i, int Turn::*answer, int greeting_segment,
                   int greeting) {
  if (i < 0 || static_cast<std::size_t>(i) >= turns.size()) return -1;
  const Turn& t = turns[static_cast<std::size_t>(i)];
  const Turn* prev = i > 0 ? &turns[static_cast<std::size_t>(i) - 1] : nullptr;
  if (prev != nullptr && prev->segment == t.segment) return prev->*answer;
  return t.segment == greeting_segment ? greeting : -1;
}

// True when turn i was sent before the answer it awaited (`awaited`, from awaited_answer)
// was complete; a turn whose awaited answer never came was sent early unless it is the
// first after a handshake.
template <class Turn, class Answer>
bool sent_before_answer(const std::vector<Turn>& turns, const std::vector<Answer>& answers, int i,
                        int awaited, int greeting_segment) {
  if (i < 0 || static_cast<std::size_t>(i) >= turns.size()) return false;
  const Turn& t = turns[static_cast<std::size_t>(i)];
  if (awaited < 0) {
    const bool has_prev = i > 0 && turns[static_cast<std::size_t>(i) - 1].segment == t.segment;
    return has_prev || t.segment == greeting_segment;
  }
  const Answer& a = answers[static_cast<std::size_t>(awaited)];
  return !a.complete || t.first_event < a.final_event;
}

// --- lines ------------------------------------------------------------------------------

struct line_view {
  std::string_view text;  // without the terminator (client lines: see client_line)
  std::size_t next = 0;   // offset after the line and its terminator
  bool terminated = false;
};

// A server line from `pos`: it ends at LF (a CR before it dropped) so that a bare-LF fault
// cannot desynchronise the reading.
line_view server_line(std::string_view in, std::size_t pos);
// A client line from `pos`: it ends only at CRLF, so bare CR and LF stay inside it where
// rules can see them. `text` keeps the CRLF.
line_view client_line(std::string_view in, std::size_t pos);
// A client line's text without its CRLF (as is when unterminated).
std::string_view without_crlf(std::string_view raw, bool terminated);

// A command line's keyword (upper-cased, its first max_verb bytes) and what follows "VERB SP".
struct verb_arg {
  std::string verb;
  std::string_view arg;
  bool has_arg = false;  // a space followed the keyword
};
verb_arg split_verb(std::string_view line);

// --- server replies ---------------------------------------------------------------------

// How a coded reply ("xyz-" ... "xyz text") ends.
enum class reply_grammar {
  // RFC 5321 §4.2.1: every line but the last is "xyz-"; any other line ends the reply (a
  // line without a code, too, so that junk cannot swallow later replies).
  any_final_line,
  // RFC 959 §4.2: after "xyz-" the reply runs to the line starting "xyz SP"; lines without
  // a code outside a reply belong to none.
  same_code_final,
};

struct coded_reply {
  int code = 0;                         // the final line's (any_final_line) or first line's code
  std::vector<std::string_view> lines;  // views into the server stream, without terminators
  bool complete = false;                // the final line ended before the stream did
  int first_event = -1;
  int final_event = -1;  // event holding its last byte
};

// Every reply in one segment's server stream, in order.
std::vector<coded_reply> read_coded_replies(std::string_view server, const event_map& events,
                                            reply_grammar g);

// A dot-terminated block (RFC 1939 §3, RFC 3977 §3.1.1) read from a server stream.
struct server_block {
  std::vector<std::string_view> lines;  // without terminators and the final "."
  bool complete = false;                // the "." line came
};
// Reads from `pos` (advanced past the block). With `unstuff` a leading "." of a line is
// dropped (RFC 3977 §3.1.1); else lines stay as sent.
server_block read_server_block(std::string_view in, std::size_t& pos, bool unstuff);

// --- client dot-terminated content (SMTP DATA, NNTP articles) --------------------------

struct client_block {
  std::string text;         // un-stuffed (RFC 5321 §4.5.2, RFC 3977 §3.1.1)
  std::string_view raw;     // wire bytes up to, not including, the final ".CRLF"
  std::size_t end = 0;      // offset after the block (after ".CRLF" when terminated)
  bool terminated = false;  // ".CRLF" seen
  // Where text byte `text_offset` came from in the client stream.
  struct piece {
    std::size_t text_offset;
    std::size_t stream_offset;
  };
  std::vector<piece> pieces;
};
// Reads the block that starts at `pos` of a client stream.
client_block read_client_block(std::string_view in, std::size_t pos);

}  // namespace ph::harness::rules::line
