#include "harness/rules/ftp/ftp_session.hpp"

#include <algorithm>
#include <iterator>

namespace ph::harness::rules::ftp {

namespace {

constexpr std::size_t npos = std::string_view::npos;
constexpr unsigned char iac = 0xff;

using line::event_at;
using line::event_map;
using line::is_digit;

// One stretch of the control channel between TLS boundaries; `client`/`server` view the
// streams moved into session::text.
struct segment {
  bool tls = false;
  std::string_view client;
  std::string_view server;
  event_map client_events;
  event_map server_events;
};

std::string_view keep(session& s, std::string&& bytes) {
  s.text->push_back(std::move(bytes));
  return s.text->back();
}

// RFC 854: IAC IAC is a data 0xFF; IAC WILL/WONT/DO/DONT take an option byte; any other
// IAC x is a two-byte command (IP, DM, ...). Splits `raw` into text and Telnet sequences.
void decode_telnet(std::string_view raw, std::string& text, std::string& telnet) {
  text.reserve(raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i) {
    const auto c = static_cast<unsigned char>(raw[i]);
    if (c != iac) {
      text += raw[i];
      continue;
    }
    if (i + 1 >= raw.size()) {
      telnet += raw[i];
      continue;
    }
    const auto n = static_cast<unsigned char>(raw[i + 1]);
    if (n == iac) {
      text += raw[i];
      ++i;
    } else if (n >= 0xfb && n <= 0xfe) {
      telnet.append(raw.substr(i, std::min<std::size_t>(3, raw.size() - i)));
      i += 2;
    } else if (n >= 0xf0) {
      telnet.append(raw.substr(i, 2));
      ++i;
    } else {
      // A lone IAC before ordinary text (e.g. the DM of a Synch lost to urgent mode).
      telnet += raw[i];
    }
  }
}

void parse_commands(const std::vector<segment>& segs, session& s) {
  for (std::size_t si = 0; si < segs.size(); ++si) {
    const segment& seg = segs[si];
    std::size_t pos = 0;
    while (pos < seg.client.size()) {
      const line::line_view l = line::client_line(seg.client, pos);
      const bool terminated = l.terminated;
      const std::size_t end = l.next;
      command c;
      c.raw = l.text;
      c.terminated = terminated;
      c.segment = static_cast<int>(si);
      c.tls = seg.tls;
      c.first_event = event_at(seg.client_events, pos);
      c.last_event = event_at(seg.client_events, end - 1);
      const std::string_view body = c.raw.substr(0, terminated ? c.raw.size() - 2 : c.raw.size());
      if (body.find(static_cast<char>(iac)) == npos) {
        c.line = body;  // no Telnet sequence: the line is the bytes as sent
      } else {
        std::string decoded;
        decode_telnet(body, decoded, c.telnet);
        c.line = keep(s, std::move(decoded));
      }
      line::verb_arg va = line::split_verb(c.line);
      c.verb = std::move(va.verb);
      c.arg = va.arg;
      s.commands.push_back(std::move(c));
      pos = end;
    }
  }
}

// RFC 959 §4.2: a reply is "xyz SP text" or "xyz-" ... up to the line starting "xyz SP".
void parse_replies(const std::vector<segment>& segs, session& s) {
  for (const segment& seg : segs) {
    for (line::coded_reply& c : line::read_coded_replies(seg.server, seg.server_events,
                                                         line::reply_grammar::same_code_final)) {
      reply r;
      r.code = c.code;
      r.lines = std::move(c.lines);
      r.complete = c.complete;
      r.first_event = c.first_event;
      r.final_event = c.final_event;
      s.replies.push_back(std::move(r));
    }
  }
}

void match_replies(session& s) {
  std::size_t r = 0;
  // RFC 959 §5.4: the server speaks first (120 ... 220), whatever the client did meanwhile.
  while (r < s.replies.size()) {
    s.greeting.push_back(static_cast<int>(r));
    const bool final = !s.replies[r].preliminary();
    ++r;
    if (final) break;
  }
  for (std::size_t c = 0; c < s.commands.size() && r < s.replies.size(); ++c) {
    command& cmd = s.commands[c];
    while (r < s.replies.size()) {
      reply& rep = s.replies[r];
      rep.command = static_cast<int>(c);
      cmd.replies.push_back(static_cast<int>(r));
      ++r;
      if (rep.preliminary()) {
        if (cmd.prelim < 0) cmd.prelim = static_cast<int>(r - 1);
        continue;
      }
      cmd.final_reply = static_cast<int>(r - 1);
      cmd.code = rep.code;
      break;
    }
  }
}

bool tls_required_text(const reply& r) {
  if (r.code == 534) return true;
  if (r.code != 530) return false;
  const std::string t = upper(r.text());
  for (std::string_view k : {"TLS", "SSL", "ENCRYPT", "SECURE", "PROTECT"})
    if (t.find(k) != npos) return true;
  return false;
}

// State in force per command: login, TYPE, PROT, FEAT.
void track_state(session& s) {
  std::string type = "A";
  int type_cmd = -1;
  int stale = -1;
  char prot = 'C';
  bool logged_in = false;
  int feat = -1;
  for (std::size_t i = 0; i < s.commands.size(); ++i) {
    command& c = s.commands[i];
    c.type = type;
    c.type_command = type_cmd;
    c.stale_type = stale;
    c.prot = prot;
    c.logged_in = logged_in;
    c.feat = feat;
    // A pipelined command with no reply yet is assumed accepted.
    const bool ok = c.final_reply < 0 ? true : (c.code >= 200 && c.code < 300);
    if (c.is("TYPE") && ok) {
      type = upper(c.arg);
      type_cmd = static_cast<int>(i);
      stale = -1;
    } else if (c.is("PROT") && ok) {
      const std::string a = upper(c.arg);
      if (!a.empty()) prot = a[0];
    } else if ((c.is("USER") || c.is("PASS") || c.is("ACCT")) && c.code == 230) {
      logged_in = true;
    } else if (c.is("REIN") && ok) {
      logged_in = false;
      type = "A";
      type_cmd = -1;
      prot = 'C';
    } else if (c.is("AUTH") && c.code == 234) {
      // RFC 4217 §4.2 (and RFC 2228 §3): a successful AUTH resets the session, so TYPE,
      // login and data protection start again from their defaults.
      if (type_cmd >= 0 && type != "A" && type != "A N") stale = type_cmd;
      type = "A";
      type_cmd = -1;
      logged_in = false;
      prot = 'C';
    } else if (c.is("FEAT") && c.code >= 200 && c.code < 300) {
      feat_state f;
      f.command = static_cast<int>(i);
      const reply& r = s.replies[static_cast<std::size_t>(c.final_reply)];
      // RFC 2389 §3.2: feature lines start with a space; the first and last lines carry the
      // code.
      for (std::size_t k = 1; k + 1 < r.lines.size(); ++k) {
        std::string_view l = r.lines[k];
        if (l.empty() || l[0] != ' ') continue;
        l.remove_prefix(1);
        const std::size_t sp = l.find(' ');
        f.features[upper(l.substr(0, sp))] =
            sp == npos ? std::string() : std::string(l.substr(sp + 1));
      }
      s.feats.push_back(std::move(f));
      feat = static_cast<int>(s.feats.size()) - 1;
    }
  }
}

void parse_data_channels(const transcript& t, session& s) {
  const std::size_t n = t.channels.size();
  std::vector<int> index(n > 0 ? n : 1, -1);
  for (std::size_t k = 0; k < t.events.size(); ++k) {
    const event& e = t.events[k];
    const int ev = static_cast<int>(k);
    if (e.channel <= 0) continue;
    const auto ch = static_cast<std::size_t>(e.channel);
    if (ch >= index.size()) index.resize(ch + 1, -1);
    if (index[ch] < 0) {
      data_channel d;
      d.channel = e.channel;
      d.open_event = ev;
      d.client_opened = e.kind == event_kind::open ? e.dir == direction::client_to_server : true;
      s.data.push_back(std::move(d));
      index[ch] = static_cast<int>(s.data.size()) - 1;
    }
    data_channel& d = s.data[static_cast<std::size_t>(index[ch])];
    switch (e.kind) {
      case event_kind::open:
        break;
      case event_kind::tls_start:
        if (d.tls_start < 0) d.tls_start = ev;
        break;
      case event_kind::tls_ready:
        if (d.tls_ready < 0) d.tls_ready = ev;
        break;
      case event_kind::tls_failed:
        if (d.tls_failed < 0) d.tls_failed = ev;
        break;
      case event_kind::close:
      case event_kind::reset:
        if (d.end_event < 0) {
          d.end_event = ev;
          d.client_ended = e.dir == direction::client_to_server;
        }
        break;
      case event_kind::note:
        break;
      case event_kind::data:
        if (e.bytes.empty()) break;
        if (e.dir == direction::client_to_server) {
          if (d.tls_start >= 0 && d.tls_ready < 0 && d.tls_failed < 0) {
            if (d.plaintext_event < 0) d.plaintext_event = ev;
            break;
          }
          if (d.first_client_data < 0) d.first_client_data = ev;
          d.client_bytes += e.bytes;
        } else {
          d.server_bytes += e.bytes;
        }
        break;
    }
  }
  // A data channel belongs to the last data-setup command sent before it opened and to the
  // first transfer command after that setup (passive clients connect before sending RETR;
  // active-mode servers connect after it).
  for (std::size_t k = 0; k < s.data.size(); ++k) {
    data_channel& d = s.data[k];
    int setup = -1;
    for (std::size_t c = 0; c < s.commands.size(); ++c) {
      if (s.commands[c].first_event > d.open_event) break;
      if (s.commands[c].is_setup()) setup = static_cast<int>(c);
    }
    d.setup = setup;
    for (std::size_t c = static_cast<std::size_t>(setup < 0 ? 0 : setup); c < s.commands.size();
         ++c) {
      command& cmd = s.commands[c];
      if (!cmd.is_transfer() || cmd.data_channel >= 0) continue;
      if (setup < 0 && cmd.first_event > d.open_event) break;
      cmd.data_channel = static_cast<int>(k);
      d.transfer = static_cast<int>(c);
      break;
    }
  }
}

}  // namespace

std::string reply::text() const {
  std::string out;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (i > 0) out += '\n';
    std::string_view l = lines[i];
    const bool coded = l.size() >= 3 && is_digit(l[0]) && is_digit(l[1]) && is_digit(l[2]);
    if (coded) l.remove_prefix(std::min<std::size_t>(4, l.size()));
    out += l;
  }
  return out;
}

bool command::is_transfer() const {
  return verb == "RETR" || verb == "STOR" || verb == "STOU" || verb == "APPE" || verb == "LIST" ||
         verb == "NLST" || verb == "MLSD";
}

bool command::is_setup() const {
  if (verb == "EPSV") return upper(arg) != "ALL";
  return verb == "PASV" || verb == "PORT" || verb == "EPRT" || verb == "LPRT" || verb == "LPSV";
}

bool feat_state::has(std::string_view name) const {
  return features.count(upper(name)) > 0;
}

const reply* session::reply_of(int r) const {
  if (r < 0 || static_cast<std::size_t>(r) >= replies.size()) return nullptr;
  return &replies[static_cast<std::size_t>(r)];
}

bool session::transfer_running(int c, int event) const {
  const command& cmd = at(c);
  if (!cmd.is_transfer() || cmd.prelim < 0) return false;
  if (reply_of(cmd.prelim)->final_event > event) return false;
  const reply* f = final_of(c);
  return f == nullptr || f->final_event >= event;
}

int session::running_transfer(int event) const {
  for (int c = static_cast<int>(commands.size()) - 1; c >= 0; --c) {
    if (at(c).first_event > event) continue;
    if (transfer_running(c, event)) return c;
  }
  return -1;
}

session parse_session(const transcript& t) {
  session s;
  if (!t.channels.empty()) {
    const std::string& ep = t.channels.front().client_endpoint;
    const std::size_t colon = ep.rfind(':');
    std::string host = ep.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
      host = host.substr(1, host.size() - 2);
    s.client_host = std::move(host);
  }
  line::channel_split split = line::split_channel(t);
  s.tls = std::move(split.tls);
  s.implicit_tls = split.implicit_tls;
  s.end_event = split.end_event;
  s.client_ended = split.client_ended;
  std::vector<segment> segs;
  segs.reserve(split.segments.size());
  for (line::segment& from : split.segments) {
    segment seg;
    seg.tls = from.tls;
    seg.client = keep(s, std::move(from.client));
    seg.server = keep(s, std::move(from.server));
    seg.client_events = std::move(from.client_events);
    seg.server_events = std::move(from.server_events);
    segs.push_back(std::move(seg));
  }
  parse_commands(segs, s);
  parse_replies(segs, s);
  // Replies are matched in event order, across TLS boundaries.
  std::stable_sort(s.replies.begin(), s.replies.end(),
                   [](const reply& a, const reply& b) { return a.first_event < b.first_event; });
  match_replies(s);
  for (std::size_t i = 0; i < s.commands.size(); ++i) {
    const command& c = s.commands[i];
    if (c.is("AUTH") && c.code == 234) {
      for (auto& b : s.tls)
        if (b.command < 0 && b.start_event > c.first_event) {
          b.command = static_cast<int>(i);
          break;
        }
    }
  }
  for (std::size_t r = 0; r < s.replies.size(); ++r)
    if (tls_required_text(s.replies[r])) {
      s.tls_required_reply = static_cast<int>(r);
      break;
    }
  track_state(s);
  parse_data_channels(t, s);
  return s;
}

}  // namespace ph::harness::rules::ftp
