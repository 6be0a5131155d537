// The command/response dialogue: NNTP-GREETING, NNTP-NOPIPE, NNTP-POST-340, NNTP-IHAVE-335,
// NNTP-MODE-READER, NNTP-CAPS, NNTP-EXT-ADVERTISED, NNTP-QUIT.

#include <string>
#include <string_view>

#include "harness/rules/nntp/nntp_check.hpp"

namespace ph::harness::rules::nntp {

namespace {

// RFC 3977 §3.5, §5.3, §6.3.1, §6.3.2; RFC 4642 §2.2; RFC 4643 §2.3.1, §2.4: commands after
// which the client stops until the response has arrived.
bool ends_pipeline(const turn& t) {
  if (t.kind == turn_kind::sasl_response) return true;
  if (t.kind != turn_kind::command) return false;
  return (t.verb == "MODE" && t.sub() == "READER") || t.verb == "POST" || t.verb == "IHAVE" ||
         t.verb == "STARTTLS" || t.verb == "AUTHINFO";
}

// Lines of an article read as commands: a header line, the terminating dot, or anything
// that is not an NNTP keyword.
bool looks_like_article(const turn& t) {
  return t.kind == turn_kind::command && (!is_known_verb(t.verb) || t.line() == ".");
}

void check_transfer(const session& s, findings& f, std::string_view verb, int wanted) {
  for (std::size_t n = 0; n < s.turns.size(); ++n) {
    const int i = static_cast<int>(n);
    const turn& t = at(s, i);
    if (!t.is(verb)) continue;
    f.applied();
    const response* r = s.response_to(t);
    if (t.article >= 0) {
      const article& a = s.articles[static_cast<std::size_t>(t.article)];
      if (a.turn >= 0 && r != nullptr && at(s, a.turn).first_event < r->status_event)
        f.fail("the article was sent before the " + std::to_string(r->code) + " response to " +
                   std::string(verb),
               at(s, a.turn).first_event, at(s, a.turn).raw);
      continue;
    }
    const int next = s.next_in_segment(i);
    if (next < 0 || !looks_like_article(at(s, next))) continue;
    f.fail(r == nullptr
               ? "article text followed " + std::string(verb) + " without any response"
               : "article text followed " + std::string(verb) + " after " +
                     std::to_string(r->code) + " (only " + std::to_string(wanted) + " invites it)",
           at(s, next).first_event, at(s, next).raw);
  }
}

// The capability (label, argument) a command depends on (RFC 3977 §3.3.2, §5.2; RFC 4642
// §2.1; RFC 4643 §2.1); label empty for mandatory commands and those judged elsewhere.
struct needed {
  std::string label;
  std::string arg;
};

needed capability_for(const turn& t) {
  const std::string& v = t.verb;
  if (v == "ARTICLE" || v == "BODY" || v == "DATE" || v == "GROUP" || v == "LAST" ||
      v == "LISTGROUP" || v == "NEWGROUPS" || v == "NEXT")
    return {"READER", {}};
  if (v == "POST" || v == "IHAVE" || v == "NEWNEWS" || v == "HDR" || v == "STARTTLS")
    return {v, {}};
  if (v == "OVER") return {"OVER", !t.arg.empty() && t.arg.front() == '<' ? "MSGID" : ""};
  if (v == "LIST") {
    const std::string k = t.sub();
    return {"LIST", k.empty() ? "ACTIVE" : k};
  }
  if (v == "AUTHINFO") {
    const std::string k = t.sub();
    if (k == "USER" || k == "SASL") return {"AUTHINFO", k};
  }
  return {};
}

// Commands whose availability the capability list decides and that MODE READER, STARTTLS
// or authentication may change (the mandatory reader commands are left out: MODE READER
// exists to enable them).
bool uses_capability(const turn& t) {
  if (t.kind != turn_kind::command) return false;
  const std::string& v = t.verb;
  if (v == "POST" || v == "IHAVE" || v == "OVER" || v == "HDR" || v == "NEWNEWS" ||
      v == "STARTTLS" || v == "AUTHINFO")
    return true;
  if (v == "MODE") return t.sub() == "READER";
  if (v == "LIST") {
    const std::string k = t.sub();
    return !k.empty() && k != "ACTIVE" && k != "NEWSGROUPS";
  }
  return false;
}

}  // namespace

// RFC 3977 §3.5, §5.1: nothing is sent before the CRLF that ends the greeting.
void check_greeting(const session& s, const context&, findings& f) {
  if (s.first_client_event < 0) return;
  f.applied();
  const response* g = s.response_of(s.greeting);
  if (g != nullptr && g->complete && g->status_event < s.first_client_event) return;
  const bool have_turn = !s.turns.empty();
  // A QUIT after a greeting that never came is giving up, not talking first.
  if ((g == nullptr || !g->complete) && have_turn && s.turns.front().is("QUIT")) return;
  f.fail("client sent data before the greeting was complete", s.first_client_event,
         have_turn ? std::string_view(s.turns.front().raw) : std::string_view{});
}

// RFC 3977 §3.5 and the sections above: MODE READER, POST, IHAVE, STARTTLS and AUTHINFO end
// a pipeline.
void check_nopipe(const session& s, const context&, findings& f) {
  for (std::size_t n = 0; n < s.turns.size(); ++n) {
    const int i = static_cast<int>(n);
    const turn& t = at(s, i);
    if (!ends_pipeline(t)) continue;
    f.applied();
    if (t.is("STARTTLS")) {
      check_starttls_wait(s, i, f);
      continue;
    }
    const int next = s.next_in_segment(i);
    if (next < 0 || !sent_before_response(s, i, next)) continue;
    const turn& nt = at(s, next);
    f.fail(name_of(t) + " must end a pipeline but " + name_of(nt) + " followed before its response",
           nt.first_event, nt.raw);
  }
}

// RFC 3977 §6.3.1: the article follows 340 only.
void check_post_340(const session& s, const context&, findings& f) {
  check_transfer(s, f, "POST", 340);
}

// RFC 3977 §6.3.2: the article follows 335 only; newsreaders SHOULD NOT use IHAVE.
void check_ihave_335(const session& s, const context&, findings& f) {
  check_transfer(s, f, "IHAVE", 335);
  int reader = -1;
  for (std::size_t n = 0; n < s.turns.size(); ++n) {
    const turn& t = s.turns[n];
    if (t.kind != turn_kind::command) continue;
    if (t.verb == "GROUP" || t.verb == "LISTGROUP" || t.verb == "OVER" || t.verb == "XOVER" ||
        t.verb == "POST" || t.verb == "NEXT" || t.verb == "LAST" ||
        (t.verb == "MODE" && t.sub() == "READER"))
      reader = static_cast<int>(n);
  }
  if (reader < 0) return;
  for (const auto& t : s.turns)
    if (t.is("IHAVE"))
      f.fail_weak("a newsreader session (" + at(s, reader).verb + ") offered an article by IHAVE",
                  t.first_event, t.raw);
}

// RFC 3977 §5.3, §3.4.2: MODE READER at most once, never after STARTTLS or AUTHINFO, and
// only when MODE-READER is advertised.
void check_mode_reader(const session& s, const context&, findings& f) {
  bool switched = false;
  std::string security;
  for (std::size_t n = 0; n < s.turns.size(); ++n) {
    const turn& t = s.turns[n];
    if (t.is("STARTTLS") || t.is("AUTHINFO")) {
      if (security.empty()) security = t.verb;
      continue;
    }
    if (!t.is("MODE") || t.sub() != "READER") continue;
    f.applied();
    if (switched)
      f.fail("MODE READER sent again after the server switched to reader mode", t.first_event,
             t.raw);
    else if (!security.empty())
      f.fail("MODE READER sent after " + security, t.first_event, t.raw);
    const caps_list* c = s.caps_for(static_cast<int>(n));
    if (c != nullptr && !c->has("MODE-READER"))
      f.fail_weak("MODE READER sent though MODE-READER is not advertised", t.first_event, t.raw);
    const response* r = s.response_to(t);
    if (r != nullptr && r->klass() == 2) switched = true;
  }
}

bool satisfies(const caps_list& c, const needed& need) {
  return c.has(need.label) && (need.arg.empty() || c.has_arg(need.label, need.arg));
}

std::string change_name(const turn& change) {
  return change.is("STARTTLS") ? "STARTTLS" : change.is("MODE") ? "MODE READER" : "authentication";
}

// RFC 3977 §5.2, §3.4.2; RFC 4642 §2.2.2; RFC 4643 §2.3.1: a capability list read before
// STARTTLS (MUST discard), MODE READER or authentication is not relied upon afterwards.
// Re-issuing CAPABILITIES is only a SHOULD, so a command used before re-reading is a
// SHOULD break; using what the stale list offered but the fresh one does not is the MUST.
void check_caps(const session& s, const context&, findings& f) {
  for (std::size_t n = 0; n < s.turns.size(); ++n) {
    const turn& t = s.turns[n];
    if (t.kind != turn_kind::command || t.caps < 0) continue;
    if (t.caps_stale && t.change >= 0) {
      f.applied();
      if (uses_capability(t))
        f.fail_weak(t.verb + " used after " + change_name(at(s, t.change)) +
                        " without re-reading CAPABILITIES",
                    t.first_event, t.raw);
      continue;
    }
    const caps_list& now = s.caps[static_cast<std::size_t>(t.caps)];
    const turn& reread = at(s, now.turn);
    if (t.caps == 0 || reread.change < 0) continue;
    f.applied();
    const needed need = capability_for(t);
    if (need.label.empty() || satisfies(now, need) ||
        !satisfies(s.caps[static_cast<std::size_t>(t.caps) - 1], need))
      continue;
    const turn& change = at(s, reread.change);
    const std::string msg = t.verb + " used though only the list from before " +
                            change_name(change) + " advertised " + need.label;
    if (change.is("STARTTLS"))
      f.fail(msg, t.first_event, t.raw);
    else
      f.fail_weak(msg, t.first_event, t.raw);
  }
}

// RFC 3977 §3.3, §3.4, §8.3: optional commands and variants only when advertised; RFC 2980
// XOVER/XHDR only as a fallback.
void check_ext_advertised(const session& s, const context&, findings& f) {
  for (std::size_t n = 0; n < s.turns.size(); ++n) {
    const turn& t = s.turns[n];
    if (t.kind != turn_kind::command) continue;
    const caps_list* c = s.caps_for(static_cast<int>(n));
    if (c == nullptr) continue;
    if (t.verb == "XOVER" || t.verb == "XHDR") {
      f.applied();
      const std::string modern = t.verb == "XOVER" ? "OVER" : "HDR";
      if (c->has(modern))
        f.fail(t.verb + " used though " + modern + " is advertised", t.first_event, t.raw);
      continue;
    }
    const needed need = capability_for(t);
    if (need.label.empty()) continue;
    f.applied();
    if (!c->has(need.label)) {
      f.fail(t.verb + " used though " + need.label + " is not advertised", t.first_event, t.raw);
    } else if (!need.arg.empty() && !c->has_arg(need.label, need.arg)) {
      f.fail(t.verb + " " + need.arg + " used though the " + need.label +
                 " capability does not list " + need.arg,
             t.first_event, t.raw);
    } else if (t.verb == "AUTHINFO" && need.arg == "SASL") {
      const std::string arg = t.arg.substr(std::min(t.arg.size(), std::size_t{5}));
      std::string mech;
      for (char ch : arg) {
        if (ch == ' ' || ch == '\t') break;
        mech += ch;
      }
      if (!mech.empty() && !c->has_arg("SASL", mech))
        f.fail("AUTHINFO SASL " + mech + " used though SASL does not list it", t.first_event,
               t.raw);
    }
  }
}

// RFC 3977 §5.4: the client ends the session with QUIT.
void check_quit(const session& s, const context&, findings& f) {
  int quit = -1;
  for (std::size_t n = 0; n < s.turns.size(); ++n)
    if (s.turns[n].is("QUIT") && quit < 0) quit = static_cast<int>(n);
  if (quit >= 0) {
    f.applied();
    for (std::size_t n = static_cast<std::size_t>(quit) + 1; n < s.turns.size(); ++n)
      f.fail(name_of(s.turns[n]) + " sent after QUIT", s.turns[n].first_event, s.turns[n].raw);
    return;
  }
  if (s.end_event < 0) return;  // truncated: the client may still have quit
  f.applied();
  if (!s.client_ended) return;  // the server ended the session
  // RFC 3977 §3.2.1, §5.1: after 400 (or a 502 greeting) the server is closing anyway.
  for (const auto& r : s.responses)
    if (r.code == 400 || r.code == 205 || (&r == s.response_of(s.greeting) && r.code == 502))
      return;
  f.fail("the client closed the connection without QUIT", s.end_event, {});
}

}  // namespace ph::harness::rules::nntp
