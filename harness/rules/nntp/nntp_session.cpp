#include "harness/rules/nntp/nntp_session.hpp"

#include <algorithm>
#include <array>

namespace ph::harness::rules::nntp {

namespace {

constexpr std::size_t npos = std::string_view::npos;

char upper(char c) {
  return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

bool is_sep(char c) {
  return c == ' ' || c == '\t';
}

int code_of(std::string_view line) {
  if (line.size() < 3 || !is_digit(line[0]) || !is_digit(line[1]) || !is_digit(line[2])) return 0;
  if (line.size() > 3 && !is_sep(line[3]) && line[3] != '\r') return 0;
  return (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
}

int event_at(const std::vector<std::pair<std::size_t, int>>& map, std::size_t offset) {
  if (map.empty()) return -1;
  auto it = std::upper_bound(map.begin(), map.end(), offset,
                             [](std::size_t off, const auto& entry) { return off < entry.first; });
  if (it == map.begin()) return map.front().second;
  return std::prev(it)->second;
}

std::vector<std::string> words(std::string_view text) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    while (pos < text.size() && is_sep(text[pos]))
      ++pos;
    std::size_t end = pos;
    while (end < text.size() && !is_sep(text[end]))
      ++end;
    if (end > pos) out.emplace_back(text.substr(pos, end - pos));
    pos = end;
  }
  return out;
}

// Splits the control channel at TLS boundaries and records who ended the connection.
void split_segments(const transcript& t, session& s) {
  s.segments.emplace_back();
  bool handshaking = false;
  for (std::size_t n = 0; n < t.events.size(); ++n) {
    const event& e = t.events[n];
    const int i = static_cast<int>(n);
    if (e.channel != 0) continue;
    switch (e.kind) {
      case event_kind::data: {
        if (e.bytes.empty()) break;
        const bool from_client = e.dir == direction::client_to_server;
        if (from_client && s.first_client_event < 0) s.first_client_event = i;
        if (handshaking) {
          // RFC 4642 §2.2.2: only a TLS ClientHello may follow the 382.
          if (from_client) {
            tls_boundary& b = s.tls.back();
            if (b.plaintext_event < 0) b.plaintext_event = i;
            b.plaintext += e.bytes;
          }
          break;
        }
        segment& seg = s.segments.back();
        if (from_client) {
          seg.client_events.emplace_back(seg.client.size(), i);
          seg.client += e.bytes;
        } else {
          seg.server_events.emplace_back(seg.server.size(), i);
          seg.server += e.bytes;
        }
        break;
      }
      case event_kind::tls_start:
        if (handshaking) break;
        s.tls.emplace_back();
        s.tls.back().start_event = i;
        handshaking = true;
        break;
      case event_kind::tls_ready:
      case event_kind::tls_failed: {
        if (!handshaking) break;
        handshaking = false;
        const bool ok = e.kind == event_kind::tls_ready;
        (ok ? s.tls.back().ready_event : s.tls.back().failed_event) = i;
        segment next;
        next.tls = ok;
        next.boundary = static_cast<int>(s.tls.size()) - 1;
        s.segments.push_back(std::move(next));
        break;
      }
      case event_kind::close:
      case event_kind::reset:
        if (s.end_event < 0) {
          s.end_event = i;
          s.client_ended = e.dir == direction::client_to_server;
          s.ended_by_reset = e.kind == event_kind::reset;
        }
        break;
      case event_kind::open:
      case event_kind::note:
        break;
    }
  }
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

  int server_event(std::size_t offset) { return event_at(seg().server_events, offset); }

  struct line_view {
    std::string_view text;
    std::size_t next;
    bool terminated;
  };

  line_view server_line(std::size_t pos) {
    const std::string_view in = seg().server;
    const std::size_t lf = in.find('\n', pos);
    const std::size_t end = lf == npos ? in.size() : lf;
    std::string_view line = in.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    return {line, lf == npos ? in.size() : lf + 1, lf != npos};
  }

  int read_response(std::string_view verb, std::string_view sub) {
    const std::string_view in = seg().server;
    if (spos_ >= in.size()) return -1;
    response r;
    r.segment = si_;
    r.first_event = server_event(spos_);
    const line_view status = server_line(spos_);
    r.status = status.text;
    r.code = code_of(status.text);
    r.complete = status.terminated;
    r.status_event = server_event(status.next - 1);
    spos_ = status.next;
    if (status.terminated && is_multiline(verb, sub, r.code)) {
      r.multiline = true;
      r.complete = false;
      while (spos_ < in.size()) {
        const line_view l = server_line(spos_);
        spos_ = l.next;
        // RFC 3977 §3.1.1: the block ends at a line holding only "."; a leading "." of
        // any other line is a stuffing dot.
        if (l.terminated && l.text == ".") {
          r.complete = true;
          break;
        }
        std::string_view text = l.text;
        if (!text.empty() && text.front() == '.') text.remove_prefix(1);
        r.block.emplace_back(text);
      }
    }
    r.final_event = server_event(spos_ - 1);
    s_.responses.push_back(std::move(r));
    return static_cast<int>(s_.responses.size()) - 1;
  }

  void place(turn& t, std::size_t size) {
    t.first_event = s_.client_event_at(si_, t.offset);
    t.last_event = s_.client_event_at(si_, t.offset + (size > 0 ? size - 1 : 0));
  }

  int push(turn t) {
    s_.turns.push_back(std::move(t));
    return static_cast<int>(s_.turns.size()) - 1;
  }

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
    const std::string& in = seg().client;
    const std::size_t crlf = in.find("\r\n", cpos_);
    turn t = start_turn();
    if (crlf == npos) {
      t.raw = in.substr(cpos_);
      t.terminated = false;
    } else {
      t.raw = in.substr(cpos_, crlf + 2 - cpos_);
    }
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
    while (k < line.size() && !is_sep(line[k]))
      ++k;
    t.verb = to_upper(line.substr(0, std::min(k, max_verb)));
    while (k < line.size() && is_sep(line[k]))
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
        auto w = words(l);
        if (w.empty()) continue;
        std::string label = to_upper(w.front());
        w.erase(w.begin());
        c.labels[label] = std::move(w);
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
    std::size_t p = cpos_;
    bool done = false;
    while (p < in.size()) {
      const std::size_t e = in.find("\r\n", p);
      const std::size_t end = e == npos ? in.size() : e;
      const std::string_view line = std::string_view(in).substr(p, end - p);
      if (e != npos && line == ".") {
        done = true;
        p = e + 2;
        break;
      }
      const bool stuffed = !line.empty() && line.front() == '.';
      a.text.append(line.substr(stuffed ? 1 : 0));
      if (e == npos) {
        p = in.size();
        break;
      }
      a.text += "\r\n";
      p = e + 2;
    }
    a.raw = in.substr(start, (done ? p - 3 : p) - start);
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
    int bi = -1;
    if (static_cast<std::size_t>(si_) + 1 < s_.segments.size())
      bi = s_.segments[static_cast<std::size_t>(si_) + 1].boundary;
    if (bi < 0) {
      // The server answered 382 but never began the handshake: keep the facts anyway.
      s_.tls.emplace_back();
      bi = static_cast<int>(s_.tls.size()) - 1;
    }
    tls_boundary& b = s_.tls[static_cast<std::size_t>(bi)];
    b.command = idx;
    const std::string& in = seg().client;
    if (cpos_ < in.size()) {
      b.early_bytes = in.substr(cpos_);
      b.early_event = s_.client_event_at(si_, cpos_);
    }
    cpos_ = in.size();
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
  std::string_view l = raw;
  if (terminated && l.size() >= 2 && l.substr(l.size() - 2) == "\r\n") l.remove_suffix(2);
  return l;
}

std::string turn::sub() const {
  std::size_t k = 0;
  while (k < arg.size() && !is_sep(arg[k]))
    ++k;
  return to_upper(std::string_view(arg).substr(0, k));
}

bool caps_list::has(std::string_view label) const {
  return labels.find(to_upper(label)) != labels.end();
}

bool caps_list::has_arg(std::string_view label, std::string_view arg) const {
  auto it = labels.find(to_upper(label));
  if (it == labels.end()) return false;
  return std::any_of(it->second.begin(), it->second.end(),
                     [&](const std::string& a) { return iequals(a, arg); });
}

int session::client_event_at(int seg, std::size_t offset) const {
  if (seg < 0 || static_cast<std::size_t>(seg) >= segments.size()) return -1;
  return event_at(segments[static_cast<std::size_t>(seg)].client_events, offset);
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
  split_segments(t, s);
  // With implicit TLS nothing crosses the wire before the first handshake.
  for (std::size_t i = 0; i < s.segments.size(); ++i) {
    if (!s.segments[i].client.empty() || !s.segments[i].server.empty()) {
      s.greeting_segment = static_cast<int>(i);
      break;
    }
  }
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

std::string to_upper(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    c = upper(c);
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (upper(a[i]) != upper(b[i])) return false;
  return true;
}

std::vector<std::string_view> crlf_lines(std::string_view text) {
  std::vector<std::string_view> out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t e = text.find("\r\n", pos);
    if (e == npos) {
      out.push_back(text.substr(pos));
      break;
    }
    out.push_back(text.substr(pos, e - pos));
    pos = e + 2;
  }
  return out;
}

}  // namespace ph::harness::rules::nntp
