#pragma once
// The judge's own reading of an FTP transcript: the control channel's commands (CRLF only,
// Telnet IAC sequences recognised) and replies (multi-line aware), TLS boundaries on every
// channel, the data channels and the transfer each belongs to, and the state in force per
// command (TYPE, PROT, REST, login, FEAT). Sans-I/O and independent of clients/ and
// fakeservers/ on purpose (see rule.hpp): the judge must not inherit the framing bugs of the
// thing tested or of the puppet.

#include <cstddef>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "harness/rules/line_session.hpp"
#include "harness/rules/rule.hpp"  // excerpt()
#include "vocabulary/transcript.hpp"

namespace ph::harness::rules::ftp {

// The text of a session's control channel. Commands and replies are views into it, so that
// the judge holds one copy of the stream however many lines it has; shared, so a copied
// session stays valid.
using text_store = std::shared_ptr<std::deque<std::string>>;

// One server reply (RFC 959 §4.2): a single line "xyz text", or "xyz-" ... "xyz text".
struct reply {
  int code = 0;
  std::vector<std::string_view> lines;  // without terminators; views into session::text
  bool complete = false;                // its last line ended before the stream did
  int first_event = -1;
  int final_event = -1;  // event holding its last byte
  int command = -1;      // the command it answers, -1 for the greeting

  [[nodiscard]] bool preliminary() const { return code >= 100 && code < 200; }
  [[nodiscard]] bool positive() const { return code >= 200 && code < 400; }
  // Every line's text after the code and its separator, joined by LF.
  [[nodiscard]] std::string text() const;
};

// One line the client sent on the control channel, split at CRLF only. raw, line and arg
// are views into session::text.
struct command {
  std::string_view raw;    // the line as sent, with its CRLF and any Telnet sequences
  std::string_view line;   // without CRLF, IAC IAC undoubled, other IAC sequences removed
  std::string telnet;      // the Telnet command sequences removed from `line`, raw
  std::string verb;        // upper-cased keyword (its first max_verb bytes)
  std::string_view arg;    // what follows "VERB SP"
  bool terminated = true;  // false when the stream ended inside the line
  int segment = 0;
  bool tls = false;  // sent inside a completed TLS handshake
  int first_event = -1;
  int last_event = -1;

  std::vector<int> replies;  // in order: preliminaries, then the final one
  int prelim = -1;           // the first 1xx reply, if any
  int final_reply = -1;      // the first non-1xx reply, -1 if none came

  // State in force when the command was sent (before its own effect).
  std::string type = "A";  // RFC 959 §3.1.1.5: the default TYPE is ASCII
  int type_command = -1;   // the TYPE command that set it, -1 for the default
  int stale_type = -1;     // a pre-AUTH TYPE command AUTH reset (RFC 4217 §4.2)
  char prot = 'C';         // RFC 4217 §9: Clear until PROT P is accepted
  bool logged_in = false;
  int feat = -1;          // session::feats entry in force (most recent successful FEAT)
  int data_channel = -1;  // transfer commands: session::data entry used

  [[nodiscard]] bool is(std::string_view v) const { return verb == v; }
  [[nodiscard]] bool is_transfer() const;  // RETR STOR STOU APPE LIST NLST MLSD
  [[nodiscard]] bool is_setup() const;     // PASV EPSV (not ALL) PORT EPRT LPRT LPSV
  int code = 0;                            // the final reply's code, 0 when none came
};

// One data connection ("data N" channel).
struct data_channel {
  int channel = -1;
  int open_event = -1;
  bool client_opened = true;  // passive mode: the client connected
  int tls_start = -1;
  int tls_ready = -1;
  int tls_failed = -1;
  int plaintext_event = -1;  // client bytes between tls_start and the handshake's end
  int end_event = -1;        // close or reset
  bool client_ended = false;
  std::string client_bytes;  // C→S payload (decrypted when protected)
  std::string server_bytes;
  int first_client_data = -1;
  int setup = -1;     // the data-setup command it belongs to
  int transfer = -1;  // the transfer command it carried
};

struct feat_state {
  int command = -1;
  std::map<std::string, std::string> features;  // upper-cased name -> parameters
  [[nodiscard]] bool has(std::string_view name) const;
};

// A TLS handshake on the control channel; `command` is the AUTH command answered 234, -1
// with implicit TLS.
using tls_boundary = line::tls_boundary;

struct session {
  text_store text = std::make_shared<std::deque<std::string>>();
  std::vector<command> commands;
  std::vector<reply> replies;
  std::vector<data_channel> data;
  std::vector<feat_state> feats;
  std::vector<tls_boundary> tls;
  std::vector<int> greeting;  // replies before the first command's, 1xx then the final one
  bool implicit_tls = false;
  int tls_required_reply = -1;  // first 530/534 reply saying TLS is required
  int end_event = -1;           // first close/reset on the control channel
  bool client_ended = false;
  std::string client_host;  // the control channel's client address, without the port

  [[nodiscard]] const command& at(int i) const { return commands[static_cast<std::size_t>(i)]; }
  [[nodiscard]] const reply* reply_of(int r) const;
  [[nodiscard]] const reply* final_of(int c) const { return reply_of(at(c).final_reply); }
  // True while transfer command c has had its 1xx but not its final reply at `event`.
  [[nodiscard]] bool transfer_running(int c, int event) const;
  // The transfer command running when `event` happened, -1 if none.
  [[nodiscard]] int running_transfer(int event) const;
};

// Reads an FTP transcript. Client lines end only at CRLF (RFC 959 §4.1); server lines end at
// LF so that a puppet's bare-LF fault cannot desynchronise the matching. Replies are matched
// to commands in order (RFC 959 §5.4), 1xx replies being preliminary. Never throws on
// malformed input and runs in time linear in the transcript size.
session parse_session(const transcript& t);

using line::upper;

}  // namespace ph::harness::rules::ftp
