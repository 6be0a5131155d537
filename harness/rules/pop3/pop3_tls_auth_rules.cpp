// STLS, APOP and AUTH: POP3-APOP, POP3-STLS-WAIT, POP3-STLS-RESET, POP3-CLEARTEXT,
// POP3-AUTH-IR, POP3-AUTH-PLAIN-FMT.

#include <algorithm>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "harness/rules/pop3/pop3_check.hpp"

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

// The first segment a completed STLS handshake opened for boundary k, or -1.
int tls_segment(const session& s, std::size_t k) {
  for (std::size_t si = 0; si < s.segments.size(); ++si)
    if (s.segments[si].boundary == static_cast<int>(k) && s.segments[si].tls)
      return static_cast<int>(si);
  return -1;
}

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
    const auto words = split_sp(t.arg);
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
  for (std::size_t n = 0; n < s.turns.size(); ++n) {
    const int i = static_cast<int>(n);
    const turn& t = s.at(i);
    if (!t.is("STLS")) continue;
    f.applied();
    const response* r = s.response_of(t.response);
    if (r == nullptr) continue;
    if (r->ok()) {
      for (const auto& b : s.tls) {
        if (b.command != i) continue;
        if (!b.early_bytes.empty())
          f.fail("client sent bytes after STLS before its response", b.early_event, b.early_bytes);
        if (!b.plaintext.empty())
          f.fail("plaintext instead of a TLS ClientHello after +OK to STLS", b.plaintext_event,
                 b.plaintext);
      }
      continue;
    }
    if (n + 1 < s.turns.size() && s.turns[n + 1].segment == t.segment && s.sent_early(i + 1))
      f.fail(name_of(s.turns[n + 1]) + " sent before the response to STLS",
             s.turns[n + 1].first_event, s.turns[n + 1].raw);
  }
}

// RFC 2595 §4: after the handshake, pre-TLS capabilities and bytes are discarded (MUST)
// and CAPA is issued again (SHOULD).
void check_stls_reset(const session& s, const context&, findings& f) {
  for (std::size_t k = 0; k < s.tls.size(); ++k) {
    const tls_boundary& b = s.tls[k];
    if (b.ready_event < 0 || b.command < 0) continue;  // implicit TLS: nothing to forget
    const int seg = tls_segment(s, k);
    if (seg < 0) continue;
    f.applied();
    const capa_state* pre = s.capa_for(b.command);
    bool first = true;
    for (std::size_t n = 0; n < s.turns.size(); ++n) {
      const int i = static_cast<int>(n);
      const turn& t = s.at(i);
      if (t.segment != seg) continue;
      if (first && t.kind == turn_kind::command && !t.is("CAPA") && !t.is("QUIT"))
        f.fail_weak("first command after the TLS handshake is " + name_of(t) + ", not CAPA",
                    t.first_event, t.raw);
      const capa_state* post = s.capa_for(i);
      if (t.is("AUTH") && t.auth >= 0 && pre != nullptr) {
        const std::string& mech = s.auths[static_cast<std::size_t>(t.auth)].mechanism;
        const bool pre_has = contains(pre->sasl(), mech);
        const bool post_has = post != nullptr && contains(post->sasl(), mech);
        if (pre_has && !post_has)
          f.fail("AUTH " + mech + " chosen from the pre-TLS CAPA response", t.first_event, t.raw);
      }
      if (!first && t.kind == turn_kind::command && s.sent_early(i)) {
        const bool post_pipe = post != nullptr && post->has("PIPELINING");
        if (!b.injected.empty())
          f.fail("client acted on response bytes injected before the TLS handshake", t.first_event,
                 b.injected);
        else if (pre != nullptr && pre->has("PIPELINING") && !post_pipe)
          f.fail("pipelined after STLS on the strength of the pre-TLS PIPELINING", t.first_event,
                 t.raw);
      }
      first = false;
    }
  }
}

// RFC 4616 §5: PLAIN (and its like: LOGIN, USER/PASS) SHOULD NOT run without a protected
// channel; RFC 2595 §2.2: a client that asked for TLS and did not get it must not fall back
// to sending the password in the clear. Whether the client was configured to require TLS
// is not in the transcript, so both are reported at SHOULD level.
void check_cleartext(const session& s, const context&, findings& f) {
  bool tls_attempt_failed = false;
  for (const auto& t : s.turns) {
    const bool in_tls = s.segments[static_cast<std::size_t>(t.segment)].tls;
    if (t.is("STLS")) {
      const response* r = s.response_of(t.response);
      if (r != nullptr && !r->ok()) tls_attempt_failed = true;
    }
    const bool auth_password = t.is("AUTH") && t.auth >= 0 &&
                               (s.auths[static_cast<std::size_t>(t.auth)].mechanism == "PLAIN" ||
                                s.auths[static_cast<std::size_t>(t.auth)].mechanism == "LOGIN");
    if (auth_password || t.is("PASS")) f.applied();
    if (in_tls) continue;
    if (auth_password)
      f.fail_weak("password mechanism " + s.auths[static_cast<std::size_t>(t.auth)].mechanism +
                      " used without TLS",
                  t.first_event, t.raw.substr(0, 12));
    else if (t.is("PASS") && tls_attempt_failed)
      f.fail_weak("password sent in the clear after STLS failed", t.first_event,
                  t.raw.substr(0, 5));
  }
  for (std::size_t k = 0; k < s.tls.size(); ++k) {
    if (s.tls[k].failed_event < 0) continue;
    for (const auto& seg : s.segments) {
      if (seg.boundary != static_cast<int>(k) || seg.client.empty()) continue;
      f.fail_weak("client went on in plaintext after the TLS handshake failed",
                  seg.client_events.front().second, seg.client.substr(0, 5));
    }
  }
}

// RFC 5034 §4: the initial response is base64 or "=", left off if the AUTH line would pass
// 255 octets; continuations are base64 or "*"; AUTH only before a successful login.
void check_auth_ir(const session& s, const context&, findings& f) {
  for (const auto& a : s.auths) {
    const turn& t = s.at(a.command);
    f.applied();
    if (t.st == state::transaction)
      f.fail("AUTH after a successful login", t.first_event, t.raw.substr(0, 80));
    if (a.has_initial_response) {
      const std::string& ir = a.initial_response;
      if (ir.empty())
        f.fail("empty initial response (an empty one is sent as '=')", t.first_event, t.raw);
      else if (ir != "=" && !is_base64(ir))
        f.fail("initial response is not base64", t.first_event, t.raw.substr(0, 80));
      if (t.raw.size() > 255)
        f.fail("AUTH line with initial response is " + std::to_string(t.raw.size()) +
                   " octets (max 255)",
               t.first_event, t.raw.substr(0, 80));
    }
    for (int ri : a.responses) {
      const turn& rt = s.at(ri);
      const std::string_view line = rt.line();
      if (line != "*" && !line.empty() && !is_base64(line))
        f.fail("AUTH response is not base64 (or '*')", rt.first_event, rt.raw.substr(0, 80));
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
      event = s.at(a.command).first_event;
      line = s.at(a.command).raw;
    } else if (!a.responses.empty()) {
      const turn& rt = s.at(a.responses.front());
      payload = rt.line();
      event = rt.first_event;
      line = rt.raw;
    } else {
      continue;
    }
    if (payload == "*") continue;  // cancelled
    const auto decoded =
        payload.empty() ? std::optional<std::string>(std::string{}) : decode_base64(payload);
    if (!decoded) continue;  // not base64: POP3-AUTH-IR's finding
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

}  // namespace ph::harness::rules::pop3
