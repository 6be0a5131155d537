#include "harness/rules/pop3/pop3_session.hpp"

#include <algorithm>
#include <array>

namespace ph::harness::rules::pop3 {

namespace {

constexpr std::size_t npos = std::string_view::npos;

using line::starts_with_ci;
using line::upper;

status status_of(std::string_view line) {
  // RFC 1939 §3 makes servers send the indicators in upper case; reading them
  // case-insensitively keeps a lower-case fault from desynchronising the judge.
  if (starts_with_ci(line, "+OK")) return status::ok;
  if (starts_with_ci(line, "-ERR")) return status::err;
  // RFC 5034 §4: a challenge is "+" SP base64 (some servers send a bare "+").
  if (line == "+" || (line.size() >= 2 && line[0] == '+' && line[1] == ' '))
    return status::continuation;
  return status::other;
}

// What carries over from one segment to the next: the login state.
struct carry {
  state st = state::authorization;
};

class segment_parser {
 public:
  segment_parser(session& s, int si, carry& c)
      : s_(s),
        si_(si),
        c_(c),
        in_(s.segments[static_cast<std::size_t>(si)].client),
        out_(s.segments[static_cast<std::size_t>(si)].server) {
    // RFC 1939 §4: the session opens with the server's greeting, answering nothing.
    if (si == s.greeting_segment) s.greeting = read_response(false);
  }

  void run() {
    while (pos_ < in_.size()) {
      if (!step()) break;
    }
  }

 private:
  // Reads one response from the server stream (-1 when the stream is exhausted).
  int read_response(bool body_if_ok) {
    if (spos_ >= out_.size()) return -1;
    response r;
    r.segment = si_;
    r.first_event = s_.server_event_at(si_, spos_);
    const line::line_view status = line::server_line(out_, spos_);
    r.line = status.text;
    r.st = status_of(status.text);
    r.complete = status.terminated;
    spos_ = status.next;
    if (r.complete && r.ok() && body_if_ok) {
      // RFC 1939 §3: a multi-line response ends at a line holding only "."; its lines stay
      // as sent (dot-stuffed).
      r.multiline = true;
      const line::server_block block = line::read_server_block(out_, spos_, false);
      r.body.assign(block.lines.begin(), block.lines.end());
      r.complete = block.complete;
    }
    r.final_event = s_.server_event_at(si_, spos_ > 0 ? spos_ - 1 : 0);
    s_.responses.push_back(std::move(r));
    return static_cast<int>(s_.responses.size()) - 1;
  }

  const response* resp(int r) const { return s_.response_of(r); }

  void place(turn& t, std::size_t size) const { s_.place(t, size); }
  int push(turn t) { return line::append(s_.turns, std::move(t)); }

  // Returns false when the rest of the segment is not POP3 (bytes before a handshake).
  bool step() {
    const line::line_view l = line::client_line(in_, pos_);
    turn t;
    t.segment = si_;
    t.offset = pos_;
    t.capa = capa_;
    t.st = c_.st;
    t.raw = l.text;
    t.terminated = l.terminated;
    pos_ += t.raw.size();
    place(t, t.raw.size());

    if (auth_ >= 0) {
      t.kind = turn_kind::auth_response;
      t.auth = auth_;
      t.response = read_response(false);
      const response* r = resp(t.response);
      const int idx = push(std::move(t));
      auth_exchange& a = s_.auths[static_cast<std::size_t>(auth_)];
      a.responses.push_back(idx);
      if (r == nullptr || r->st != status::continuation) finish_auth(a, idx);
      return true;
    }

    line::verb_arg va = line::split_verb(t.line());
    t.verb = std::move(va.verb);
    t.arg = va.arg;
    const bool no_arg = !va.has_arg;
    const bool body = t.verb == "CAPA" || t.verb == "RETR" || t.verb == "TOP" ||
                      ((t.verb == "LIST" || t.verb == "UIDL" || t.verb == "AUTH") && no_arg);
    t.response = read_response(body);
    const response* r = resp(t.response);
    const int idx = push(std::move(t));
    turn& cmd = s_.turns[static_cast<std::size_t>(idx)];

    if (cmd.verb == "CAPA") {
      if (r != nullptr && r->ok()) {
        capa_state c;
        c.turn = idx;
        for (const auto& l : r->body)
          c.add(l);
        s_.capas.push_back(std::move(c));
        capa_ = static_cast<int>(s_.capas.size()) - 1;
        s_.capa_succeeded = true;
      } else if (r != nullptr && r->st == status::err) {
        s_.capa_refused = true;
      }
    } else if (cmd.verb == "PASS" || cmd.verb == "APOP") {
      if (r != nullptr && r->ok() && c_.st == state::authorization) c_.st = state::transaction;
    } else if (cmd.verb == "AUTH" && !no_arg) {
      auth_exchange a;
      static_cast<line::sasl_exchange&>(a) = line::start_sasl(idx, cmd.arg);
      s_.auths.push_back(std::move(a));
      cmd.auth = static_cast<int>(s_.auths.size()) - 1;
      if (r != nullptr && r->st == status::continuation) {
        auth_ = cmd.auth;
      } else if (r != nullptr) {
        finish_auth(s_.auths.back(), idx);
      }
    } else if (cmd.verb == "QUIT") {
      c_.st = state::quit;
    } else if (cmd.verb == "STLS") {
      if (r != nullptr && r->ok()) {
        end_at_stls(idx);
        return false;
      }
    }
    return true;
  }

  void finish_auth(auth_exchange& a, int last_turn) {
    a.final_response = s_.turns[static_cast<std::size_t>(last_turn)].response;
    const response* r = resp(a.final_response);
    if (r != nullptr && r->ok() && c_.st == state::authorization) c_.st = state::transaction;
    auth_ = -1;
  }

  void end_at_stls(int idx) {
    tls_boundary& b = s_.upgraded(si_, idx, pos_);
    if (spos_ < out_.size()) {
      b.injected = out_.substr(spos_);
      b.injected_event = s_.server_event_at(si_, spos_);
    }
    pos_ = in_.size();
  }

  session& s_;
  int si_;
  carry& c_;
  const std::string& in_;
  const std::string& out_;
  std::size_t pos_ = 0;
  std::size_t spos_ = 0;
  int capa_ = -1;  // RFC 2595 §4: capabilities never survive a handshake
  int auth_ = -1;
};

}  // namespace

std::string_view response::text() const {
  const std::string_view l = line;
  std::size_t n = 0;
  if (st == status::ok) n = 3;
  if (st == status::err) n = 4;
  if (st == status::continuation) n = 1;
  if (n == 0 || l.size() <= n) return n == 0 ? l : std::string_view{};
  return l.substr(l[n] == ' ' ? n + 1 : n);
}

std::string response::code() const {
  const std::string_view t = text();
  if (t.empty() || t.front() != '[') return {};
  const std::size_t close = t.find(']');
  if (close == npos) return {};
  return std::string(t.substr(1, close - 1));
}

std::string_view turn::line() const {
  return rules::line::without_crlf(raw, terminated);
}

std::vector<std::string> capa_state::sasl() const {
  std::vector<std::string> out;
  const std::string p = params("SASL");
  std::size_t pos = 0;
  while (pos < p.size()) {
    const std::size_t sp = p.find(' ', pos);
    const std::string_view w = std::string_view(p).substr(pos, sp == npos ? npos : sp - pos);
    if (!w.empty()) out.push_back(upper(w));
    if (sp == npos) break;
    pos = sp + 1;
  }
  return out;
}

int session::awaited_response(int i) const {
  return line::awaited_answer(turns, i, &turn::response, greeting_segment, greeting);
}

bool session::sent_early(int i) const {
  return line::sent_before_answer(turns, responses, i, awaited_response(i), greeting_segment);
}

const capa_state* session::capa_for(int i) const {
  if (i < 0 || static_cast<std::size_t>(i) >= turns.size()) return nullptr;
  const int c = at(i).capa;
  return c >= 0 ? &capas[static_cast<std::size_t>(c)] : nullptr;
}

const response* session::response_of(int r) const {
  if (r < 0 || static_cast<std::size_t>(r) >= responses.size()) return nullptr;
  return &responses[static_cast<std::size_t>(r)];
}

session parse_session(const transcript& t) {
  session s;
  s.read_channel(t);
  carry c;
  for (std::size_t i = 0; i < s.segments.size(); ++i)
    segment_parser(s, static_cast<int>(i), c).run();
  return s;
}

bool is_known_verb(std::string_view verb) {
  static constexpr std::array<std::string_view, 17> verbs = {
      "USER", "PASS", "APOP", "AUTH", "STLS", "CAPA", "STAT", "LIST", "RETR",
      "DELE", "NOOP", "RSET", "TOP",  "UIDL", "QUIT", "UTF8", "LANG"};
  return std::find(verbs.begin(), verbs.end(), verb) != verbs.end();
}

}  // namespace ph::harness::rules::pop3
