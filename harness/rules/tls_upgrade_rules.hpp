#pragma once
// The cleartext / STARTTLS rule family, written once for every line protocol whose session
// is a line::control_channel: waiting for the answer to the upgrade command (RFC 3207 §4,
// RFC 2595 §4, RFC 4642 §2.2.2, RFC 4217 §4), forgetting pre-TLS knowledge after the
// handshake, not going on in plaintext when it failed, passwords only inside TLS (RFC 4616
// §5), and the SASL AUTH exchange's encoding (initial response, continuations, PLAIN).
//
// A protocol instantiates the checks with a traits type P (usually derived from
// upgrade::traits<session, turn, caps>, which supplies the first four below) that says how
// its session reads:
//   using session_t, turn_t, caps_t;              its session, turn and capability list
//   static const turn_t& at(const session_t&, int);
//   static bool is_command(const turn_t&);
//   static std::string password_mechanism(const session_t&, const turn_t&);  PLAIN/LOGIN
//   static const wording words;                   its messages (see below)
//   static bool is_upgrade(const turn_t&);        STARTTLS, STLS, AUTH TLS, ...
//   static int upgrade_answer(const session_t&, const turn_t&);  1 yes, 0 no, -1 none came
//   static bool sent_early(const session_t&, int);  sent before the awaited answer was whole
//   static std::string name(const turn_t&);      the turn's name for messages
//   static const caps_t* caps_for(const session_t&, int);  capabilities in force
//   static bool is_refresh(const turn_t&);        asks for capabilities again (EHLO, CAPA)
//   static void stale_use(const session_t&, int, const caps_t* pre, const caps_t* post,
//                         findings&);             a turn relying on pre-TLS capabilities
//   static bool pipelined(const session_t&, int); sent early without the protocol's leave
//   static std::size_t clear_password(const turn_t&);  PASS and its like: the bytes before
//                                                 the secret (kept as evidence), 0 for others
//   static bool offers_upgrade(const session_t&, const turn_t&);  the capabilities in force
//                                                 when the turn was sent offer the upgrade
// and, for the AUTH checks, a session with `auths` (command, mechanism,
// has_initial_response, initial_response, responses) and turns with first_event, raw and
// line().

#include <algorithm>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include <fmt/format.h>

#include "harness/rules/catalogue.hpp"
#include "harness/rules/lexical.hpp"

namespace ph::harness::rules::upgrade {

// A protocol's messages; "{}" stands for the turn's name or the mechanism. An empty
// password message: the protocol does not judge that case.
struct wording {
  std::string_view early_bytes;            // bytes after the upgrade command, before its answer
  std::string_view plaintext;              // plaintext instead of a ClientHello
  std::string_view early_command;          // "{}": the next command, sent before the answer
  std::string_view not_refreshed;          // "{}": first command after the handshake
  std::string_view injected;               // acted on bytes injected before the handshake
  std::string_view stale_pipelining;       // pipelined on the pre-TLS PIPELINING
  std::string_view password_without_tls;   // "{}": the mechanism
  std::string_view password_after_failed;  // a clear password after the upgrade was refused
  std::string_view password_when_offered;  // a clear password though the upgrade was offered
};

// What every line protocol's traits share: its types, turn i, whether a turn is a command,
// and the password mechanism (PLAIN, LOGIN) an AUTH turn starts, from the session's
// `auths` and the turns' `auth` index (a protocol without them defines its own).
template <class Session, class Turn, class Caps>
struct traits {
  using session_t = Session;
  using turn_t = Turn;
  using caps_t = Caps;
  static const Turn& at(const Session& s, int i) { return s.turns[static_cast<std::size_t>(i)]; }
  static bool is_command(const Turn& t) {
    return t.kind == std::remove_cv_t<decltype(t.kind)>::command;
  }
  static std::string password_mechanism(const Session& s, const Turn& t) {
    if (!t.is("AUTH") || t.auth < 0) return {};
    const std::string& m = s.auths[static_cast<std::size_t>(t.auth)].mechanism;
    return m == "PLAIN" || m == "LOGIN" ? m : std::string{};
  }
};

inline std::string with_name(std::string_view pattern, std::string_view name) {
  return fmt::format(fmt::runtime(pattern), name);
}

// Which parts of the upgrade wait a rule judges.
struct wait_parts {
  bool early = true;        // bytes or a command sent before the answer
  bool plaintext = true;    // plaintext in place of a ClientHello after yes
  bool unanswered = false;  // ...also after an upgrade command no answer came to
};

// Turn i, when it is the upgrade command: nothing after it until its answer; after yes, a
// TLS ClientHello and never plaintext.
template <class P>
void check_upgrade_turn(const typename P::session_t& s, int i, findings& f, wait_parts parts) {
  const auto& t = P::at(s, i);
  if (!P::is_upgrade(t)) return;
  f.applied();
  const int answer = P::upgrade_answer(s, t);
  if (answer > 0) {
    for (const auto& b : s.tls) {
      if (b.command != i) continue;
      if (parts.early && !b.early_bytes.empty())
        f.fail(std::string(P::words.early_bytes), b.early_event, b.early_bytes);
      if (parts.plaintext && !b.plaintext.empty())
        f.fail(std::string(P::words.plaintext), b.plaintext_event, b.plaintext);
    }
    return;
  }
  if (!parts.early || (answer < 0 && !parts.unanswered)) return;
  const std::size_t next = static_cast<std::size_t>(i) + 1;
  if (next < s.turns.size() && P::at(s, i + 1).segment == t.segment && P::sent_early(s, i + 1))
    f.fail(with_name(P::words.early_command, P::name(P::at(s, i + 1))), P::at(s, i + 1).first_event,
           P::at(s, i + 1).raw);
}

template <class P>
void check_upgrade_wait(const typename P::session_t& s, findings& f, wait_parts parts = {}) {
  for (std::size_t n = 0; n < s.turns.size(); ++n)
    check_upgrade_turn<P>(s, static_cast<int>(n), f, parts);
}

// How a protocol reports client bytes after a failed handshake.
struct after_failure {
  bool needs_command = true;                      // only handshakes an upgrade command asked for
  bool applies = true;                            // such a handshake makes the rule apply
  std::size_t evidence = std::string_view::npos;  // bytes of the segment kept as evidence
};

// A client whose handshake failed gives up instead of going on in plaintext (SHOULD).
template <class Session>
void check_plaintext_after_failure(const Session& s, findings& f, after_failure how) {
  for (std::size_t k = 0; k < s.tls.size(); ++k) {
    const auto& b = s.tls[k];
    if (b.failed_event < 0 || (how.needs_command && b.command < 0)) continue;
    if (how.applies) f.applied();
    for (const auto& seg : s.segments) {
      if (seg.boundary != static_cast<int>(k) || seg.client.empty()) continue;
      f.fail_weak("client went on in plaintext after the TLS handshake failed",
                  seg.client_events.front().second, seg.client.substr(0, how.evidence));
    }
  }
}

// After the handshake pre-TLS capabilities and bytes are forgotten (MUST) and the client
// asks for capabilities again first (SHOULD).
template <class P>
void check_upgrade_reset(const typename P::session_t& s, findings& f) {
  for (std::size_t k = 0; k < s.tls.size(); ++k) {
    const auto& b = s.tls[k];
    if (b.ready_event < 0 || b.command < 0) continue;  // implicit TLS: nothing to forget
    int seg = -1;
    for (std::size_t si = 0; si < s.segments.size() && seg < 0; ++si)
      if (s.segments[si].boundary == static_cast<int>(k) && s.segments[si].tls)
        seg = static_cast<int>(si);
    if (seg < 0) continue;
    f.applied();
    const auto* pre = P::caps_for(s, b.command);
    bool first = true;
    for (std::size_t n = 0; n < s.turns.size(); ++n) {
      const int i = static_cast<int>(n);
      const auto& t = P::at(s, i);
      if (t.segment != seg) continue;
      if (first && P::is_command(t) && !P::is_refresh(t) && !t.is("QUIT"))
        f.fail_weak(with_name(P::words.not_refreshed, P::name(t)), t.first_event, t.raw);
      const auto* post = P::caps_for(s, i);
      P::stale_use(s, i, pre, post, f);
      if (!first && P::pipelined(s, i)) {
        if (!b.injected.empty())
          f.fail(std::string(P::words.injected), t.first_event, b.injected);
        else if (pre != nullptr && pre->has("PIPELINING") &&
                 (post == nullptr || !post->has("PIPELINING")))
          f.fail(std::string(P::words.stale_pipelining), t.first_event, t.raw);
      }
      first = false;
    }
  }
}

// Password mechanisms (PLAIN, LOGIN) SHOULD NOT run without TLS (RFC 4616 §5), nor a clear
// password follow a refused upgrade (RFC 2595 §2.2) or, where the protocol says so, an
// upgrade the server offered (RFC 4643 §2.3.2). Whether the client was configured to require
// TLS is not in the transcript, so these are SHOULD-level findings.
template <class P>
void check_password_cleartext(const typename P::session_t& s, findings& f) {
  bool upgrade_refused = false;
  bool upgrade_offered = false;
  for (std::size_t n = 0; n < s.turns.size(); ++n) {
    const auto& t = P::at(s, static_cast<int>(n));
    const bool in_tls = s.segments[static_cast<std::size_t>(t.segment)].tls;
    if (P::is_upgrade(t) && P::upgrade_answer(s, t) == 0) upgrade_refused = true;
    if (P::offers_upgrade(s, t)) upgrade_offered = true;
    const std::string mech = P::password_mechanism(s, t);
    const std::size_t clear = P::clear_password(t);
    if (!mech.empty() || clear > 0) f.applied();
    if (in_tls) continue;
    if (!mech.empty())
      f.fail_weak(with_name(P::words.password_without_tls, mech), t.first_event,
                  t.raw.substr(0, 12));
    else if (clear > 0 && upgrade_refused && !P::words.password_after_failed.empty())
      f.fail_weak(std::string(P::words.password_after_failed), t.first_event,
                  t.raw.substr(0, clear));
    else if (clear > 0 && upgrade_offered && !P::words.password_when_offered.empty())
      f.fail_weak(std::string(P::words.password_when_offered), t.first_event,
                  t.raw.substr(0, clear));
  }
}

// The AUTH exchanges' encoding: the initial response base64 or "=" and the AUTH line at most
// `max_line` octets with it; each response base64 (or empty) or "*". `extra(s, a, f)` runs
// first for each exchange, `each(s, a, k, f)` after the check of its k-th response.
template <class P, class Extra, class Each>
void check_auth_encoding(const typename P::session_t& s, findings& f, std::size_t max_line,
                         Extra extra, Each each) {
  for (const auto& a : s.auths) {
    const auto& t = P::at(s, a.command);
    f.applied();
    extra(s, a, f);
    if (a.has_initial_response) {
      const std::string& ir = a.initial_response;
      if (ir.empty())
        f.fail("empty initial response (an empty one is sent as '=')", t.first_event, t.raw);
      else if (ir != "=" && !lexical::is_base64(ir))
        f.fail("initial response is not base64", t.first_event, t.raw.substr(0, 80));
      if (t.raw.size() > max_line)
        f.fail("AUTH line with initial response is " + std::to_string(t.raw.size()) +
                   " octets (max " + std::to_string(max_line) + ")",
               t.first_event, t.raw.substr(0, 80));
    }
    for (std::size_t k = 0; k < a.responses.size(); ++k) {
      const auto& rt = P::at(s, a.responses[k]);
      const std::string_view line = rt.line();
      if (line != "*" && !line.empty() && !lexical::is_base64(line))
        f.fail("AUTH response is not base64 (or '*')", rt.first_event, rt.raw.substr(0, 80));
      each(s, a, k, f);
    }
  }
}

// RFC 4616 §2: message = [authzid] NUL authcid NUL passwd, UTF-8, authcid and passwd
// non-empty. A payload that is not base64 is the encoding rule's finding.
template <class P>
void check_auth_plain_message(const typename P::session_t& s, findings& f) {
  for (const auto& a : s.auths) {
    if (a.mechanism != "PLAIN") continue;
    std::string payload;
    int event = -1;
    std::string_view line;
    if (a.has_initial_response) {
      payload = a.initial_response == "=" ? std::string{} : a.initial_response;
      event = P::at(s, a.command).first_event;
      line = P::at(s, a.command).raw;
    } else if (!a.responses.empty()) {
      const auto& rt = P::at(s, a.responses.front());
      payload = rt.line();
      event = rt.first_event;
      line = rt.raw;
    } else {
      continue;
    }
    if (payload == "*") continue;  // cancelled
    const auto decoded = payload.empty() ? std::optional<std::string>(std::string{})
                                         : lexical::decode_base64(payload);
    if (!decoded) continue;
    f.applied();
    const std::string& m = *decoded;
    const auto nuls = std::count(m.begin(), m.end(), '\0');
    if (nuls != 2) {
      f.fail("PLAIN message has " + std::to_string(nuls) + " NUL separators (needs 2)", event,
             line);
      continue;
    }
    const std::size_t first = m.find('\0');
    const std::size_t second = m.find('\0', first + 1);
    if (second == first + 1) f.fail("PLAIN message has an empty authcid", event, line);
    if (second + 1 == m.size()) f.fail("PLAIN message has an empty password", event, line);
    if (!lexical::is_utf8(m)) f.fail("PLAIN message is not UTF-8", event, line);
  }
}

}  // namespace ph::harness::rules::upgrade
