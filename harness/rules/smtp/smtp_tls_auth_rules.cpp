// STARTTLS and AUTH: SMTP-STARTTLS-HANDSHAKE, SMTP-STARTTLS-RESET, SMTP-STARTTLS-ONCE,
// SMTP-AUTH-STATE, SMTP-AUTH-IR, SMTP-AUTH-PLAIN-FMT, SMTP-AUTH-CLEARTEXT.

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "harness/rules/smtp/smtp_check.hpp"
#include "harness/rules/smtp/smtp_syntax.hpp"

namespace ph::harness::rules::smtp {

namespace {

const turn& at(const session& s, int i) {
  return s.turns[static_cast<std::size_t>(i)];
}

const reply* reply_of(const session& s, int r) {
  return r >= 0 ? &s.replies[static_cast<std::size_t>(r)] : nullptr;
}

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

}  // namespace

// RFC 3207 §4: nothing after STARTTLS until its reply; after 220 a TLS ClientHello, never
// plaintext; if the handshake fails the client SHOULD give up.
void check_starttls_handshake(const session& s, const context&, findings& f) {
  for (std::size_t n = 0; n < s.turns.size(); ++n) {
    const int i = static_cast<int>(n);
    const turn& t = at(s, i);
    if (!t.is("STARTTLS")) continue;
    f.applied();
    const reply* r = reply_of(s, t.reply);
    if (r == nullptr) continue;
    if (r->positive()) {
      for (const auto& b : s.tls) {
        if (b.command != i) continue;
        if (!b.early_bytes.empty())
          f.fail("client sent bytes after STARTTLS before its reply", b.early_event, b.early_bytes);
        if (!b.plaintext.empty())
          f.fail("plaintext instead of a TLS ClientHello after the 220", b.plaintext_event,
                 b.plaintext);
      }
      continue;
    }
    if (n + 1 < s.turns.size() && s.turns[n + 1].segment == t.segment && sent_early(s, i + 1))
      f.fail("client sent " + s.turns[n + 1].verb + " before the reply to STARTTLS",
             s.turns[n + 1].first_event, s.turns[n + 1].raw);
  }
  for (std::size_t k = 0; k < s.tls.size(); ++k) {
    const tls_boundary& b = s.tls[k];
    if (b.failed_event < 0 || b.command < 0) continue;
    f.applied();
    for (const auto& seg : s.segments) {
      if (seg.boundary != static_cast<int>(k) || seg.client.empty()) continue;
      f.fail_weak("client went on in plaintext after the TLS handshake failed",
                  seg.client_events.front().second, seg.client);
    }
  }
}

// RFC 3207 §4.2: after the handshake, pre-TLS knowledge (EHLO reply, buffered bytes) is
// discarded (MUST) and EHLO is sent first (SHOULD).
void check_starttls_reset(const session& s, const context&, findings& f) {
  for (std::size_t k = 0; k < s.tls.size(); ++k) {
    const tls_boundary& b = s.tls[k];
    if (b.ready_event < 0 || b.command < 0) continue;  // implicit TLS: nothing to forget
    int seg = -1;
    for (std::size_t si = 0; si < s.segments.size(); ++si)
      if (s.segments[si].boundary == static_cast<int>(k) && s.segments[si].tls)
        seg = static_cast<int>(si);
    if (seg < 0) continue;
    f.applied();
    const ehlo_state* pre = b.command >= 0 ? s.ehlo_for(b.command) : nullptr;
    bool first = true;
    for (std::size_t n = 0; n < s.turns.size(); ++n) {
      const int i = static_cast<int>(n);
      const turn& t = at(s, i);
      if (t.segment != seg) continue;
      if (first && t.kind == turn_kind::command && !t.is("EHLO") && !t.is("QUIT"))
        f.fail_weak("first command after the TLS handshake is " + t.verb + ", not EHLO",
                    t.first_event, t.raw);
      const ehlo_state* post = s.ehlo_for(i);
      for (const auto& ext : extensions_used(s, i))
        if (!offers(post, ext) && offers(pre, ext))
          f.fail(ext + " used after STARTTLS but only the pre-TLS EHLO reply offered it",
                 t.first_event, t.raw);
      if (!first && sent_early(s, i) && !may_continue_group(s, i - 1)) {
        const bool pre_pipelining = pre != nullptr && pre->has("PIPELINING");
        if (!b.injected.empty())
          f.fail("client acted on reply bytes injected before the TLS handshake", t.first_event,
                 b.injected);
        else if (pre_pipelining && (post == nullptr || !post->has("PIPELINING")))
          f.fail("pipelined after STARTTLS on the strength of the pre-TLS PIPELINING",
                 t.first_event, t.raw);
      }
      first = false;
    }
  }
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
  for (const auto& a : s.auths) {
    const turn& t = at(s, a.command);
    f.applied();
    if (a.has_initial_response) {
      const std::string& ir = a.initial_response;
      if (ir.empty())
        f.fail("empty initial response (an empty one is sent as '=')", t.first_event, t.raw);
      else if (ir != "=" && !is_base64(ir))
        f.fail("initial response is not base64", t.first_event, t.raw.substr(0, 80));
      if (t.raw.size() > 512)
        f.fail("AUTH line with initial response is " + std::to_string(t.raw.size()) +
                   " octets (max 512)",
               t.first_event, t.raw.substr(0, 80));
    }
    int challenge = t.reply;
    for (int ri : a.responses) {
      const turn& rt = at(s, ri);
      const std::string_view line = rt.line();
      if (line != "*" && !line.empty() && !is_base64(line))
        f.fail("AUTH response is not base64 (or '*')", rt.first_event, rt.raw.substr(0, 80));
      const reply* c = reply_of(s, challenge);
      if (c != nullptr && c->code == 334) {
        const std::string_view text = c->text(0);
        if (!text.empty() && !is_base64(text) && line != "*")
          f.fail("undecodable 334 challenge answered with something other than '*'", rt.first_event,
                 rt.raw.substr(0, 80));
      }
      challenge = rt.reply;
    }
  }
}

// RFC 4616 §2: message = [authzid] NUL authcid NUL passwd, UTF-8, authcid and passwd
// non-empty.
void check_auth_plain_fmt(const session& s, const context&, findings& f) {
  for (const auto& a : s.auths) {
    if (a.mechanism != "PLAIN") continue;
    std::string payload;
    int event = -1;
    std::string_view line;
    if (a.has_initial_response) {
      payload = a.initial_response == "=" ? std::string{} : a.initial_response;
      event = at(s, a.command).first_event;
      line = at(s, a.command).raw;
    } else if (!a.responses.empty()) {
      const turn& rt = at(s, a.responses.front());
      payload = rt.line();
      event = rt.first_event;
      line = rt.raw;
    } else {
      continue;
    }
    if (payload == "*") continue;  // cancelled
    const auto decoded =
        payload.empty() ? std::optional<std::string>(std::string{}) : decode_base64(payload);
    if (!decoded) continue;  // not base64: SMTP-AUTH-IR's finding
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
    if (!is_utf8(m)) f.fail("PLAIN message is not UTF-8", event, line);
  }
}

// RFC 4954 §14, RFC 4616 §5: password mechanisms SHOULD NOT run without TLS. (The MUST NOT
// after a failed certificate check needs to know what the client verified: not judged.)
void check_auth_cleartext(const session& s, const context&, findings& f) {
  for (const auto& a : s.auths) {
    if (a.mechanism != "PLAIN" && a.mechanism != "LOGIN") continue;
    const turn& t = at(s, a.command);
    f.applied();
    if (!s.segments[static_cast<std::size_t>(t.segment)].tls)
      f.fail_weak("AUTH " + a.mechanism + " without TLS", t.first_event, t.raw.substr(0, 12));
  }
}

}  // namespace ph::harness::rules::smtp
