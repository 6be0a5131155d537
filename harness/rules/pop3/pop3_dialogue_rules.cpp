// Command lines and the dialogue: POP3-CRLF, POP3-CMD-SYNTAX, POP3-CMD-LEN, POP3-ARG-INJECT,
// POP3-GREETING, POP3-LOCKSTEP, POP3-STATE, POP3-USER-PASS, POP3-DELETED, POP3-ARGS,
// POP3-QUIT-UPDATE.

#include <algorithm>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "harness/rules/line_dialogue_rules.hpp"
#include "harness/rules/pop3/pop3_check.hpp"

namespace ph::harness::rules::pop3 {

namespace {

constexpr std::size_t npos = std::string_view::npos;

bool one_of(std::string_view v, std::initializer_list<std::string_view> list) {
  return std::find(list.begin(), list.end(), v) != list.end();
}

bool is_transaction_verb(std::string_view v) {
  return one_of(v, {"STAT", "LIST", "RETR", "DELE", "NOOP", "RSET", "TOP", "UIDL"});
}

bool is_authorization_verb(std::string_view v) {
  return one_of(v, {"USER", "PASS", "APOP", "AUTH", "STLS"});
}

bool is_letter(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

bool pipelining(const session& s, int i) {
  const capa_state* c = s.capa_for(i);
  return c != nullptr && c->has("PIPELINING");
}

// The event holding a line's first bare CR or LF, and its offset in the line.
std::size_t bare_cr_or_lf(std::string_view line) {
  return line.find_first_of("\r\n");
}

// Values the scenario told the client to send as arguments (user names, passwords).
std::vector<std::string> oracle_arguments(const context& ctx) {
  std::vector<std::string> out;
  if (ctx.scen == nullptr) return out;
  for (const auto& step : ctx.scen->client) {
    if (!step.args.is_object()) continue;
    for (const char* key : {"name", "user", "password"}) {
      auto it = step.args.find(key);
      if (it != step.args.end() && it->is_string()) out.push_back(it->get<std::string>());
    }
  }
  return out;
}

}  // namespace

// RFC 1939 §3: every command (and AUTH response) ends with CRLF; no bare CR or LF.
void check_crlf(const session& s, const context&, findings& f) {
  for (const auto& t : s.turns) {
    f.applied();
    const std::string_view line = t.line();
    if (const std::size_t at = bare_cr_or_lf(line); at != npos) {
      f.fail(std::string(line[at] == '\r' ? "bare CR" : "bare LF") + " inside " + name_of(t),
             s.client_event_at(t.segment, t.offset + at), t.raw);
    } else if (!t.terminated && s.client_ended) {
      f.fail(name_of(t) + " not terminated by CRLF before the client closed", t.first_event, t.raw);
    }
  }
}

// RFC 1939 §3: keyword of 3-4 letters, arguments separated by a single SP, printable ASCII
// (PASS takes the rest of the line as one argument, spaces included, RFC 1939 §7).
void check_cmd_syntax(const session& s, const context&, findings& f) {
  for (const auto& t : s.turns) {
    if (t.kind != turn_kind::command) continue;
    f.applied();
    const std::string_view line = t.line();
    // Control octets are POP3-CRLF's and POP3-ARG-INJECT's findings.
    if (find_ctl(line) != npos) continue;
    if (line.empty()) {
      f.fail("empty command line", t.first_event, t.raw);
      continue;
    }
    const std::size_t sp = line.find(' ');
    const std::string_view kw = line.substr(0, sp);
    if (kw.size() < 3 || kw.size() > 4 || !std::all_of(kw.begin(), kw.end(), is_letter)) {
      f.fail("keyword '" + std::string(kw) + "' is not 3-4 letters", t.first_event, t.raw);
      continue;
    }
    if (sp == npos) continue;
    const std::string_view args = line.substr(sp + 1);
    if (t.verb == "PASS") {
      if (args.empty()) f.fail("PASS without an argument", t.first_event, t.raw);
      continue;
    }
    for (std::string_view w : split(args, ' ')) {
      if (w.empty()) {
        f.fail(t.verb + " arguments are not separated by exactly one SP", t.first_event, t.raw);
        break;
      }
      if (std::any_of(w.begin(), w.end(),
                      [](char c) { return static_cast<unsigned char>(c) > 0x7e; })) {
        f.fail(t.verb + " argument is not printable ASCII", t.first_event, t.raw);
        break;
      }
    }
  }
}

// RFC 1939 §3: arguments up to 40 characters; RFC 2449 §4: a command line up to 255 octets
// including CRLF once the server supports CAPA. A server that refused CAPA is RFC 1939-only.
void check_cmd_len(const session& s, const context&, findings& f) {
  const bool rfc1939_only = s.capa_refused && !s.capa_succeeded;
  for (const auto& t : s.turns) {
    if (t.kind != turn_kind::command) continue;
    f.applied();
    if (t.raw.size() > 255) {
      f.fail(t.verb + " line is " + std::to_string(t.raw.size()) + " octets (max 255 with CRLF)",
             t.first_event, t.raw);
      continue;
    }
    if (!rfc1939_only || t.arg.empty() || t.verb == "AUTH") continue;
    const auto words = t.verb == "PASS" ? std::vector<std::string_view>{t.arg} : split(t.arg, ' ');
    for (std::string_view w : words) {
      if (w.size() > 40) {
        f.fail(t.verb + " argument of " + std::to_string(w.size()) +
                   " characters to a server without CAPA (max 40)",
               t.first_event, t.raw);
        break;
      }
    }
  }
}

// RFC 1939 §3: arguments carry no CR, LF or other control characters; with the scenario as
// oracle, a value holding CR/LF must never reach the wire verbatim (it would smuggle a
// command).
void check_arg_inject(const session& s, const context& ctx, findings& f) {
  for (const auto& t : s.turns) {
    if (t.kind != turn_kind::command) continue;
    f.applied();
    const std::string_view line = t.line();
    const std::size_t at = find_ctl(line);
    if (at != npos)
      f.fail("control character 0x" + std::string(1, "0123456789abcdef"[(line[at] >> 4) & 0xf]) +
                 std::string(1, "0123456789abcdef"[line[at] & 0xf]) + " inside " + t.verb,
             s.client_event_at(t.segment, t.offset + at), t.raw);
  }
  for (const std::string& v : oracle_arguments(ctx)) {
    if (v.find_first_of("\r\n") == npos) continue;
    f.applied();
    for (std::size_t si = 0; si < s.segments.size(); ++si) {
      const std::size_t at = s.segments[si].client.find(v);
      if (at == npos) continue;
      f.fail("an argument holding CR/LF was sent verbatim",
             s.client_event_at(static_cast<int>(si), at), excerpt(s.segments[si].client, at));
    }
  }
}

// RFC 1939 §4: the client waits for the greeting; after -ERR there is no service (QUIT at
// most).
void check_greeting(const session& s, const context&, findings& f) {
  const response* g = s.response_of(s.greeting);
  line::check_greeting_wait(s, g, g != nullptr && g->st == status::err, "{} after a -ERR greeting",
                            f);
}

// RFC 2449 §6.6: without PIPELINING each command waits for the complete response to the
// previous one (multi-line body included); AUTH responses wait for their challenge.
void check_lockstep(const session& s, const context&, findings& f) {
  for (std::size_t n = 1; n < s.turns.size(); ++n) {
    const int i = static_cast<int>(n);
    const turn& t = s.at(i);
    const turn& prev = s.at(i - 1);
    if (prev.segment != t.segment) continue;  // first after a handshake: POP3-STLS-*'s
    const bool pipelined_ok = t.kind == turn_kind::command && prev.kind == turn_kind::command &&
                              pipelining(s, i) && !prev.is("AUTH") && !prev.is("STLS");
    f.applied();
    if (pipelined_ok || !s.sent_early(i)) continue;
    const response* r = s.response_of(s.awaited_response(i));
    if ((r == nullptr || !r->complete) && t.is("QUIT")) continue;  // gave up waiting
    f.fail(name_of(t) + " sent before the response to " + name_of(prev) + " was complete" +
               (t.kind == turn_kind::command ? " (no PIPELINING in force)" : ""),
           t.first_event, t.raw);
  }
}

// RFC 1939 §4, §5, §7 (and RFC 2595 §4, RFC 5034 §4): transaction commands only after a
// successful login; USER/PASS/APOP/AUTH/STLS only before it; nothing after QUIT.
void check_state(const session& s, const context&, findings& f) {
  const response* g = s.response_of(s.greeting);
  const bool no_service = g != nullptr && g->st == status::err;  // POP3-GREETING's
  for (const auto& t : s.turns) {
    if (t.kind != turn_kind::command) continue;
    f.applied();
    if (t.st == state::quit) {
      f.fail(name_of(t) + " after QUIT", t.first_event, t.raw);
      continue;
    }
    if (no_service) continue;
    if (t.st == state::authorization && is_transaction_verb(t.verb))
      f.fail(t.verb + " before a successful login (AUTHORIZATION state)", t.first_event, t.raw);
    else if (t.st == state::transaction && is_authorization_verb(t.verb))
      f.fail(t.verb + " after a successful login (TRANSACTION state)", t.first_event, t.raw);
  }
}

// RFC 1939 §7: PASS immediately follows a USER that got +OK.
void check_user_pass(const session& s, const context&, findings& f) {
  int prev = -1;  // the previous command
  for (std::size_t n = 0; n < s.turns.size(); ++n) {
    const int i = static_cast<int>(n);
    const turn& t = s.at(i);
    if (t.kind != turn_kind::command) continue;
    if (t.is("USER") || t.is("PASS")) f.applied();
    if (t.is("PASS") && t.st == state::authorization) {
      const turn* p = prev >= 0 ? &s.at(prev) : nullptr;
      if (p == nullptr || !p->is("USER")) {
        f.fail("PASS not immediately after USER", t.first_event, t.raw);
      } else {
        const response* r = s.response_of(p->response);
        // A pipelining client cannot have known the USER outcome yet.
        const bool blind = pipelining(s, i) && s.sent_early(i);
        if (r != nullptr && !r->ok() && r->complete && !blind)
          f.fail("PASS after USER was refused", t.first_event, t.raw);
      }
    }
    prev = i;
  }
}

// RFC 1939 §5, §7: a message marked as deleted may not be referred to (until RSET).
void check_deleted(const session& s, const context&, findings& f) {
  std::set<long> deleted;
  for (const auto& t : s.turns) {
    if (t.kind != turn_kind::command) continue;
    if (t.is("RSET")) {
      const response* r = s.response_of(t.response);
      if (r != nullptr && r->ok()) deleted.clear();
      continue;
    }
    if (!one_of(t.verb, {"RETR", "TOP", "LIST", "UIDL", "DELE"}) || t.arg.empty()) continue;
    const auto n = number(split(t.arg, ' ').front(), 9);
    if (!n) continue;
    if (t.is("DELE")) f.applied();
    if (deleted.count(*n) != 0) {
      f.fail(t.verb + " of message " + std::to_string(*n) + ", already marked as deleted",
             t.first_event, t.raw);
      continue;
    }
    const response* r = s.response_of(t.response);
    if (t.is("DELE") && r != nullptr && r->ok()) deleted.insert(*n);
  }
}

// RFC 1939 §5, §7: message numbers are decimal 1..N; RETR and DELE take exactly one, TOP a
// message number and a non-negative line count; STAT, RSET, NOOP and QUIT take none.
void check_args(const session& s, const context&, findings& f) {
  long total = -1;  // N, once the maildrop size is known
  bool any_deleted = false;
  for (const auto& t : s.turns) {
    if (t.kind != turn_kind::command || find_ctl(t.line()) != npos) continue;
    const response* r = s.response_of(t.response);
    const bool takes_msg = one_of(t.verb, {"RETR", "DELE", "TOP", "LIST", "UIDL"});
    if (one_of(t.verb, {"STAT", "RSET", "NOOP", "QUIT"})) {
      f.applied();
      if (!t.arg.empty() || t.line().size() > t.verb.size())
        f.fail(t.verb + " takes no argument", t.first_event, t.raw);
    } else if (takes_msg) {
      f.applied();
      const bool optional = t.is("LIST") || t.is("UIDL");
      const std::size_t want = t.is("TOP") ? 2 : 1;
      const bool has_arg = t.line().size() > t.verb.size();
      const auto words = has_arg ? split(t.arg, ' ') : std::vector<std::string_view>{};
      if (words.empty() && optional) {
        // The listing tells N (RFC 1939 §5: deleted messages are not listed).
        if (r != nullptr && r->ok() && !any_deleted) {
          for (const auto& l : r->body)
            if (const auto m = number(split(l, ' ').front(), 9)) total = std::max(total, *m);
        }
        continue;
      }
      if (words.size() != want) {
        f.fail(t.verb + " takes " +
                   (want == 2 ? "a message number and a line count" : "exactly one message number"),
               t.first_event, t.raw);
        continue;
      }
      const auto n = number(words[0], 9);
      if (!n || *n < 1) {
        f.fail(t.verb + " with message number '" + std::string(words[0]) + "' (must be 1..N)",
               t.first_event, t.raw);
      } else if (total >= 0 && *n > total) {
        f.fail(t.verb + " of message " + std::to_string(*n) + " but the maildrop has " +
                   std::to_string(total),
               t.first_event, t.raw);
      }
      if (t.is("TOP") && !number(words[1], 9))
        f.fail("TOP line count '" + std::string(words[1]) + "' is not a non-negative number",
               t.first_event, t.raw);
      if (t.is("DELE") && r != nullptr && r->ok()) any_deleted = true;
    }
    if (t.is("STAT") && r != nullptr && r->ok() && !any_deleted) {
      // RFC 1939 §5: "+OK nn mm".
      if (const auto m = number(split(r->text(), ' ').front(), 9)) total = std::max(total, *m);
    }
    if (t.is("RSET") && r != nullptr && r->ok()) any_deleted = false;
  }
}

// RFC 1939 §6: deletions take effect only through QUIT in TRANSACTION state and its +OK; a
// client that marks messages deleted and then leaves without QUIT loses them.
void check_quit_update(const session& s, const context&, findings& f) {
  int last_dele = -1;
  for (std::size_t n = 0; n < s.turns.size(); ++n) {
    const turn& t = s.turns[n];
    const response* r = s.response_of(t.response);
    if (t.is("DELE") && t.st == state::transaction && r != nullptr && r->ok())
      last_dele = static_cast<int>(n);
    if (t.is("RSET") && r != nullptr && r->ok()) last_dele = -1;
  }
  if (last_dele < 0) return;
  int quit = -1;
  for (std::size_t n = static_cast<std::size_t>(last_dele) + 1; n < s.turns.size(); ++n)
    if (s.turns[n].is("QUIT") && s.turns[n].st == state::transaction) {
      quit = static_cast<int>(n);
      break;
    }
  if (quit < 0) {
    // A session the server ended (or a transcript that just stops) is not the client's fault.
    if (!s.client_ended) return;
    f.fail("client closed after DELE without QUIT: the deletions are lost", s.end_event, {});
    return;
  }
  f.applied();
  const response* r = s.response_of(s.at(quit).response);
  // No response at all is the server's doing; one written after the client's close means
  // the client did not wait for it.
  if (s.client_ended && r != nullptr && r->final_event > s.end_event)
    f.fail("client closed before the response to QUIT", s.end_event, s.at(quit).raw);
}

}  // namespace ph::harness::rules::pop3
