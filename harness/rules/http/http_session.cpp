#include "harness/rules/http/http_session.hpp"

#include <algorithm>

#include "harness/rules/line_session.hpp"

namespace ph::harness::rules::http {

namespace {

constexpr std::size_t npos = std::string::npos;

struct line {
  std::string_view text;  // without the terminator (CR kept when it is bare, i.e. not before LF)
  std::size_t start = 0;
  std::size_t next = 0;
  bool terminated = false;
  bool crlf = false;
};

// Lines end at LF so that a bare-LF sender stays in step; the CR before it is optional.
line read_line(std::string_view s, std::size_t pos) {
  line l;
  l.start = pos;
  const std::size_t lf = s.find('\n', pos);
  if (lf == npos) {
    l.text = s.substr(pos);
    l.next = s.size();
    return l;
  }
  l.terminated = true;
  l.next = lf + 1;
  std::size_t end = lf;
  if (end > pos && s[end - 1] == '\r') {
    --end;
    l.crlf = true;
  }
  l.text = s.substr(pos, end - pos);
  return l;
}

void note_line_defects(const line& l, std::vector<line_defect>& out) {
  if (l.terminated && !l.crlf) out.push_back({l.next - 1, "line ends with a bare LF"});
  const std::size_t cr = l.text.find('\r');
  if (cr != npos) out.push_back({l.start + cr, "bare CR inside a line"});
}

using lexical::is_wsp;

bool is_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

struct head_result {
  std::size_t pos = 0;
  bool complete = false;
};

// Field lines up to and including the empty line (RFC 9112 §5).
head_result parse_fields(std::string_view s, std::size_t pos, std::vector<field>& fields,
                         std::vector<line_defect>& defects) {
  while (pos < s.size()) {
    const line l = read_line(s, pos);
    note_line_defects(l, defects);
    if (!l.terminated) {
      field f;
      f.raw = l.text;
      f.offset = l.start;
      f.name = l.text.substr(0, std::min(l.text.find(':'), l.text.size()));
      f.has_colon = l.text.find(':') != npos;
      fields.push_back(std::move(f));
      return {s.size(), false};
    }
    pos = l.next;
    if (l.text.empty()) return {pos, true};
    if (is_wsp(l.text.front()) && !fields.empty()) {
      field& prev = fields.back();
      prev.folded = true;
      prev.raw += "\r\n";
      prev.raw += l.text;
      const std::string_view more = trim(l.text);
      if (!more.empty()) prev.value += (prev.value.empty() ? "" : " ") + std::string(more);
      continue;
    }
    field f;
    f.raw = l.text;
    f.offset = l.start;
    const std::size_t colon = l.text.find(':');
    f.has_colon = colon != npos;
    f.name = l.text.substr(0, colon == npos ? l.text.size() : colon);
    if (colon != npos) f.value = trim(l.text.substr(colon + 1));
    fields.push_back(std::move(f));
  }
  return {pos, false};
}

struct body_result {
  std::string body;
  std::vector<field> trailers;
  std::string error;
  std::size_t error_at = 0;
  bool complete = false;
  std::size_t end = 0;
};

// RFC 9112 §7.1: chunk = chunk-size [ chunk-ext ] CRLF chunk-data CRLF; last-chunk; trailers.
body_result decode_chunked(std::string_view s, std::size_t pos, std::vector<line_defect>& defects) {
  body_result r;
  while (true) {
    if (pos >= s.size()) {
      r.end = s.size();
      return r;
    }
    const line l = read_line(s, pos);
    if (!l.terminated) {
      r.end = s.size();
      return r;
    }
    note_line_defects(l, defects);
    std::size_t i = 0;
    while (i < l.text.size() && is_hex(l.text[i]))
      ++i;
    std::string_view rest = l.text.substr(i);
    while (!rest.empty() && is_wsp(rest.front()))  // BWS before chunk-ext
      rest.remove_prefix(1);
    if (i == 0 || (!rest.empty() && rest.front() != ';')) {
      r.error = "chunk size line is not 1*HEXDIG [chunk-ext]: \"" + excerpt(l.text) + "\"";
      r.error_at = l.start;
      r.end = s.size();
      return r;
    }
    std::string_view digits = l.text.substr(0, i);
    while (digits.size() > 1 && digits.front() == '0')
      digits.remove_prefix(1);
    if (digits.size() > 15) {
      r.error = "chunk size too large";
      r.error_at = l.start;
      r.end = s.size();
      return r;
    }
    const std::uint64_t size = std::stoull(std::string(digits), nullptr, 16);
    pos = l.next;
    if (size == 0) {
      const head_result h = parse_fields(s, pos, r.trailers, defects);
      r.complete = h.complete;
      r.end = h.pos;
      return r;
    }
    if (size > s.size() - pos) {
      r.body.append(s.substr(pos));
      r.end = s.size();
      return r;
    }
    r.body.append(s.substr(pos, size));
    pos += size;
    if (s.compare(pos, 2, "\r\n") == 0) {
      pos += 2;
    } else if (pos < s.size() && s[pos] == '\n') {
      defects.push_back({pos, "chunk data ends with a bare LF"});
      ++pos;
    } else if (pos >= s.size() || (pos + 1 == s.size() && s[pos] == '\r')) {
      r.end = s.size();
      return r;
    } else {
      r.error = "chunk data is not followed by CRLF";
      r.error_at = pos;
      r.end = s.size();
      return r;
    }
  }
}

using lexical::all_digits;

std::vector<std::string> split_tokens(const std::vector<const field*>& fs) {
  std::vector<std::string> out;
  for (const field* f : fs) {
    std::size_t pos = 0;
    const std::string& v = f->value;
    while (pos <= v.size()) {
      const std::size_t comma = std::min(v.find(',', pos), v.size());
      const std::string_view member = trim(std::string_view(v).substr(pos, comma - pos));
      if (!member.empty()) out.push_back(lower(member));
      pos = comma + 1;
    }
  }
  return out;
}

std::vector<const field*> all_of(const std::vector<field>& fields, std::string_view name) {
  std::vector<const field*> out;
  for (const auto& f : fields)
    if (iequals(f.name, name)) out.push_back(&f);
  return out;
}

// Chooses the framing from the head (RFC 9112 §6.3 rules 3 to 6).
framing frame_of(const std::vector<field>& fields, std::optional<std::uint64_t>& length) {
  const auto te = split_tokens(all_of(fields, "transfer-encoding"));
  if (!all_of(fields, "transfer-encoding").empty())
    return !te.empty() && te.back() == "chunked" ? framing::chunked : framing::other_coding;
  const auto cl = all_of(fields, "content-length");
  if (cl.empty()) return framing::none;
  std::optional<std::string> value;
  for (const field* f : cl) {
    std::size_t pos = 0;
    const std::string& v = f->value;
    while (pos <= v.size()) {
      const std::size_t comma = std::min(v.find(',', pos), v.size());
      const std::string member(trim(std::string_view(v).substr(pos, comma - pos)));
      if (!all_digits(member) || (value && *value != member)) return framing::bad_length;
      value = member;
      pos = comma + 1;
    }
  }
  std::string_view digits = *value;
  while (digits.size() > 1 && digits.front() == '0')
    digits.remove_prefix(1);
  if (digits.size() > 18) return framing::bad_length;
  length = std::stoull(std::string(digits));
  return framing::content_length;
}

void split_request_line(request& r) {
  const std::string_view l = r.line;
  const std::vector<std::string_view> parts = lexical::split(l, ' ');
  r.line_parts = parts.size();
  r.method = parts.front();
  if (parts.size() >= 3) {
    r.version = parts.back();
    // A target holding spaces is still the target (HTTP-TARGET-CHARS judges it).
    const std::size_t from = r.method.size() + 1;
    const std::size_t to = l.size() - r.version.size() - 1;
    r.target = from <= to ? l.substr(from, to - from) : std::string_view{};
  } else if (parts.size() == 2) {
    r.target = parts[1];
  }
}

using rules::line::event_at;

void parse_requests(session& s) {
  const std::string_view c = s.client;
  std::size_t pos = 0;
  while (pos < c.size()) {
    request r;
    r.extra_at = pos;
    while (pos < c.size()) {
      const line l = read_line(c, pos);
      if (!l.terminated || !l.text.empty()) break;
      pos = l.next;
    }
    r.extra_crlf = pos - r.extra_at;
    if (pos >= c.size()) {
      // Only empty lines after the last message: kept as a request without a line so the
      // rule on extra CRLFs can see them.
      if (r.extra_crlf > 0) {
        r.start = pos;
        r.end = pos;
        r.first_event = s.client_event_at(r.extra_at);
        r.last_event = r.first_event;
        s.requests.push_back(std::move(r));
      }
      break;
    }
    r.start = pos;
    const line rl = read_line(c, pos);
    note_line_defects(rl, r.defects);
    r.line = rl.text;
    split_request_line(r);
    r.first_event = s.client_event_at(pos);
    if (!rl.terminated) {
      r.end = c.size();
      r.last_event = s.client_event_at(c.size() - 1);
      s.requests.push_back(std::move(r));
      break;
    }
    const head_result h = parse_fields(c, rl.next, r.fields, r.defects);
    r.head_complete = h.complete;
    r.head_event = s.client_event_at(h.pos == 0 ? 0 : h.pos - 1);
    pos = h.pos;
    r.body_start = pos;
    if (h.complete) {
      r.frame = frame_of(r.fields, r.content_length);
      switch (r.frame) {
        case framing::none:
          r.complete = true;
          break;
        case framing::content_length: {
          const std::uint64_t want = *r.content_length;
          const std::size_t have =
              static_cast<std::size_t>(std::min<std::uint64_t>(want, c.size() - pos));
          r.body = c.substr(pos, have);
          r.body_received = have;
          r.complete = have == want;
          pos += have;
          break;
        }
        case framing::chunked: {
          body_result b = decode_chunked(c, pos, r.defects);
          r.body = std::move(b.body);
          r.body_received = r.body.size();
          r.trailers = std::move(b.trailers);
          r.chunk_error = std::move(b.error);
          r.chunk_error_at = b.error_at;
          r.complete = b.complete;
          pos = b.end;
          break;
        }
        case framing::other_coding:
        case framing::bad_length:
          // Unframeable: a server answers 400 and closes (RFC 9112 §6.3), so the rest of
          // the stream belongs to this message.
          r.body = c.substr(pos);
          r.body_received = r.body.size();
          pos = c.size();
          break;
      }
    }
    r.end = pos;
    r.last_event = s.client_event_at(pos == 0 ? 0 : pos - 1);
    s.requests.push_back(std::move(r));
    if (!h.complete) break;
  }
}

void parse_responses(session& s) {
  const std::string_view c = s.server;
  std::size_t pos = 0;
  std::size_t next_request = 0;
  auto real_request = [&](std::size_t i) {
    while (i < s.requests.size() && s.requests[i].line.empty() && s.requests[i].extra_crlf > 0)
      ++i;
    return i;
  };
  while (pos < c.size()) {
    // Stray empty lines between responses are skipped, as recipients do (RFC 9112 §2.2).
    while (pos < c.size()) {
      const line l = read_line(c, pos);
      if (!l.terminated || !l.text.empty()) break;
      pos = l.next;
    }
    if (pos >= c.size()) break;
    response r;
    r.start = pos;
    r.first_event = s.server_event_at(pos);
    const line sl = read_line(c, pos);
    r.status_line = sl.text;
    const std::size_t sp = sl.text.find(' ');
    r.version = sl.text.substr(0, std::min(sp, sl.text.size()));
    if (sp != npos && sl.text.size() >= sp + 4 && all_digits(sl.text.substr(sp + 1, 3)) &&
        r.version.rfind("HTTP/", 0) == 0)
      r.code = std::stoi(std::string(sl.text.substr(sp + 1, 3)));
    std::vector<line_defect> ignored;
    head_result h{sl.next, false};
    if (sl.terminated) h = parse_fields(c, sl.next, r.fields, ignored);
    pos = h.pos;
    next_request = real_request(next_request);
    const request* req = next_request < s.requests.size() ? &s.requests[next_request] : nullptr;
    const int index = static_cast<int>(s.responses.size());
    if (r.code >= 100 && r.code < 200 && r.code != 101) {
      r.complete = h.complete;
      r.end = pos;
      r.last_event = s.server_event_at(pos == 0 ? 0 : pos - 1);
      if (req != nullptr) {
        s.requests[next_request].interim.push_back(index);
        r.request = static_cast<int>(next_request);
      }
      s.responses.push_back(std::move(r));
      if (!h.complete) break;
      continue;
    }
    bool stop = !h.complete || r.code == 0 || r.code == 101;
    if (h.complete && !stop) {
      const bool head = req != nullptr && req->method == "HEAD";
      const bool tunnel = req != nullptr && req->method == "CONNECT" && r.code / 100 == 2;
      std::optional<std::uint64_t> length;
      const framing f = frame_of(r.fields, length);
      if (tunnel) {
        stop = true;
        r.complete = true;
      } else if (head || r.code == 204 || r.code == 304) {
        r.complete = true;
      } else if (f == framing::chunked) {
        std::vector<line_defect> d;
        body_result b = decode_chunked(c, pos, d);
        r.body = std::move(b.body);
        r.complete = b.complete;
        pos = b.end;
        stop = !b.error.empty();
      } else if (f == framing::content_length) {
        const std::size_t have =
            static_cast<std::size_t>(std::min<std::uint64_t>(*length, c.size() - pos));
        r.body = c.substr(pos, have);
        r.complete = have == *length;
        pos += have;
      } else {
        // Close-delimited (RFC 9112 §6.3 rule 8), also for framing the client must reject.
        r.body = c.substr(pos);
        r.complete = true;
        pos = c.size();
      }
    }
    r.end = pos;
    r.last_event = s.server_event_at(pos == 0 ? 0 : pos - 1);
    if (req != nullptr) {
      s.requests[next_request].response = index;
      r.request = static_cast<int>(next_request);
      ++next_request;
    }
    s.responses.push_back(std::move(r));
    if (stop) break;
  }
}

void parse_endpoint(session& s, std::string_view ep) {
  const std::size_t colon = ep.rfind(':');
  if (colon == npos) return;
  std::string_view host = ep.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  s.server_host = host;
  const std::string_view port = ep.substr(colon + 1);
  if (all_digits(port) && port.size() <= 5) {
    const unsigned long p = std::stoul(std::string(port));
    if (p <= 65535) s.server_port = static_cast<std::uint16_t>(p);
  }
}

}  // namespace

std::vector<const field*> request::all(std::string_view name) const {
  return all_of(fields, name);
}

const field* request::get(std::string_view name) const {
  for (const auto& f : fields)
    if (iequals(f.name, name)) return &f;
  return nullptr;
}

std::vector<std::string> request::tokens(std::string_view name) const {
  return split_tokens(all(name));
}

bool request::has_token(std::string_view name, std::string_view token) const {
  const auto t = tokens(name);
  return std::find(t.begin(), t.end(), lower(token)) != t.end();
}

bool request::has_content() const {
  if (frame == framing::chunked || frame == framing::other_coding) return true;
  if (frame == framing::content_length) return content_length.value_or(0) > 0;
  return frame == framing::bad_length;
}

const field* response::get(std::string_view name) const {
  for (const auto& f : fields)
    if (iequals(f.name, name)) return &f;
  return nullptr;
}

std::vector<const field*> response::all(std::string_view name) const {
  return all_of(fields, name);
}

bool response::has_token(std::string_view name, std::string_view token) const {
  const auto t = split_tokens(all(name));
  return std::find(t.begin(), t.end(), lower(token)) != t.end();
}

bool response::closes() const {
  if (has_token("connection", "close")) return true;
  return version == "HTTP/1.0" && !has_token("connection", "keep-alive");
}

int session::client_event_at(std::size_t offset) const {
  return event_at(client_events, offset);
}

int session::server_event_at(std::size_t offset) const {
  return event_at(server_events, offset);
}

const response* session::response_to(const request& r) const {
  if (r.response < 0 || static_cast<std::size_t>(r.response) >= responses.size()) return nullptr;
  return &responses[static_cast<std::size_t>(r.response)];
}

session parse_session(const transcript& t) {
  session s;
  if (!t.channels.empty()) parse_endpoint(s, t.channels.front().server_endpoint);
  const rules::line::channel_split split = rules::line::split_channel(t);
  s.end_event = split.end_event;
  s.client_closed_first = split.client_ended;
  for (const rules::line::segment& seg : split.segments) {
    // Bytes in place of a handshake (or after a failed one) are not HTTP on this
    // connection's scheme.
    if (seg.boundary >= 0 && !seg.tls) break;
    if (seg.tls) s.tls = true;
    for (const auto& [at, event] : seg.client_events)
      s.client_events.emplace_back(s.client.size() + at, event);
    s.client += seg.client;
    for (const auto& [at, event] : seg.server_events)
      s.server_events.emplace_back(s.server.size() + at, event);
    s.server += seg.server;
  }
  parse_requests(s);
  parse_responses(s);
  return s;
}

bool is_token(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7F) return false;
    if (std::string_view("\"(),/:;<=>?@[\\]{}").find(c) != npos) return false;
  }
  return true;
}

}  // namespace ph::harness::rules::http
