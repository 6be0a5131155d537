#include "harness/rules/nntp/nntp_session.hpp"

#include <algorithm>
#include <array>

namespace ph::harness::rules::nntp {

namespace {

constexpr std::size_t npos = std::string_view::npos;

using lexical::is_wsp;

// RFC 3977 §3.2: the status line's code is three digits followed by a separator.
int code_of(std::string_view line) {
  if (line.size() > 3 && !is_wsp(line[3]) && line[3] != '\r') return 0;
  return line::code_of(line);
}

class parser {
 public:
  explicit parser(session& s) : s_(s) {}

  void run() {
    for (std::size_t i = 0; i < s_.segments.size(); ++i) {
      si_ = static_cast<int>(i);
      cpos_ = 0;
      spos_ = 0;
      // RFC 3977 §5.1: the greeting answers the connection; RFC 4642 §2.2.2: no new one
      // follows a STARTTLS handshake.
      if (si_ == s_.greeting_segment) s_.greeting = read_response({}, {});
      while (cpos_ < seg().client.size()) {
        if (!step()) break;
      }
      while (spos_ < seg().server.size())
        seg().unsolicited.push_back(read_response({}, {}));
    }
  }

 private:
  segment& seg() { return s_.segments[static_cast<std::size_t>(si_)]; }

  int server_event(std::size_t offset) { return line::event_at(seg().server_events, offset); }

  int read_response(std::string_view verb, std::string_view sub) {
    const std::string_view in = seg().server;
    if (spos_ >= in.size()) return -1;
    response r;
    r.segment = si_;
    r.first_event = server_event(spos_);
    const line::line_view status = line::server_line(in, spos_);
    r.status = status.text;
    r.code = code_of(status.text);
    r.complete = status.terminated;
    r.status_event = server_event(status.next - 1);
    spos_ = status.next;
    if (status.terminated && is_multiline(verb, sub, r.code)) {
      // RFC 3977 §3.1.1: the block ends at a line holding only "."; a leading "." of
      // any other line is a stuffing dot.
      r.multiline = true;
      const line::server_block block = line::read_server_block(in, spos_, true);
      r.block.assign(block.lines.begin(), block.lines.end());
      r.complete = block.complete;
    }
    r.final_event = server_event(spos_ - 1);
    s_.responses.push_back(std::move(r));
    return static_cast<int>(s_.responses.size()) - 1;
  }

  void place(turn& t, std::size_t size) const { s_.place(t, size); }
  int push(turn t) { return line::append(s_.turns, std::move(t)); }

  turn start_turn() {
    turn t;
    t.segment = si_;
    t.offset = cpos_;
    t.caps = caps_;
    t.caps_stale = stale_;
    t.change = change_;
    return t;
  }

  void state_changed(int idx) {
    stale_ = true;
    change_ = idx;
  }

  // Returns false when the rest of the segment is not NNTP (bytes before a handshake).
  bool step() {
    const line::line_view l = line::client_line(seg().client, cpos_);
    turn t = start_turn();
    t.raw = l.text;
    t.terminated = l.terminated;
    place(t, t.raw.size());
    cpos_ += t.raw.size();

    if (sasl_) {
      // RFC 4643 §2.4: the line answers the 383 challenge.
      t.kind = turn_kind::sasl_response;
      t.response = read_response("AUTHINFO", "SASL");
      const response* r = s_.response_of(t.response);
      sasl_ = r != nullptr && r->code == 383;
      if (r != nullptr && (r->code == 281 || r->code == 283))
        state_changed(push(std::move(t)));
      else
        push(std::move(t));
      return true;
    }

    // RFC 3977 §3.1: keyword and arguments are separated by one or more SP or TAB.
    const std::string_view line = t.line();
    std::size_t k = 0;
    while (k < line.size() && !is_wsp(line[k]))
      ++k;
    t.verb = upper(line.substr(0, std::min(k, max_verb)));
    while (k < line.size() && is_wsp(line[k]))
      ++k;
    t.arg = line.substr(k);
    const std::string sub = t.sub();
    t.response = read_response(t.verb, sub);
    const response* r = s_.response_of(t.response);
    const int idx = push(std::move(t));
    const std::string verb = s_.turns[static_cast<std::size_t>(idx)].verb;
    if (r == nullptr) return true;

    if (verb == "CAPABILITIES" && r->code == 101) {
      caps_list c;
      c.turn = idx;
      for (const auto& l : r->block) {
        const auto w = lexical::words(l);
        if (w.empty()) continue;
        c.labels[upper(w.front())].assign(w.begin() + 1, w.end());
      }
      s_.caps.push_back(std::move(c));
      caps_ = static_cast<int>(s_.caps.size()) - 1;
      stale_ = false;
      change_ = -1;
    } else if (verb == "MODE" && sub == "READER" && r->klass() == 2) {
      // RFC 3977 §5.3: the capabilities may change after MODE READER.
      state_changed(idx);
    } else if (verb == "AUTHINFO") {
      // RFC 4643 §2.3.1, §2.4: capabilities change after authentication.
      if (r->code == 281 || r->code == 283) state_changed(idx);
      if (sub == "SASL" && r->code == 383) sasl_ = true;
    } else if ((verb == "POST" || verb == "IHAVE") && r->klass() == 3) {
      // RFC 3977 §6.3.1, §6.3.2: the article follows 340 (POST) or 335 (IHAVE).
      read_article(idx, verb == "POST");
    } else if (verb == "STARTTLS" && r->code == 382) {
      state_changed(idx);
      end_at_starttls(idx);
      return false;
    }
    return true;
  }

  void read_article(int command, bool post) {
    const std::string& in = seg().client;
    article a;
    a.command = command;
    a.segment = si_;
    a.post = post;
    a.offset = cpos_;
    const std::size_t start = cpos_;
    line::client_block c = line::read_client_block(in, cpos_);
    const std::size_t p = c.end;
    const bool done = c.terminated;
    a.text = std::move(c.text);
    a.raw = c.raw;
    a.terminated = done;
    const int ai = static_cast<int>(s_.articles.size());
    s_.turns[static_cast<std::size_t>(command)].article = ai;
    if (p > start) {
      turn t = start_turn();
      t.kind = turn_kind::article;
      t.raw = in.substr(start, p - start);
      t.terminated = done;
      t.article = ai;
      place(t, t.raw.size());
      t.response = read_response("(article)", {});
      a.turn = push(std::move(t));
    }
    s_.articles.push_back(std::move(a));
    cpos_ = p;
  }

  void end_at_starttls(int idx) {
    s_.upgraded(si_, idx, cpos_);
    cpos_ = seg().client.size();
  }

  session& s_;
  int si_ = 0;
  std::size_t cpos_ = 0;
  std::size_t spos_ = 0;
  int caps_ = -1;
  bool stale_ = false;
  int change_ = -1;
  bool sasl_ = false;
};

}  // namespace

std::string_view turn::line() const {
  return rules::line::without_crlf(raw, terminated);
}

std::string turn::sub() const {
  std::size_t k = 0;
  while (k < arg.size() && !is_wsp(arg[k]))
    ++k;
  return upper(std::string_view(arg).substr(0, k));
}

bool caps_list::has(std::string_view label) const {
  return labels.find(upper(label)) != labels.end();
}

bool caps_list::has_arg(std::string_view label, std::string_view arg) const {
  auto it = labels.find(upper(label));
  if (it == labels.end()) return false;
  return std::any_of(it->second.begin(), it->second.end(),
                     [&](const std::string& a) { return iequals(a, arg); });
}

const response* session::response_of(int r) const {
  if (r < 0 || static_cast<std::size_t>(r) >= responses.size()) return nullptr;
  return &responses[static_cast<std::size_t>(r)];
}

const caps_list* session::caps_for(int i) const {
  if (i < 0 || static_cast<std::size_t>(i) >= turns.size()) return nullptr;
  const turn& t = turns[static_cast<std::size_t>(i)];
  if (t.caps < 0 || t.caps_stale) return nullptr;
  return &caps[static_cast<std::size_t>(t.caps)];
}

int session::next_in_segment(int i) const {
  if (i < 0 || static_cast<std::size_t>(i) + 1 >= turns.size()) return -1;
  const turn& next = turns[static_cast<std::size_t>(i) + 1];
  return next.segment == turns[static_cast<std::size_t>(i)].segment ? i + 1 : -1;
}

int session::previous_command(int i) const {
  for (int j = i - 1; j >= 0; --j)
    if (turns[static_cast<std::size_t>(j)].kind == turn_kind::command) return j;
  return -1;
}

session parse_session(const transcript& t) {
  session s;
  s.read_channel(t);
  parser(s).run();
  return s;
}

bool is_known_verb(std::string_view verb) {
  static constexpr std::array<std::string_view, 30> verbs = {
      "ARTICLE",   "AUTHINFO", "BODY",      "CAPABILITIES", "DATE",     "GROUP",
      "HDR",       "HEAD",     "HELP",      "IHAVE",        "LAST",     "LIST",
      "LISTGROUP", "MODE",     "NEWGROUPS", "NEWNEWS",      "NEXT",     "OVER",
      "POST",      "QUIT",     "STAT",      "STARTTLS",     "XOVER",    "XHDR",
      "XPAT",      "XGTITLE",  "XROVER",    "CHECK",        "TAKETHIS", "SLAVE"};
  return std::find(verbs.begin(), verbs.end(), verb) != verbs.end();
}

bool is_multiline(std::string_view verb, std::string_view sub, int code) {
  (void)sub;
  switch (code) {
    case 100:
      return verb == "HELP";
    case 101:
      return verb == "CAPABILITIES";
    case 211:
      return verb == "LISTGROUP";  // GROUP's 211 is a single line
    case 215:
      return verb == "LIST";
    case 220:
      return verb == "ARTICLE";
    case 221:
      return verb == "HEAD" || verb == "XHDR" || verb == "XPAT";
    case 222:
      return verb == "BODY";
    case 224:
      return verb == "OVER" || verb == "XOVER" || verb == "XROVER";
    case 225:
      return verb == "HDR";
    case 230:
      return verb == "NEWNEWS";
    case 231:
      return verb == "NEWGROUPS";
    case 282:
      return verb == "XGTITLE";
    default:
      return false;
  }
}

}  // namespace ph::harness::rules::nntp
