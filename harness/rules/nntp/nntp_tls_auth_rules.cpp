// STARTTLS and AUTHINFO: NNTP-STARTTLS, NNTP-AUTH-SEQ, NNTP-AUTH-ONCE, NNTP-AUTH-CLEAR, and
// the STARTTLS part of NNTP-NOPIPE, on the cleartext / STARTTLS family (tls_upgrade_rules.hpp).

#include <string>
#include <string_view>

#include "harness/rules/nntp/nntp_check.hpp"
#include "harness/rules/tls_upgrade_rules.hpp"

namespace ph::harness::rules::nntp {

namespace {

bool authenticated_by(const session& s, const turn& t) {
  const response* r = s.response_to(t);
  return r != nullptr && (r->code == 281 || r->code == 283) &&
         (t.is("AUTHINFO") || t.kind == turn_kind::sasl_response);
}

// How the cleartext / STARTTLS family reads an NNTP session (tls_upgrade_rules.hpp).
struct nntp_upgrade : upgrade::traits<session, turn, caps_list> {
  static constexpr upgrade::wording words{
      "bytes followed STARTTLS before its response",
      "plaintext sent instead of a TLS handshake after 382",
      "STARTTLS must end a pipeline but {} followed before its response",
      "",
      "",
      "",
      "",
      "",
      "AUTHINFO PASS sent in clear though the server offered STARTTLS",
  };
  static bool is_upgrade(const turn& t) { return t.is("STARTTLS"); }
  // RFC 4642 §2.2.2: 382 is the go-ahead; a command after an unanswered STARTTLS is judged.
  static int upgrade_answer(const session& s, const turn& t) {
    const response* r = s.response_to(t);
    if (r == nullptr) return -1;
    return r->code == 382 ? 1 : 0;
  }
  static bool sent_early(const session& s, int i) { return sent_before_response(s, i - 1, i); }
  static std::string name(const turn& t) { return name_of(t); }
  // AUTHINFO SASL exchanges are not read into the session (see nntp_rules.cpp).
  static std::string password_mechanism(const session&, const turn&) { return {}; }
  // "AUTHINFO PASS ": the secret stays out of the evidence.
  static std::size_t clear_password(const turn& t) {
    if (!t.is("AUTHINFO") || t.sub() != "PASS") return 0;
    const std::string_view line = t.line();
    std::size_t k = line.size() - t.arg.size() + 4;  // past "PASS"
    while (k < line.size() && (line[k] == ' ' || line[k] == '\t'))
      ++k;
    return k;
  }
  static bool offers_upgrade(const session& s, const turn& t) {
    return t.caps >= 0 && s.caps[static_cast<std::size_t>(t.caps)].has("STARTTLS");
  }
};

}  // namespace

// RFC 4642 §2.2: nothing follows STARTTLS until its response (part of NNTP-NOPIPE).
void check_starttls_wait(const session& s, int i, findings& f) {
  upgrade::check_upgrade_turn<nntp_upgrade>(s, i, f, {true, false, true});
}

// RFC 4642 §2.2.2: STARTTLS only without TLS and before authentication; a TLS ClientHello
// (not plaintext) follows the 382.
void check_starttls(const session& s, const context&, findings& f) {
  bool authenticated = false;
  for (const auto& t : s.turns) {
    if (t.is("STARTTLS")) {
      f.applied();
      if (s.segments[static_cast<std::size_t>(t.segment)].tls)
        f.fail("STARTTLS sent with TLS already active", t.first_event, t.raw);
      else if (authenticated)
        f.fail("STARTTLS sent after successful authentication", t.first_event, t.raw);
    }
    if (authenticated_by(s, t)) authenticated = true;
  }
  upgrade::check_upgrade_wait<nntp_upgrade>(s, f, {false, true, false});
}

// RFC 4643 §2.3.2: AUTHINFO PASS only after a 381 to AUTHINFO USER.
void check_auth_seq(const session& s, const context&, findings& f) {
  for (std::size_t n = 0; n < s.turns.size(); ++n) {
    const turn& t = s.turns[n];
    if (!t.is("AUTHINFO")) continue;
    const std::string sub = t.sub();
    if (sub != "USER" && sub != "PASS") continue;
    f.applied();
    if (sub != "PASS") continue;
    const int p = s.previous_command(static_cast<int>(n));
    if (p < 0 || !at(s, p).is("AUTHINFO") || at(s, p).sub() != "USER") {
      f.fail("AUTHINFO PASS without a preceding AUTHINFO USER", t.first_event, t.raw);
      continue;
    }
    const response* r = s.response_to(at(s, p));
    if (r == nullptr)
      f.fail("AUTHINFO PASS sent without a 381 to AUTHINFO USER", t.first_event, t.raw);
    else if (r->code != 381)
      f.fail("AUTHINFO PASS sent after " + std::to_string(r->code) +
                 " to AUTHINFO USER (only 381 asks for it)",
             t.first_event, t.raw);
  }
}

// RFC 4643 §2.2, §2.3.1: once authenticated, AUTHINFO is no longer a valid command.
void check_auth_once(const session& s, const context&, findings& f) {
  bool authenticated = false;
  for (const auto& t : s.turns) {
    if (!t.is("AUTHINFO")) {
      if (authenticated_by(s, t)) authenticated = true;
      continue;
    }
    f.applied();
    if (authenticated)
      f.fail("AUTHINFO sent after successful authentication", t.first_event, t.raw);
    if (authenticated_by(s, t)) authenticated = true;
  }
}

// RFC 4643 §2.3.2: AUTHINFO USER/PASS SHOULD NOT run without TLS; decided where the server
// offered STARTTLS.
void check_auth_clear(const session& s, const context&, findings& f) {
  for (const auto& t : s.turns)
    if (t.is("AUTHINFO") && t.sub() == "USER") f.applied();
  upgrade::check_password_cleartext<nntp_upgrade>(s, f);
}

}  // namespace ph::harness::rules::nntp
