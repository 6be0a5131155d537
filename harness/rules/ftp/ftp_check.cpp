#include "harness/rules/ftp/ftp_check.hpp"

#include <set>

#include <fmt/format.h>

namespace ph::harness::rules::ftp {

namespace {

constexpr std::size_t npos = std::string_view::npos;

// The step arguments that become command arguments (the ftp driver's vocabulary); `data`
// is file content and may hold CRLF legitimately.
void collect_strings(const nlohmann::json& args, std::vector<std::string>& out) {
  if (!args.is_object()) return;
  for (const char* key : {"path", "from", "to", "user", "password"})
    if (args.contains(key) && args[key].is_string()) out.push_back(args[key].get<std::string>());
}

bool starts_with(std::string_view s, std::string_view p) {
  return s.substr(0, p.size()) == p;
}

}  // namespace

// RFC 959 §4.1, §5.3; RFC 1123 §4.1.2.10: commands end with the Telnet end-of-line, CRLF.
void check_crlf(const session& s, const context&, findings& f) {
  for (const command& c : s.commands) {
    f.applied();
    const std::string_view body =
        std::string_view(c.raw).substr(0, c.terminated ? c.raw.size() - 2 : c.raw.size());
    const std::size_t bad = body.find_first_of("\r\n");
    if (bad != npos) {
      f.fail(body[bad] == '\n' ? "command line holds a bare LF" : "command line holds a bare CR",
             c.first_event, c.raw);
    } else if (!c.terminated && s.client_ended) {
      f.fail("the client closed the connection inside a command line (no CRLF)", c.first_event,
             c.raw);
    }
  }
}

// RFC 959 §5.3.2: <char> excludes CR and LF, so an argument the client was asked to use that
// holds them must be refused, not sent as two commands. Needs the scenario's arguments.
void check_arg_nocrlf(const session& s, const context& ctx, findings& f) {
  if (ctx.scen == nullptr) return;
  std::vector<std::string> values;
  for (const auto& step : ctx.scen->client)
    collect_strings(step.args, values);
  for (const std::string& v : values) {
    if (v.find_first_of("\r\n") == npos) continue;
    f.applied();
    // Every piece after a CR or LF would become a command of its own.
    std::size_t pos = v.find_first_of("\r\n");
    while (pos != npos) {
      const std::size_t start = v.find_first_not_of("\r\n", pos);
      if (start == npos) break;
      const std::size_t end = v.find_first_of("\r\n", start);
      const std::string piece = v.substr(start, end == npos ? npos : end - start);
      for (const command& c : s.commands)
        if (!piece.empty() && starts_with(c.line, piece)) {
          f.fail("an argument's CR/LF was sent, making '" + excerpt(piece, 0, 40) +
                     "' a command of its own",
                 c.first_event, c.raw);
          break;
        }
      pos = end;
    }
  }
}

// RFC 1123 §4.1.2.12: no Telnet option negotiation; RFC 3659 §2.2: 0xFF in a pathname is
// doubled. IP (0xF4) and DM (0xF2) are the Synch before ABOR/STAT (RFC 959 §4.1.3).
void check_telnet(const session& s, const context&, findings& f) {
  for (const command& c : s.commands) {
    f.applied();
    const std::string_view r = c.raw;
    for (std::size_t i = 0; i < r.size(); ++i) {
      if (static_cast<unsigned char>(r[i]) != 0xff) continue;
      const int next = i + 1 < r.size() ? static_cast<unsigned char>(r[i + 1]) : -1;
      if (next == 0xff || next == 0xf4 || next == 0xf2) {
        ++i;
        continue;
      }
      if (next >= 0xfb && next <= 0xfe) {
        f.fail("Telnet option negotiation (WILL/WONT/DO/DONT) on the control connection",
               c.first_event, r.substr(i));
        break;
      }
      // IAC IP IAC with the DM gone out of band (urgent data) just before the command.
      const bool synch = i >= 2 && static_cast<unsigned char>(r[i - 1]) == 0xf4 &&
                         static_cast<unsigned char>(r[i - 2]) == 0xff &&
                         (c.verb == "ABOR" || c.verb == "STAT" || c.verb == "QUIT");
      if (!synch) {
        f.fail("an IAC (0xFF) octet is not doubled", c.first_event, r.substr(i));
        break;
      }
    }
  }
}

// RFC 959 §5.4: the client waits for 220 (a 120 is only a delay notice).
void check_greeting(const session& s, const context&, findings& f) {
  if (s.commands.empty()) return;
  f.applied();
  const command& first = s.commands.front();
  const reply* fin = s.greeting.empty() ? nullptr : s.reply_of(s.greeting.back());
  if (fin != nullptr && fin->preliminary()) fin = nullptr;
  if (fin == nullptr || fin->final_event >= first.first_event)
    f.fail("first command sent before the 220 greeting", first.first_event, first.raw);
}

// RFC 959 §5.4, §4.1.3: each command waits for the reply to the previous one.
void check_lockstep(const session& s, const context&, findings& f) {
  for (std::size_t i = 1; i < s.commands.size(); ++i) {
    const command& c = s.commands[i];
    const command& prev = s.commands[i - 1];
    f.applied();
    if ((c.is("ABOR") || c.is("STAT") || c.is("QUIT")) && s.running_transfer(c.first_event) >= 0)
      continue;
    if (prev.replies.empty()) {
      // A client that gave up on a reply may still say goodbye; ABOR may go unanswered when
      // the transfer's own 226 was its only reply.
      if (c.is("QUIT") || prev.is("ABOR")) continue;
      f.fail(c.verb + " sent before any reply to " + prev.verb, c.first_event, c.raw);
      continue;
    }
    const reply* r = s.reply_of(prev.replies.front());
    if (r->final_event >= c.first_event)
      f.fail(c.verb + " sent before the reply to " + prev.verb, c.first_event, c.raw);
  }
}

// RFC 959 §5.4, §4.2: after a 1xx the client waits for the completion reply.
void check_secondary(const session& s, const context&, findings& f) {
  for (std::size_t i = 0; i < s.commands.size(); ++i) {
    const command& c = s.commands[i];
    if (c.prelim < 0) continue;
    f.applied();
    if (i + 1 == s.commands.size()) break;
    const command& next = s.commands[i + 1];
    if (next.is("ABOR") || next.is("STAT") || next.is("QUIT")) continue;
    const reply* fin = s.final_of(static_cast<int>(i));
    if (fin == nullptr || fin->final_event >= next.first_event)
      f.fail(next.verb + " sent before the completion reply to " + c.verb, next.first_event,
             next.raw);
  }
}

// RFC 959 §4.1.1, §4.2 (and the state diagram in §6): PASS right after USER answered 331;
// ACCT only after 332/532.
void check_user_pass(const session& s, const context&, findings& f) {
  for (std::size_t i = 0; i < s.commands.size(); ++i) {
    const command& c = s.commands[i];
    const command* prev = i > 0 ? &s.commands[i - 1] : nullptr;
    if (c.is("PASS")) {
      f.applied();
      if (prev == nullptr || !prev->is("USER")) {
        f.fail("PASS does not follow USER", c.first_event, c.line.substr(0, 4));
      } else if (prev->code != 0 && prev->code != 331 && prev->code != 332) {
        f.fail("PASS sent after USER was answered " + std::to_string(prev->code), c.first_event,
               c.line.substr(0, 4));
      }
    } else if (c.is("ACCT")) {
      f.applied();
      if (prev == nullptr || (prev->code != 332 && prev->code != 532 && prev->code != 0))
        f.fail("ACCT sent without a 332/532 asking for it", c.first_event, c.raw);
    }
  }
}

// RFC 959 §4.1.3: RNTO immediately after an RNFR answered 350.
void check_rnfr_rnto(const session& s, const context&, findings& f) {
  for (std::size_t i = 0; i < s.commands.size(); ++i) {
    const command& c = s.commands[i];
    if (c.is("RNFR")) {
      f.applied();
      if (c.code != 0 && c.code != 350) continue;
      if (i + 1 < s.commands.size() && !s.commands[i + 1].is("RNTO"))
        f.fail("RNFR is followed by " + s.commands[i + 1].verb + ", not RNTO",
               s.commands[i + 1].first_event, s.commands[i + 1].raw);
    } else if (c.is("RNTO")) {
      f.applied();
      const command* prev = i > 0 ? &s.commands[i - 1] : nullptr;
      if (prev == nullptr || !prev->is("RNFR") || (prev->code != 0 && prev->code != 350))
        f.fail("RNTO without an RNFR answered 350 right before it", c.first_event, c.raw);
    }
  }
}

// RFC 2389 §3, §3.1: FEAT takes no argument; after a successful FEAT the client uses only
// the extensions it listed.
void check_feat_use(const session& s, const context&, findings& f) {
  struct ext {
    std::string_view verb;
    std::string_view feature;
  };
  static constexpr ext extensions[] = {
      {"MLST", "MLST"}, {"MLSD", "MLST"}, {"SIZE", "SIZE"}, {"MDTM", "MDTM"}, {"REST", "REST"},
      {"HOST", "HOST"}, {"PBSZ", "PBSZ"}, {"PROT", "PROT"}, {"LANG", "LANG"}, {"AUTH", "AUTH"},
  };
  for (const command& c : s.commands) {
    if (c.is("FEAT")) {
      f.applied();
      if (!c.arg.empty()) f.fail("FEAT sent with an argument", c.first_event, c.raw);
      continue;
    }
    if (c.feat < 0) continue;
    const feat_state& fs = s.feats[static_cast<std::size_t>(c.feat)];
    std::string_view needed;
    for (const ext& e : extensions)
      if (c.verb == e.verb) needed = e.feature;
    if (c.is("OPTS")) {
      const std::string a = upper(c.arg);
      needed = a.substr(0, a.find(' ')) == "UTF8" ? "UTF8" : "";
      if (a.substr(0, a.find(' ')) == "MLST") needed = "MLST";
    }
    if (needed.empty()) continue;
    if (!fs.has(needed)) {
      // RFC 4217 §6: servers list AUTH TLS as "AUTH TLS"; older ones list "AUTH" only.
      f.fail(c.verb + " used although FEAT did not list " + std::string(needed), c.first_event,
             c.raw);
    }
  }
}

// RFC 7151 §3: HOST before USER (after connecting or REIN), never after login.
void check_host_order(const session& s, const context&, findings& f) {
  bool user_sent = false;
  for (const command& c : s.commands) {
    if (c.is("REIN") && (c.code == 0 || (c.code >= 200 && c.code < 300))) user_sent = false;
    if (c.is("USER")) user_sent = true;
    if (!c.is("HOST")) continue;
    f.applied();
    if (user_sent || c.logged_in) f.fail("HOST sent after USER or login", c.first_event, c.raw);
  }
}

}  // namespace ph::harness::rules::ftp
