// The command/reply dialogue: SMTP-GREETING-WAIT, SMTP-LOCKSTEP, SMTP-PIPE-GROUP,
// SMTP-PIPE-STATUS, SMTP-EHLO-FIRST, SMTP-HELO-FALLBACK, SMTP-ONE-TXN, SMTP-QUIT.

#include <string>
#include <string_view>

#include "harness/rules/line_dialogue_rules.hpp"
#include "harness/rules/smtp/smtp_check.hpp"
#include "harness/rules/smtp/smtp_syntax.hpp"

namespace ph::harness::rules::smtp {

namespace {

bool first_in_segment(const session& s, int i) {
  return i == 0 || at(s, i - 1).segment != at(s, i).segment;
}

std::string name_of(const turn& t) {
  switch (t.kind) {
    case turn_kind::command:
      return t.verb.empty() ? std::string("(empty line)") : t.verb;
    case turn_kind::auth_response:
      return "AUTH response";
    case turn_kind::content:
      return "message content";
  }
  return "?";
}

// The next command turn after i in the same segment, or -1.
int next_command(const session& s, int i) {
  for (std::size_t j = static_cast<std::size_t>(i) + 1; j < s.turns.size(); ++j) {
    if (s.turns[j].segment != at(s, i).segment) return -1;
    if (s.turns[j].kind == turn_kind::command) return static_cast<int>(j);
  }
  return -1;
}

}  // namespace

// RFC 5321 §4.3.1, §3.1: wait for the whole greeting; after 554 only QUIT.
void check_greeting_wait(const session& s, const context&, findings& f) {
  const reply* g = reply_of(s, s.greeting);
  line::check_greeting_wait(s, g, g != nullptr && g->code == 554,
                            "{} after a 554 greeting (only QUIT is allowed)", f);
}

// RFC 5321 §4.3.1: without PIPELINING, each command waits for the previous reply.
void check_lockstep(const session& s, const context&, findings& f) {
  for (std::size_t n = 0; n < s.turns.size(); ++n) {
    const int i = static_cast<int>(n);
    const turn& t = at(s, i);
    // Content after 354 is SMTP-DATA-354's; the first turn is SMTP-GREETING-WAIT's.
    if (t.kind == turn_kind::content || first_in_segment(s, i)) continue;
    const ehlo_state* e = s.ehlo_for(i);
    if (e != nullptr && e->has("PIPELINING")) continue;
    f.applied();
    if (!sent_early(s, i)) continue;
    const reply* r = reply_of(s, s.awaited_reply(i));
    if ((r == nullptr || !r->complete) && t.is("QUIT")) continue;  // gave up waiting
    f.fail(name_of(t) + " sent before the reply to " + name_of(at(s, i - 1)) +
               " was complete (no PIPELINING in force)",
           t.first_event, t.kind == turn_kind::content ? std::string_view{} : t.raw);
  }
}

// RFC 2920 §3.1, RFC 4954 §4: with PIPELINING only MAIL, RCPT, RSET (and one-round-trip
// AUTH with an initial response) may be followed within a group.
void check_pipe_group(const session& s, const context&, findings& f) {
  for (std::size_t n = 0; n < s.turns.size(); ++n) {
    const int i = static_cast<int>(n);
    const turn& t = at(s, i);
    const ehlo_state* e = s.ehlo_for(i);
    if (e == nullptr || !e->has("PIPELINING") || t.kind == turn_kind::content) continue;
    f.applied();
    if (may_continue_group(s, i)) continue;
    if (t.is("STARTTLS")) {
      for (const auto& b : s.tls)
        if (b.command == i && !b.early_bytes.empty())
          f.fail("STARTTLS was not the last command of its group", b.early_event, b.early_bytes);
      continue;
    }
    if (n + 1 >= s.turns.size() || at(s, i + 1).segment != t.segment) continue;
    if (!sent_early(s, i + 1)) continue;
    const turn& next = at(s, i + 1);
    const reply* r = reply_of(s, t.reply);
    if ((r == nullptr || !r->complete) && next.is("QUIT")) continue;
    f.fail(name_of(t) + " must end a pipelined group but " + name_of(next) +
               " followed before its reply",
           next.first_event,
           next.kind == turn_kind::content
               ? std::string_view(s.blocks[static_cast<std::size_t>(next.block)].raw).substr(0, 60)
               : std::string_view(next.raw));
  }
}

// RFC 2920 §3.1: a pipelining client checks every status; after 354 with every RCPT
// refused it sends a lone "." (SHOULD); treating 354 as a refusal desynchronises (MUST).
void check_pipe_status(const session& s, const context&, findings& f) {
  for (std::size_t n = 0; n < s.turns.size(); ++n) {
    const int i = static_cast<int>(n);
    const turn& t = at(s, i);
    if (!t.is("DATA") || t.block < 0) continue;
    const ehlo_state* e = s.ehlo_for(i);
    if (e == nullptr || !e->has("PIPELINING")) continue;
    f.applied();
    const data_block& b = s.blocks[static_cast<std::size_t>(t.block)];
    const int content_event = b.content >= 0 ? at(s, b.content).first_event : -1;
    const std::string_view first_line = std::string_view(b.raw).substr(0, b.raw.find("\r\n"));
    const std::string up = upper(first_line);
    if (up == "RSET" || up == "QUIT" || up == "NOOP" || up.rfind("MAIL FROM:", 0) == 0 ||
        up.rfind("RCPT TO:", 0) == 0) {
      f.fail("354 to DATA was not checked: the command '" + std::string(first_line) +
                 "' went into the message content",
             content_event, first_line);
      continue;
    }
    int rcpts = 0;
    bool accepted = false;
    for (int j = i - 1; j >= 0 && at(s, j).segment == t.segment; --j) {
      const turn& c = at(s, j);
      if (c.is("MAIL")) break;
      if (!c.is("RCPT")) continue;
      ++rcpts;
      const reply* r = reply_of(s, c.reply);
      if (r != nullptr && r->positive()) accepted = true;
    }
    if (rcpts > 0 && !accepted && !b.raw.empty())
      f.fail_weak("every RCPT was refused yet content followed the 354 instead of a lone '.'",
                  content_event, b.raw.substr(0, 60));
  }
}

// RFC 5321 §4.1.4, §3.2: EHLO/HELO answered 2xx before MAIL since the last reset (connect,
// STARTTLS); §2.2.1: prefer EHLO.
void check_ehlo_first(const session& s, const context&, findings& f) {
  bool tried_ehlo = false;
  for (const auto& t : s.turns) {
    if (t.kind != turn_kind::command) continue;
    if (t.verb == "EHLO") tried_ehlo = true;
    if (t.verb == "HELO") {
      f.applied();
      if (!tried_ehlo) f.fail_weak("HELO without trying EHLO first", t.first_event, t.raw);
    }
    if (t.verb != "MAIL") continue;
    f.applied();
    if (t.ehlo < 0)
      f.fail(std::string("MAIL without a successful EHLO/HELO since ") +
                 (t.segment == s.greeting_segment ? "the greeting" : "the TLS handshake"),
             t.first_event, t.raw);
  }
}

// RFC 5321 §3.2: EHLO refused as unrecognised → HELO, then no extensions.
void check_helo_fallback(const session& s, const context&, findings& f) {
  for (std::size_t n = 0; n < s.turns.size(); ++n) {
    const int i = static_cast<int>(n);
    const turn& t = at(s, i);
    const reply* r = reply_of(s, t.reply);
    if (!t.is("EHLO") || r == nullptr || (r->code != 500 && r->code != 502)) continue;
    f.applied();
    const int j = next_command(s, i);
    if (j < 0) {
      if (s.client_ended)
        f.fail("client closed after " + std::to_string(r->code) + " to EHLO without trying HELO",
               s.end_event, t.raw);
      continue;
    }
    const turn& next = at(s, j);
    if (!next.is("HELO")) {
      f.fail("after " + std::to_string(r->code) + " to EHLO the next command was " + name_of(next) +
                 ", not HELO",
             next.first_event, next.raw);
      continue;
    }
    for (int k = next_command(s, j); k >= 0; k = next_command(s, k)) {
      const turn& c = at(s, k);
      if (c.is("EHLO")) break;
      const bool ext_verb = c.is("STARTTLS") || c.is("AUTH") || c.is("BDAT");
      bool params = false;
      if (c.is("MAIL") || c.is("RCPT"))
        params = !parse_path_arg(c.arg, c.is("RCPT")).params.empty();
      if (ext_verb || params)
        f.fail("extension used after falling back to HELO", c.first_event, c.raw);
    }
  }
}

// RFC 5321 §4.1.4: no MAIL while a transaction is open.
void check_one_txn(const session& s, const context&, findings& f) {
  for (const auto& t : s.turns) {
    if (!t.is("MAIL")) continue;
    f.applied();
    if (t.txn >= 0)
      f.fail("MAIL while the transaction opened by an earlier MAIL is still open (no RSET)",
             t.first_event, t.raw);
  }
}

// RFC 5321 §4.1.1.10, §3.8: the session ends with QUIT, QUIT is the last command, and the
// client closes after it (preferably after the 221).
void check_quit(const session& s, const context&, findings& f) {
  int quit = -1;
  for (std::size_t n = 0; n < s.turns.size() && quit < 0; ++n)
    if (s.turns[n].is("QUIT")) quit = static_cast<int>(n);
  if (quit >= 0) {
    const reply* g = reply_of(s, s.greeting);
    const bool only_quit_after_bad_greeting =
        g != nullptr && g->code / 100 != 2 && s.commands().size() == 1;
    if (only_quit_after_bad_greeting) return;
    f.applied();
    for (std::size_t n = static_cast<std::size_t>(quit) + 1; n < s.turns.size(); ++n) {
      f.fail("client sent " + name_of(s.turns[n]) + " after QUIT", s.turns[n].first_event,
             s.turns[n].raw);
      break;
    }
    const reply* r = reply_of(s, at(s, quit).reply);
    if (s.client_ended && r != nullptr && s.end_event < r->final_event)
      f.fail_weak("client closed before reading the reply to QUIT", s.end_event, at(s, quit).raw);
    return;
  }
  if (s.end_event < 0 || !s.client_ended) return;  // still open, or the server closed first
  for (const auto& r : s.replies)
    if (r.code == 421 || r.code == 221) return;  // the server ended the session
  for (const auto& b : s.tls)
    if (b.start_event >= 0 && b.ready_event < 0) return;  // RFC 3207 §4.1: TLS failed, close
  // The server stopped answering: closing after a timeout is not this rule's business.
  const reply* awaited = reply_of(s, s.turns.empty() ? s.greeting : s.turns.back().reply);
  if (awaited == nullptr || !awaited->complete) return;
  f.fail("client closed the connection without sending QUIT", s.end_event,
         s.turns.empty() ? std::string_view{} : std::string_view(s.turns.back().raw));
}

}  // namespace ph::harness::rules::smtp
