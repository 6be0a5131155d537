#include "harness/rules/smtp/smtp_session.hpp"

#include <algorithm>
#include <array>
#include <charconv>

namespace ph::harness::rules::smtp {

namespace {

constexpr std::size_t npos = std::string_view::npos;

using line::upper;

// The segment's replies (RFC 5321 §4.2.1), appended to the session's.
void parse_replies(session& s, int si) {
  segment& seg = s.segments[static_cast<std::size_t>(si)];
  seg.first_reply = static_cast<int>(s.replies.size());
  for (const line::coded_reply& c : line::read_coded_replies(seg.server, seg.server_events,
                                                             line::reply_grammar::any_final_line)) {
    reply r;
    r.code = c.code;
    r.lines.assign(c.lines.begin(), c.lines.end());
    r.segment = si;
    r.first_event = c.first_event;
    r.final_event = c.final_event;
    r.complete = c.complete;
    s.replies.push_back(std::move(r));
  }
  seg.reply_count = static_cast<int>(s.replies.size()) - seg.first_reply;
}

// Parses "BDAT size [LAST]" (RFC 3030 §2); false when the argument is not that.
bool parse_bdat(std::string_view arg, std::uint64_t& size, bool& last) {
  const std::size_t sp = arg.find(' ');
  const std::string_view num = arg.substr(0, sp);
  if (num.empty() || num.size() > 19) return false;
  auto [p, ec] = std::from_chars(num.data(), num.data() + num.size(), size);
  if (ec != std::errc{} || p != num.data() + num.size()) return false;
  last = false;
  if (sp == npos) return true;
  if (upper(arg.substr(sp + 1)) != "LAST") return false;
  last = true;
  return true;
}

class turn_parser {
 public:
  turn_parser(session& s, int si)
      : s_(s), si_(si), in_(s.segments[static_cast<std::size_t>(si)].client) {
    const segment& seg = s.segments[static_cast<std::size_t>(si)];
    next_reply_ = seg.first_reply;
    end_reply_ = seg.first_reply + seg.reply_count;
    // RFC 5321 §3.1: the session opens with the server's greeting, answering nothing.
    if (si == s.greeting_segment && seg.reply_count > 0) s.greeting = next_reply_++;
  }

  void run() {
    while (pos_ < in_.size()) {
      if (!step()) break;
    }
  }

 private:
  int take_reply() { return next_reply_ < end_reply_ ? next_reply_++ : -1; }

  const reply* reply_of(int r) const {
    return r >= 0 ? &s_.replies[static_cast<std::size_t>(r)] : nullptr;
  }

  void place(turn& t) const { s_.place(t, t.size); }
  int push(turn t) { return line::append(s_.turns, std::move(t)); }

  // Returns false when the rest of the segment is not SMTP (bytes before a handshake).
  bool step() {
    const line::line_view l = line::client_line(in_, pos_);
    turn t;
    t.segment = si_;
    t.offset = pos_;
    t.ehlo = ehlo_;
    t.txn = txn_;
    t.raw = l.text;
    t.terminated = l.terminated;
    t.size = t.raw.size();
    pos_ += t.size;

    if (auth_ >= 0) {
      t.kind = turn_kind::auth_response;
      t.auth = auth_;
      place(t);
      t.reply = take_reply();
      const reply* r = reply_of(t.reply);
      const int idx = push(std::move(t));
      auth_exchange& a = s_.auths[static_cast<std::size_t>(auth_)];
      a.responses.push_back(idx);
      if (r == nullptr || r->code != 334) {
        a.final_reply = r != nullptr ? s_.turns[static_cast<std::size_t>(idx)].reply : -1;
        auth_ = -1;
      }
      return true;
    }

    line::verb_arg va = line::split_verb(t.line());
    t.verb = std::move(va.verb);
    t.arg = va.arg;

    std::uint64_t chunk = 0;
    bool last = false;
    const bool bdat = t.verb == "BDAT" && t.terminated && parse_bdat(t.arg, chunk, last);
    std::size_t chunk_at = pos_;
    std::size_t chunk_len = 0;
    if (bdat) {
      // RFC 3030 §2: exactly `chunk` octets follow the line, with no reply in between.
      chunk_len = static_cast<std::size_t>(std::min<std::uint64_t>(chunk, in_.size() - pos_));
      t.size += chunk_len;
      pos_ += chunk_len;
      if (chunk_len < chunk) t.terminated = false;
    }
    place(t);
    t.reply = take_reply();
    const reply* r = reply_of(t.reply);
    const int idx = push(std::move(t));
    turn& cmd = s_.turns[static_cast<std::size_t>(idx)];

    if (cmd.verb == "EHLO" || cmd.verb == "HELO") {
      if (r != nullptr && r->positive()) {
        ehlo_state st;
        st.turn = idx;
        st.extended = cmd.verb == "EHLO";
        if (st.extended) {
          for (std::size_t i = 1; i < r->lines.size(); ++i)
            st.add(r->text(i));
        }
        s_.ehlos.push_back(std::move(st));
        ehlo_ = static_cast<int>(s_.ehlos.size()) - 1;
        txn_ = -1;
      }
    } else if (cmd.verb == "MAIL") {
      if (r != nullptr && r->positive()) txn_ = idx;
    } else if (cmd.verb == "RSET") {
      txn_ = -1;
    } else if (cmd.verb == "AUTH") {
      auth_exchange a;
      static_cast<line::sasl_exchange&>(a) = line::start_sasl(idx, cmd.arg);
      s_.auths.push_back(std::move(a));
      cmd.auth = static_cast<int>(s_.auths.size()) - 1;
      if (r != nullptr && r->code == 334) {
        auth_ = cmd.auth;
      } else if (r != nullptr) {
        s_.auths.back().final_reply = cmd.reply;
      }
    } else if (cmd.verb == "DATA") {
      // RFC 5321 §3.3: content follows only a 3yz reply; otherwise the next line is a command.
      if (r != nullptr && r->code / 100 == 3) read_content(idx);
    } else if (bdat) {
      add_chunk(idx, chunk_at, chunk_len, last, chunk_len == chunk);
    } else if (cmd.verb == "STARTTLS") {
      if (r != nullptr && r->positive()) {
        end_at_starttls(idx);
        return false;
      }
    }
    return true;
  }

  void read_content(int data_turn) {
    data_block b;
    b.command = data_turn;
    b.mail = txn_;
    b.segment = si_;
    const std::size_t start = pos_;
    // RFC 5321 §4.1.1.4: the content ends at a line holding only "."; §4.5.2: the receiver
    // drops the first "." of a line that starts with one.
    line::client_block c = line::read_client_block(in_, pos_);
    const std::size_t p = c.end;
    const bool done = c.terminated;
    b.raw = c.raw;
    b.message = std::move(c.text);
    b.pieces.reserve(c.pieces.size());
    for (const auto& piece : c.pieces)
      b.pieces.push_back({piece.text_offset, piece.stream_offset});
    b.terminated = done;
    const int bi = static_cast<int>(s_.blocks.size());
    if (p > start) {
      turn t;
      t.kind = turn_kind::content;
      t.segment = si_;
      t.offset = start;
      t.size = p - start;
      t.terminated = done;
      t.ehlo = ehlo_;
      t.txn = txn_;
      t.block = bi;
      place(t);
      t.reply = take_reply();
      b.content = push(std::move(t));
      b.reply = s_.turns.back().reply;
    }
    s_.blocks.push_back(std::move(b));
    s_.turns[static_cast<std::size_t>(data_turn)].block = bi;
    pos_ = p;
    if (done) txn_ = -1;
  }

  void add_chunk(int idx, std::size_t at, std::size_t len, bool last, bool whole) {
    if (bdat_block_ < 0) {
      data_block b;
      b.command = idx;
      b.mail = txn_;
      b.segment = si_;
      b.bdat = true;
      s_.blocks.push_back(std::move(b));
      bdat_block_ = static_cast<int>(s_.blocks.size()) - 1;
    }
    data_block& b = s_.blocks[static_cast<std::size_t>(bdat_block_)];
    b.pieces.push_back({b.message.size(), at});
    b.message.append(in_, at, len);
    b.raw = b.message;
    s_.turns[static_cast<std::size_t>(idx)].block = bdat_block_;
    if (last && whole) {
      b.terminated = true;
      b.reply = s_.turns[static_cast<std::size_t>(idx)].reply;
      bdat_block_ = -1;
      txn_ = -1;
    }
  }

  void end_at_starttls(int idx) {
    tls_boundary& b = s_.upgraded(si_, idx, pos_);
    for (int r = next_reply_; r < end_reply_; ++r) {
      reply& rep = s_.replies[static_cast<std::size_t>(r)];
      rep.injected = true;
      if (b.injected_event < 0) b.injected_event = rep.first_event;
      for (const auto& l : rep.lines)
        b.injected += l + "\r\n";
    }
    pos_ = in_.size();
  }

  session& s_;
  int si_;
  const std::string& in_;
  std::size_t pos_ = 0;
  int next_reply_ = 0;
  int end_reply_ = 0;
  int ehlo_ = -1;
  int txn_ = -1;
  int auth_ = -1;
  int bdat_block_ = -1;
};

}  // namespace

std::string_view reply::text(std::size_t i) const {
  if (i >= lines.size()) return {};
  const std::string_view l = lines[i];
  return l.size() > 4 ? l.substr(4) : std::string_view{};
}

std::string_view turn::line() const {
  return rules::line::without_crlf(raw, terminated);
}

int session::message_event_at(const data_block& block, std::size_t at) const {
  if (block.pieces.empty()) {
    return block.command >= 0 ? turns[static_cast<std::size_t>(block.command)].last_event : -1;
  }
  auto it = std::upper_bound(
      block.pieces.begin(), block.pieces.end(), at,
      [](std::size_t off, const data_block::piece& p) { return off < p.message_offset; });
  if (it != block.pieces.begin()) --it;
  const std::size_t delta = at >= it->message_offset ? at - it->message_offset : 0;
  return client_event_at(block.segment, it->stream_offset + delta);
}

int session::awaited_reply(int i) const {
  return line::awaited_answer(turns, i, &turn::reply, greeting_segment, greeting);
}

const ehlo_state* session::ehlo_for(int i) const {
  if (i < 0 || static_cast<std::size_t>(i) >= turns.size()) return nullptr;
  const int e = turns[static_cast<std::size_t>(i)].ehlo;
  return e >= 0 ? &ehlos[static_cast<std::size_t>(e)] : nullptr;
}

std::vector<int> session::commands() const {
  std::vector<int> out;
  for (std::size_t i = 0; i < turns.size(); ++i)
    if (turns[i].kind == turn_kind::command) out.push_back(static_cast<int>(i));
  return out;
}

session parse_session(const transcript& t) {
  session s;
  s.read_channel(t);
  for (std::size_t i = 0; i < s.segments.size(); ++i)
    parse_replies(s, static_cast<int>(i));
  for (std::size_t i = 0; i < s.segments.size(); ++i)
    turn_parser(s, static_cast<int>(i)).run();
  return s;
}

bool is_known_verb(std::string_view verb) {
  static constexpr std::array<std::string_view, 19> verbs = {
      "HELO", "EHLO", "MAIL", "RCPT",     "DATA", "RSET", "VRFY", "EXPN", "HELP", "NOOP",
      "QUIT", "AUTH", "BDAT", "STARTTLS", "ETRN", "TURN", "ATRN", "SEND", "SAML"};
  return std::find(verbs.begin(), verbs.end(), verb) != verbs.end() || verb == "SOML";
}

}  // namespace ph::harness::rules::smtp
