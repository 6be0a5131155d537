// STARTTLS and AUTH: SMTP-STARTTLS-HANDSHAKE, SMTP-STARTTLS-RESET, SMTP-STARTTLS-ONCE,
// SMTP-AUTH-STATE, SMTP-AUTH-IR, SMTP-AUTH-PLAIN-FMT, SMTP-AUTH-CLEARTEXT.

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "harness/rules/smtp/smtp_check.hpp"
#include "harness/rules/smtp/smtp_syntax.hpp"
#include "harness/rules/tls_upgrade_rules.hpp"

namespace ph::harness::rules::smtp {

namespace {

bool contains(const std::vector<std::string>& v, std::string_view x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

// Extensions a turn relies on, with the AUTH mechanism as "AUTH <MECH>".
std::vector<std::string> extensions_used(const session& s, int i) {
  std::vector<std::string> out;
  const turn& t = at(s, i);
  if (t.kind != turn_kind::command) return out;
  if (t.is("MAIL") || t.is("RCPT")) {
    for (const auto& prm : parse_path_arg(t.arg, t.is("RCPT")).params) {
      const auto ext = extensions_for_param(prm.keyword, prm.value);
      out.push_back(ext.front());
    }
  } else if (t.is("AUTH") && t.auth >= 0) {
    out.push_back("AUTH");
    out.push_back("AUTH " + s.auths[static_cast<std::size_t>(t.auth)].mechanism);
  } else if (t.is("BDAT")) {
    out.push_back("CHUNKING");
  }
  return out;
}

bool offers(const ehlo_state* e, std::string_view ext) {
  if (e == nullptr) return false;
  if (ext.rfind("AUTH ", 0) == 0) return contains(auth_mechanisms(*e), ext.substr(5));
  if (ext == "8BITMIME") return e->has("8BITMIME") || e->has("BINARYMIME");
  return e->has(ext);
}

// How the cleartext / STARTTLS family reads an SMTP session (tls_upgrade_rules.hpp).
struct smtp_upgrade : upgrade::traits<session, turn, ehlo_state> {
  static constexpr upgrade::wording words{
      "client sent bytes after STARTTLS before its reply",
      "plaintext instead of a TLS ClientHello after the 220",
      "client sent {} before the reply to STARTTLS",
      "first command after the TLS handshake is {}, not EHLO",
      "client acted on reply bytes injected before the TLS handshake",
      "pipelined after STARTTLS on the strength of the pre-TLS PIPELINING",
      "AUTH {} without TLS",
      "",
      "",
  };
  static bool is_upgrade(const turn& t) { return t.is("STARTTLS"); }
  static int upgrade_answer(const session& s, const turn& t) {
    const reply* r = reply_of(s, t.reply);
    if (r == nullptr) return -1;
    return r->positive() ? 1 : 0;
  }
  static bool sent_early(const session& s, int i) { return smtp::sent_early(s, i); }
  static std::string name(const turn& t) { return t.verb; }
  static const ehlo_state* caps_for(const session& s, int i) { return s.ehlo_for(i); }
  static bool is_refresh(const turn& t) { return t.is("EHLO"); }
  // RFC 3207 §4.2: extensions come from the post-TLS EHLO reply only.
  static void stale_use(const session& s, int i, const ehlo_state* pre, const ehlo_state* post,
                        findings& f) {
    const turn& t = at(s, i);
    for (const auto& ext : extensions_used(s, i))
      if (!offers(post, ext) && offers(pre, ext))
        f.fail(ext + " used after STARTTLS but only the pre-TLS EHLO reply offered it",
               t.first_event, t.raw);
  }
  static bool pipelined(const session& s, int i) {
    return smtp::sent_early(s, i) && !may_continue_group(s, i - 1);
  }
  static std::size_t clear_password(const turn&) { return 0; }
  static bool offers_upgrade(const session&, const turn&) { return false; }
};

}  // namespace

// RFC 3207 §4: nothing after STARTTLS until its reply; after 220 a TLS ClientHello, never
// plaintext; if the handshake fails the client SHOULD give up.
void check_starttls_handshake(const session& s, const context&, findings& f) {
  upgrade::check_upgrade_wait<smtp_upgrade>(s, f);
  upgrade::check_plaintext_after_failure(s, f, {});
}

// RFC 3207 §4.2: after the handshake, pre-TLS knowledge (EHLO reply, buffered bytes) is
// discarded (MUST) and EHLO is sent first (SHOULD).
void check_starttls_reset(const session& s, const context&, findings& f) {
  upgrade::check_upgrade_reset<smtp_upgrade>(s, f);
}

// RFC 3207 §4.2: no STARTTLS inside TLS (MUST NOT); only when advertised (implied).
void check_starttls_once(const session& s, const context&, findings& f) {
  for (std::size_t n = 0; n < s.turns.size(); ++n) {
    const turn& t = s.turns[n];
    if (!t.is("STARTTLS")) continue;
    f.applied();
    if (s.segments[static_cast<std::size_t>(t.segment)].tls) {
      f.fail("STARTTLS while TLS is already active", t.first_event, t.raw);
      continue;
    }
    const ehlo_state* e = s.ehlo_for(static_cast<int>(n));
    if (e == nullptr || !e->has("STARTTLS"))
      f.fail_weak("STARTTLS not in the EHLO reply in force", t.first_event, t.raw);
  }
}

// RFC 4954 §3, §4 (server MUST answer 503/504): AUTH only when advertised, with a listed
// mechanism, outside a transaction, once per session.
void check_auth_state(const session& s, const context&, findings& f) {
  int authed_segment = -1;
  for (const auto& a : s.auths) {
    const int i = a.command;
    const turn& t = at(s, i);
    f.applied();
    const ehlo_state* e = s.ehlo_for(i);
    const auto mechs = e != nullptr ? auth_mechanisms(*e) : std::vector<std::string>{};
    const bool advertised = e != nullptr && (e->has("AUTH") || !mechs.empty());
    if (!advertised) {
      f.fail("AUTH but the EHLO reply in force does not offer AUTH", t.first_event, t.raw);
    } else if (!contains(mechs, a.mechanism)) {
      f.fail("mechanism " + a.mechanism + " is not in the advertised list", t.first_event, t.raw);
    }
    if (t.txn >= 0) f.fail("AUTH during a mail transaction", t.first_event, t.raw);
    if (authed_segment == t.segment) f.fail("AUTH after a successful AUTH", t.first_event, t.raw);
    const reply* r = reply_of(s, a.final_reply);
    if (r != nullptr && r->positive()) authed_segment = t.segment;
  }
}

// RFC 4954 §4: initial response base64 or "=", left off when the line would pass 512
// octets; each response base64 (or empty) or "*"; an undecodable challenge gets "*".
void check_auth_ir(const session& s, const context&, findings& f) {
  upgrade::check_auth_encoding<smtp_upgrade>(
      s, f, 512, [](const session&, const auth_exchange&, findings&) {},
      [](const session& s, const auth_exchange& a, std::size_t k, findings& f) {
        const turn& rt = at(s, a.responses[k]);
        const int challenge = k == 0 ? at(s, a.command).reply : at(s, a.responses[k - 1]).reply;
        const reply* c = reply_of(s, challenge);
        if (c == nullptr || c->code != 334) return;
        const std::string_view text = c->text(0);
        if (!text.empty() && !is_base64(text) && rt.line() != "*")
          f.fail("undecodable 334 challenge answered with something other than '*'", rt.first_event,
                 rt.raw.substr(0, 80));
      });
}

// RFC 4616 §2: message = [authzid] NUL authcid NUL passwd, UTF-8, authcid and passwd
// non-empty (a payload that is not base64 is SMTP-AUTH-IR's finding).
void check_auth_plain_fmt(const session& s, const context&, findings& f) {
  upgrade::check_auth_plain_message<smtp_upgrade>(s, f);
}

// RFC 4954 §14, RFC 4616 §5: password mechanisms SHOULD NOT run without TLS. (The MUST NOT
// after a failed certificate check needs to know what the client verified: not judged.)
void check_auth_cleartext(const session& s, const context&, findings& f) {
  upgrade::check_password_cleartext<smtp_upgrade>(s, f);
}

}  // namespace ph::harness::rules::smtp
