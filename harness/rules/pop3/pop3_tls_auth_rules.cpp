// STLS, APOP and AUTH: POP3-APOP, POP3-STLS-WAIT, POP3-STLS-RESET, POP3-CLEARTEXT,
// POP3-AUTH-IR, POP3-AUTH-PLAIN-FMT.

#include <algorithm>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "harness/rules/pop3/pop3_check.hpp"
#include "harness/rules/tls_upgrade_rules.hpp"

namespace ph::harness::rules::pop3 {

namespace {

constexpr std::size_t npos = std::string_view::npos;

bool contains(const std::vector<std::string>& v, std::string_view x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

bool is_lower_hex(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// RFC 1939 §7: the greeting's timestamp, a msg-id "<...>" (angle brackets included).
std::string greeting_timestamp(const session& s) {
  const response* g = s.response_of(s.greeting);
  if (g == nullptr || !g->ok()) return {};
  const std::size_t open = g->line.find('<');
  if (open == npos) return {};
  const std::size_t close = g->line.find('>', open);
  if (close == npos) return {};
  return g->line.substr(open, close - open + 1);
}

// Secrets the scenario knows for a user: the server's users table and the client's own
// apop/pass/auth steps (the client may legitimately be told a wrong password).
std::vector<std::string> oracle_secrets(const context& ctx, std::string_view user) {
  std::vector<std::string> out;
  if (ctx.scen == nullptr) return out;
  auto add_users = [&](const nlohmann::json& users) {
    if (!users.is_object()) return;
    auto it = users.find(std::string(user));
    if (it == users.end()) return;
    if (it->is_string()) out.push_back(it->get<std::string>());
    if (it->is_object()) {
      auto pw = it->find("password");
      if (pw != it->end() && pw->is_string()) out.push_back(pw->get<std::string>());
    }
  };
  // The model's users live at [server.model.users.<name>] (password = "..."); a flat
  // users = { name = "secret" } table is read too.
  const nlohmann::json& server = ctx.scen->server;
  for (const nlohmann::json* table : {&server, server.is_object() && server.contains("model")
                                                   ? &server["model"]
                                                   : static_cast<const nlohmann::json*>(nullptr)}) {
    if (table == nullptr || !table->is_object()) continue;
    auto it = table->find("users");
    if (it != table->end()) add_users(*it);
  }
  std::string last_user;
  for (const auto& step : ctx.scen->client) {
    if (!step.args.is_object()) continue;
    auto u = step.args.find("user");
    if (u == step.args.end()) u = step.args.find("name");
    if (u != step.args.end() && u->is_string()) last_user = u->get<std::string>();
    auto pw = step.args.find("password");
    if (pw != step.args.end() && pw->is_string() && last_user == user)
      out.push_back(pw->get<std::string>());
  }
  return out;
}

// How the cleartext / STARTTLS family reads a POP3 session (tls_upgrade_rules.hpp).
struct pop3_upgrade : upgrade::traits<session, turn, capa_state> {
  static constexpr upgrade::wording words{
      "client sent bytes after STLS before its response",
      "plaintext instead of a TLS ClientHello after +OK to STLS",
      "{} sent before the response to STLS",
      "first command after the TLS handshake is {}, not CAPA",
      "client acted on response bytes injected before the TLS handshake",
      "pipelined after STLS on the strength of the pre-TLS PIPELINING",
      "password mechanism {} used without TLS",
      "password sent in the clear after STLS failed",
      "",
  };
  static bool is_upgrade(const turn& t) { return t.is("STLS"); }
  static int upgrade_answer(const session& s, const turn& t) {
    const response* r = s.response_of(t.response);
    if (r == nullptr) return -1;
    return r->ok() ? 1 : 0;
  }
  static bool sent_early(const session& s, int i) { return s.sent_early(i); }
  static std::string name(const turn& t) { return name_of(t); }
  static const capa_state* caps_for(const session& s, int i) { return s.capa_for(i); }
  static bool is_refresh(const turn& t) { return t.is("CAPA"); }
  // RFC 2595 §4: a SASL mechanism comes from the post-TLS CAPA response only.
  static void stale_use(const session& s, int i, const capa_state* pre, const capa_state* post,
                        findings& f) {
    const turn& t = s.at(i);
    if (!t.is("AUTH") || t.auth < 0 || pre == nullptr) return;
    const std::string& mech = s.auths[static_cast<std::size_t>(t.auth)].mechanism;
    const bool pre_has = contains(pre->sasl(), mech);
    const bool post_has = post != nullptr && contains(post->sasl(), mech);
    if (pre_has && !post_has)
      f.fail("AUTH " + mech + " chosen from the pre-TLS CAPA response", t.first_event, t.raw);
  }
  static bool pipelined(const session& s, int i) {
    return s.at(i).kind == turn_kind::command && s.sent_early(i);
  }
  // "PASS ": the secret stays out of the evidence.
  static std::size_t clear_password(const turn& t) { return t.is("PASS") ? 5 : 0; }
  static bool offers_upgrade(const session&, const turn&) { return false; }
};

}  // namespace

// RFC 1939 §7: APOP only after a greeting with a timestamp; the digest is 32 lower-case hex
// digits of MD5(timestamp secret). With the scenario's secrets the digest is recomputed.
void check_apop(const session& s, const context& ctx, findings& f) {
  const std::string stamp = greeting_timestamp(s);
  for (const auto& t : s.turns) {
    if (!t.is("APOP")) continue;
    f.applied();
    if (stamp.empty()) {
      f.fail("APOP but the greeting carries no <timestamp>", t.first_event, t.raw);
      continue;
    }
    const auto words = split(t.arg, ' ');
    if (words.size() != 2 || words[0].empty()) {
      f.fail("APOP takes a name and a digest", t.first_event, t.raw);
      continue;
    }
    const std::string_view digest = words[1];
    if (digest.size() != 32 || !is_lower_hex(digest)) {
      f.fail("APOP digest is not 32 lower-case hex digits", t.first_event, t.raw);
      continue;
    }
    const auto secrets = oracle_secrets(ctx, words[0]);
    if (secrets.empty()) continue;
    const bool match = std::any_of(secrets.begin(), secrets.end(), [&](const std::string& sec) {
      return md5_hex(stamp + sec) == digest;
    });
    if (!match)
      f.fail("APOP digest is not MD5 of the greeting's timestamp and the secret", t.first_event,
             t.raw);
  }
}

// RFC 2595 §4: nothing after STLS until its response; after +OK the next bytes are the TLS
// handshake, never plaintext.
void check_stls_wait(const session& s, const context&, findings& f) {
  upgrade::check_upgrade_wait<pop3_upgrade>(s, f);
}

// RFC 2595 §4: after the handshake, pre-TLS capabilities and bytes are discarded (MUST)
// and CAPA is issued again (SHOULD).
void check_stls_reset(const session& s, const context&, findings& f) {
  upgrade::check_upgrade_reset<pop3_upgrade>(s, f);
}

// RFC 4616 §5: PLAIN (and its like: LOGIN, USER/PASS) SHOULD NOT run without a protected
// channel; RFC 2595 §2.2: a client that asked for TLS and did not get it must not fall back
// to sending the password in the clear. Whether the client was configured to require TLS
// is not in the transcript, so both are reported at SHOULD level.
void check_cleartext(const session& s, const context&, findings& f) {
  upgrade::check_password_cleartext<pop3_upgrade>(s, f);
  upgrade::check_plaintext_after_failure(s, f, {false, false, 5});
}

// RFC 5034 §4: the initial response is base64 or "=", left off if the AUTH line would pass
// 255 octets; continuations are base64 or "*"; AUTH only before a successful login.
void check_auth_ir(const session& s, const context&, findings& f) {
  upgrade::check_auth_encoding<pop3_upgrade>(
      s, f, 255,
      [](const session& s, const auth_exchange& a, findings& f) {
        const turn& t = s.at(a.command);
        if (t.st == state::transaction)
          f.fail("AUTH after a successful login", t.first_event, t.raw.substr(0, 80));
      },
      [](const session&, const auth_exchange&, std::size_t, findings&) {});
}

// RFC 4616 §2: message = [authzid] NUL authcid NUL passwd, UTF-8, authcid and passwd
// non-empty (a payload that is not base64 is POP3-AUTH-IR's finding).
void check_auth_plain_fmt(const session& s, const context&, findings& f) {
  upgrade::check_auth_plain_message<pop3_upgrade>(s, f);
}

}  // namespace ph::harness::rules::pop3
