#include "harness/rules/line_session.hpp"

#include <algorithm>
#include <iterator>

#include "harness/rules/rule.hpp"  // max_verb

namespace ph::harness::rules::line {

namespace {

constexpr std::size_t npos = std::string_view::npos;

}  // namespace

int event_at(const event_map& map, std::size_t offset) {
  if (map.empty()) return -1;
  auto it = std::upper_bound(map.begin(), map.end(), offset,
                             [](std::size_t off, const auto& entry) { return off < entry.first; });
  if (it == map.begin()) return map.front().second;
  return std::prev(it)->second;
}

int code_of(std::string_view line) {
  if (line.size() < 3 || !is_digit(line[0]) || !is_digit(line[1]) || !is_digit(line[2])) return 0;
  return (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
}

channel_split split_channel(const transcript& t) {
  channel_split s;
  s.segments.emplace_back();
  bool handshaking = false;
  bool seen_data = false;
  for (std::size_t n = 0; n < t.events.size(); ++n) {
    const event& e = t.events[n];
    const int i = static_cast<int>(n);
    if (e.channel != 0) continue;
    switch (e.kind) {
      case event_kind::data: {
        if (e.bytes.empty()) break;
        seen_data = true;
        const bool from_client = e.dir == direction::client_to_server;
        if (from_client && s.first_client_event < 0) s.first_client_event = i;
        if (handshaking) {
          // Only a TLS ClientHello may follow the go-ahead; the server records plaintext it
          // received instead.
          if (from_client) {
            tls_boundary& b = s.tls.back();
            if (b.plaintext_event < 0) b.plaintext_event = i;
            b.plaintext += e.bytes;
          }
          break;
        }
        segment& seg = s.segments.back();
        std::string& into = from_client ? seg.client : seg.server;
        (from_client ? seg.client_events : seg.server_events).emplace_back(into.size(), i);
        into += e.bytes;
        break;
      }
      case event_kind::tls_start:
        if (handshaking) break;
        if (!seen_data) s.implicit_tls = true;
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
  // With implicit TLS (RFC 8314 §3.3) nothing crosses the wire before the first handshake.
  for (std::size_t i = 0; i < s.segments.size(); ++i) {
    if (!s.segments[i].client.empty() || !s.segments[i].server.empty()) {
      s.greeting_segment = static_cast<int>(i);
      break;
    }
  }
  return s;
}

line_view server_line(std::string_view in, std::size_t pos) {
  const std::size_t lf = in.find('\n', pos);
  const std::size_t end = lf == npos ? in.size() : lf;
  std::string_view text = in.substr(pos, end - pos);
  if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
  return {text, lf == npos ? in.size() : lf + 1, lf != npos};
}

line_view client_line(std::string_view in, std::size_t pos) {
  const std::size_t crlf = in.find("\r\n", pos);
  if (crlf == npos) return {in.substr(pos), in.size(), false};
  return {in.substr(pos, crlf + 2 - pos), crlf + 2, true};
}

std::string_view without_crlf(std::string_view raw, bool terminated) {
  if (terminated && raw.size() >= 2 && raw.substr(raw.size() - 2) == "\r\n") raw.remove_suffix(2);
  return raw;
}

verb_arg split_verb(std::string_view line) {
  verb_arg out;
  const std::size_t sp = line.find(' ');
  out.verb = upper(line.substr(0, std::min(sp, max_verb)));
  if (sp != npos) {
    out.arg = line.substr(sp + 1);
    out.has_arg = true;
  }
  return out;
}

void capability_list::add(std::string_view line) {
  const std::size_t sp = line.find(' ');
  std::string name = upper(line.substr(0, sp));
  if (name.empty()) return;
  entries[name] = sp == npos ? std::string{} : std::string(line.substr(sp + 1));
}

bool capability_list::has(std::string_view name) const {
  return entries.find(std::string(name)) != entries.end();
}

std::string capability_list::params(std::string_view name) const {
  auto it = entries.find(std::string(name));
  return it == entries.end() ? std::string{} : it->second;
}

sasl_exchange start_sasl(int command, std::string_view arg) {
  sasl_exchange a;
  a.command = command;
  const std::size_t sp = arg.find(' ');
  a.mechanism = upper(arg.substr(0, sp));
  if (sp != npos) {
    a.has_initial_response = true;
    a.initial_response = arg.substr(sp + 1);
  }
  return a;
}

std::vector<coded_reply> read_coded_replies(std::string_view server, const event_map& events,
                                            reply_grammar g) {
  const bool same_code = g == reply_grammar::same_code_final;
  std::vector<coded_reply> out;
  coded_reply cur;
  bool open = false;
  std::size_t pos = 0;
  while (pos < server.size()) {
    const line_view l = server_line(server, pos);
    const std::string_view line = l.text;
    const int first_event = event_at(events, pos);
    const int last_event = event_at(events, l.next - 1);
    pos = l.next;
    const int code = code_of(line);
    if (same_code) {
      // RFC 959 §4.2: "xyz SP text", "xyz-text" or just "xyz".
      const bool coded = line.size() >= 3 && is_digit(line[0]) && is_digit(line[1]) &&
                         is_digit(line[2]) &&
                         (line.size() == 3 || line[3] == ' ' || line[3] == '-');
      if (open) {
        cur.lines.push_back(line);
        cur.final_event = last_event;
        if (coded && code == cur.code && (line.size() == 3 || line[3] == ' ')) {
          cur.complete = l.terminated;
          out.push_back(std::move(cur));
          cur = coded_reply{};
          open = false;
        }
        continue;
      }
      if (!coded) continue;  // junk between replies belongs to no reply
      cur = coded_reply{};
      cur.code = code;
      cur.lines.push_back(line);
      cur.first_event = first_event;
      cur.final_event = last_event;
      if (line.size() > 3 && line[3] == '-') {
        open = true;
        continue;
      }
      cur.complete = l.terminated;
      out.push_back(std::move(cur));
      cur = coded_reply{};
      continue;
    }
    if (!open) {
      cur = coded_reply{};
      cur.first_event = first_event;
      open = true;
    }
    cur.lines.push_back(line);
    const bool continuation = line.size() >= 4 && code != 0 && line[3] == '-';
    if (!l.terminated || !continuation) {
      // RFC 5321 §4.2.1: the final line is "xyz SP text" or just "xyz".
      cur.code = code != 0 ? code : code_of(cur.lines.front());
      cur.complete = l.terminated;
      cur.final_event = last_event;
      out.push_back(std::move(cur));
      cur = coded_reply{};
      open = false;
    }
  }
  if (open) {
    // Cut short inside a multi-line reply: incomplete.
    if (!same_code) {
      cur.code = code_of(cur.lines.front());
      cur.final_event = event_at(events, server.size() - 1);
    }
    out.push_back(std::move(cur));
  }
  return out;
}

server_block read_server_block(std::string_view in, std::size_t& pos, bool unstuff) {
  server_block b;
  while (pos < in.size()) {
    const line_view l = server_line(in, pos);
    pos = l.next;
    if (l.terminated && l.text == ".") {
      b.complete = true;
      break;
    }
    std::string_view text = l.text;
    if (unstuff && !text.empty() && text.front() == '.') text.remove_prefix(1);
    b.lines.push_back(text);
  }
  return b;
}

client_block read_client_block(std::string_view in, std::size_t pos) {
  client_block b;
  const std::size_t start = pos;
  std::size_t p = pos;
  bool done = false;
  while (p < in.size()) {
    const std::size_t e = in.find("\r\n", p);
    const std::size_t end = e == npos ? in.size() : e;
    const std::string_view line = in.substr(p, end - p);
    // The content ends at a line holding only ".".
    if (e != npos && line == ".") {
      done = true;
      p = e + 2;
      break;
    }
    // A line that starts with "." carries one more: the receiver drops it.
    const bool stuffed = !line.empty() && line.front() == '.';
    b.pieces.push_back({b.text.size(), p + (stuffed ? 1 : 0)});
    b.text.append(line.substr(stuffed ? 1 : 0));
    if (e == npos) {
      p = in.size();
      break;
    }
    b.text += "\r\n";
    p = e + 2;
  }
  b.raw = in.substr(start, (done ? p - 3 : p) - start);
  b.terminated = done;
  b.end = p;
  return b;
}

}  // namespace ph::harness::rules::line
