#include "fakeservers/engine/script.hpp"

#include <algorithm>
#include <set>

#include <charconv>
#include <cstring>

#include <fmt/format.h>
#include <re2/re2.h>

namespace ph::fakeservers {

std::string excerpt(std::string_view s, std::size_t max) {
  std::string out;
  for (char c : s.substr(0, max)) {
    if (c == '\r')
      out += "\\r";
    else if (c == '\n')
      out += "\\n";
    else if (static_cast<unsigned char>(c) < 0x20)
      out += fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
    else
      out += c;
  }
  if (s.size() > max) out += "…";
  return out;
}

namespace {

// Checks a block read by a script step against expect_data; returns problems.
std::vector<std::string> check_block(const json& expect, const std::string& block) {
  std::vector<std::string> problems;
  if (expect.is_null()) return problems;
  auto list = [](const json& j) {
    std::vector<std::string> v;
    if (j.is_string())
      v.push_back(j);
    else if (j.is_array())
      for (const auto& x : j)
        v.push_back(x);
    return v;
  };
  for (const auto& want : list(expect.value("contains", json())))
    if (block.find(want) == std::string::npos)
      problems.push_back(fmt::format("block does not contain \"{}\"", excerpt(want)));
  for (const auto& bad : list(expect.value("not_contains", json())))
    if (block.find(bad) != std::string::npos)
      problems.push_back(fmt::format("block contains \"{}\"", excerpt(bad)));
  if (expect.contains("equals") && block != expect["equals"].get<std::string>())
    problems.push_back(fmt::format("block is \"{}\", expected \"{}\"", excerpt(block),
                                   excerpt(expect["equals"].get<std::string>())));
  if (expect.contains("size") && block.size() != expect["size"].get<std::size_t>())
    problems.push_back(fmt::format("block has {} bytes, expected {}", block.size(),
                                   expect["size"].get<std::size_t>()));
  return problems;
}

std::string replace_all(std::string s, std::string_view from, std::string_view to) {
  for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
    s.replace(at, from.size(), to);
  return s;
}

// A problem of one step: in the record's problems and on the step's trace.
void step_problem(session& s, harness::script_step_trace& tr, std::string text) {
  if (tr.matched) tr.mismatch = text;
  tr.matched = false;
  s.problem(std::move(text));
}

// Where the client's control-channel bytes sit in the transcript: maps a position in the
// stream of recorded client data (channel 0) to the index of the event holding it. The
// script reads that stream in order, so one forward cursor serves a whole connection.
class client_stream_cursor {
 public:
  // Position of the next byte the session will hand out.
  std::size_t read_position(session& s) {
    const auto& events = s.record().transcript.events;
    for (; scanned_ < events.size(); ++scanned_)
      if (is_client_data(events[scanned_])) recorded_ += events[scanned_].bytes.size();
    return recorded_ - std::min(recorded_, s.buffered());
  }

  // Index of the event holding stream byte `pos` (the last client event when past the end).
  int event_at(session& s, std::size_t pos) {
    const auto& events = s.record().transcript.events;
    int last = -1;
    for (; at_ < events.size(); ++at_) {
      if (!is_client_data(events[at_])) continue;
      last = static_cast<int>(at_);
      if (pos < before_ + events[at_].bytes.size()) return last;
      before_ += events[at_].bytes.size();
    }
    return last;
  }

 private:
  static bool is_client_data(const harness::event& e) {
    return e.kind == harness::event_kind::data && e.dir == harness::direction::client_to_server &&
           e.channel == 0;
  }
  std::size_t scanned_ = 0, recorded_ = 0;  // events summed so far, and their client bytes
  std::size_t at_ = 0, before_ = 0;         // cursor event, and client bytes before it
};

constexpr std::size_t trace_head = 512;  // bytes of a block or a reply kept in a trace

std::string head(std::string_view bytes) {
  return std::string(bytes.substr(0, trace_head));
}

// Runs a step's data-channel actions (after its control-channel reply).
awaitable<void> run_data(session& s, const script_step& st, int index,
                         harness::script_step_trace& tr) {
  if (st.data_delay.count()) {
    s.note(fmt::format("data_delay: {} ms", st.data_delay.count()));
    co_await s.sleep(st.data_delay);
  }
  if (st.data_never_connect) {
    s.note("data_never_connect: the server drops the pending data connection");
    s.data_discard();
  }
  if (!st.uses_data()) co_return;
  if (!co_await s.data_open()) {
    step_problem(
        s, tr,
        fmt::format("{}: step {}: no data connection could be established", st.where, index));
    co_return;
  }
  // (co_await kept out of && conditions: GCC 12 miscompiles short-circuited co_await.)
  if (st.data_tls) {
    bool ok = co_await s.data_start_tls();
    if (!ok) co_return;
  }
  if (st.data_send) {
    bool ok = co_await s.data_send(*st.data_send);
    if (!ok) co_return;
  }
  if (!st.data_expect.is_null()) {
    auto got = co_await s.data_read_all();
    if (!got) {
      step_problem(s, tr,
                   fmt::format("{}: step {}: the data connection failed before the upload ended",
                               st.where, index));
    } else {
      json plain = st.data_expect;
      plain.erase("sha256");
      for (auto& p : check_block(plain, *got))
        step_problem(s, tr, fmt::format("{}: step {}: data: {}", st.where, index, p));
      if (st.data_expect.contains("sha256") &&
          sha256_hex(*got) != st.data_expect["sha256"].get<std::string>())
        step_problem(s, tr,
                     fmt::format("{}: step {}: data sha256 is {}, expected {}", st.where, index,
                                 sha256_hex(*got), st.data_expect["sha256"].get<std::string>()));
    }
  }
  if (st.data_stall) {
    s.note("data_stall: the server holds the data connection and sends nothing");
    co_await s.data_wait_close();
  }
  if (st.data_reset)
    s.data_reset();
  else if (st.data_close)
    co_await s.data_close();
}

}  // namespace

awaitable<void> finish(session& s, fault_kind end) {
  switch (end) {
    case fault_kind::close:
      co_await s.close();
      break;
    case fault_kind::reset:
      s.reset();
      break;
    case fault_kind::stall:
      co_await s.stall();
      break;
    case fault_kind::none:
      break;
  }
}

std::string strip_eol(std::string_view line) {
  if (line.ends_with("\r\n"))
    line.remove_suffix(2);
  else if (line.ends_with("\n"))
    line.remove_suffix(1);
  return std::string(line);
}

bool line_matches(const script_step& st, const std::string& line) {
  if (st.expect) return harness::glob_match(*st.expect, line, true);
  if (st.expect_re) return re2::RE2::FullMatch(line, *st.expect_re);
  return false;
}

namespace {

// Every step of the script, not reached yet, for this connection's trace.
std::vector<harness::script_step_trace> unreached(const std::vector<script_step>& steps) {
  std::vector<harness::script_step_trace> out;
  out.reserve(steps.size());
  int index = 0;
  for (const auto& st : steps) {
    harness::script_step_trace tr;
    tr.step = ++index;
    tr.where = st.where;
    if (st.expect || st.expect_re) {
      tr.read = harness::script_read::line;
      tr.expected = st.expect_text;
      tr.regex = st.expect_re != nullptr;
    } else if (st.read || st.read_bytes) {
      tr.read = harness::script_read::block;
      tr.expected = st.read ? "read " + *st.read : fmt::format("read {} bytes", *st.read_bytes);
      if (!st.expect_data.is_null()) tr.expected += " " + st.expect_data.dump();
    }
    out.push_back(std::move(tr));
  }
  return out;
}

// The bytes a step's send and send_raw put on the control channel (CRLF line ends).
std::string sent_bytes(const std::vector<std::string>& send,
                       const std::optional<std::string>& send_raw) {
  std::string out;
  for (const auto& l : send) {
    if (out.size() >= trace_head) break;
    out += l + "\r\n";
  }
  if (send_raw && out.size() < trace_head) out += *send_raw;
  return head(out);
}

}  // namespace

awaitable<void> run_script(session& s, const dialect& d, const std::vector<script_step>& steps) {
  auto& trace = s.record().script;
  trace = unreached(steps);
  const int connection = s.record().transcript.connection;
  for (auto& tr : trace)
    tr.connection = connection;
  client_stream_cursor cursor;
  int index = 0;
  for (const auto& st : steps) {
    ++index;
    auto& tr = trace[static_cast<std::size_t>(index - 1)];
    tr.reached = true;
    if (st.expect || st.expect_re) {
      auto line = co_await s.read_line();
      if (!line) {
        step_problem(s, tr,
                     fmt::format("{}: step {}: client closed the connection; script expected '{}'",
                                 st.where, index, st.expect_text));
        co_return;
      }
      const std::size_t end = cursor.read_position(s);
      tr.event = cursor.event_at(s, end - std::min(end, line->size()));
      tr.actual = *line;
      tr.actual_bytes = line->size();
      std::string text = strip_eol(*line);
      s.count_command();
      if (!line_matches(st, text)) {
        step_problem(s, tr,
                     fmt::format("{}: step {}: script expected '{}', client sent '{}'", st.where,
                                 index, st.expect_text, excerpt(*line)));
        tr.sent = head(d.mismatch_reply() + "\r\n");
        co_await s.send_line(d.mismatch_reply());
        co_await s.wait_for_client_close();
        co_return;
      }
      if (st.data_port) {
        auto target = parse_active_target(text);
        if (!target || !s.data_target(target->first, target->second))
          step_problem(s, tr,
                       fmt::format("{}: step {}: '{}' names no loopback active-mode target",
                                   st.where, index, excerpt(text)));
      }
    }
    if (st.read || st.read_bytes) {
      const std::size_t begin = cursor.read_position(s);
      std::optional<std::string> block;
      if (st.read)
        block = co_await d.read_block(s, *st.read);
      else
        block = co_await s.read_exact(*st.read_bytes);
      if (!block) {
        step_problem(s, tr,
                     fmt::format("{}: step {}: client closed the connection inside a '{}' block",
                                 st.where, index, st.read.value_or("bytes")));
        co_return;
      }
      tr.event = cursor.event_at(s, begin);
      tr.actual = head(*block);
      tr.actual_bytes = block->size();
      for (auto& p : check_block(st.expect_data, *block))
        step_problem(s, tr, fmt::format("{}: step {}: {}", st.where, index, p));
    }
    write_faults saved = s.faults();
    if (st.faults) {
      s.faults() = *st.faults;
      if (st.faults->drip_bytes)
        s.note(fmt::format("drip: {} byte(s) per write", st.faults->drip_bytes));
      if (st.faults->delay.count())
        s.note(fmt::format("delay: {} ms before sending", st.faults->delay.count()));
    }
    std::vector<std::string> send = st.send;
    std::optional<std::string> send_raw = st.send_raw;
    if (st.data_listen) {
      std::uint16_t port = s.data_listen();
      std::string host = s.local_address();
      std::replace(host.begin(), host.end(), '.', ',');
      auto fill = [&](std::string t) {
        t = replace_all(std::move(t), "{port}", std::to_string(port));
        t = replace_all(std::move(t), "{p1}", std::to_string(port / 256));
        t = replace_all(std::move(t), "{p2}", std::to_string(port % 256));
        return replace_all(std::move(t), "{host}", host);
      };
      for (auto& l : send)
        l = fill(l);
      if (send_raw) send_raw = fill(*send_raw);
      // RFC 959 §4.1.2 (227 h1,h2,h3,h4,p1,p2), RFC 2428 §3 (229 (|||port|)).
      if (send.empty() && !send_raw)
        send.push_back(
            *st.data_listen == "pasv"
                ? fmt::format("227 Entering Passive Mode ({},{},{})", host, port / 256, port % 256)
                : fmt::format("229 Entering Extended Passive Mode (|||{}|)", port));
    }
    tr.sent = sent_bytes(send, send_raw);
    if (!send.empty()) co_await s.send_lines(send);
    if (send_raw) co_await s.send_raw(*send_raw);
    s.faults() = saved;
    if (st.starttls) co_await s.start_tls(*st.starttls);
    co_await run_data(s, st, index, tr);
    if (st.end != fault_kind::none) {
      co_await finish(s, st.end);
      co_return;
    }
  }
  // The script is over: anything more the client sends is recorded; commands are flagged.
  while (true) {
    auto line = co_await s.read_line();
    if (!line) break;
    harness::script_step_trace extra;
    extra.connection = connection;
    extra.read = harness::script_read::line;
    extra.expected = "(the script has ended)";
    extra.reached = true;
    const std::size_t end = cursor.read_position(s);
    extra.event = cursor.event_at(s, end - std::min(end, line->size()));
    extra.actual = head(*line);
    extra.actual_bytes = line->size();
    step_problem(s, extra,
                 fmt::format("client sent '{}' after the script's last step", excerpt(*line)));
    extra.sent = head(d.mismatch_reply() + "\r\n");
    trace.push_back(std::move(extra));
    co_await s.send_line(d.mismatch_reply());
  }
}

std::string generated_bytes(std::size_t n) {
  // One period, then doubling copies: a division per byte made 10 MiB cost ~40 ms, paid by
  // every FTP model scenario.
  std::string out(n, '\0');
  const std::size_t period = std::min<std::size_t>(n, 251);
  for (std::size_t i = 0; i < period; ++i)
    out[i] = static_cast<char>(i);
  for (std::size_t have = period; have < n; have *= 2)
    std::memcpy(out.data() + have, out.data(), std::min(have, n - have));
  return out;
}

std::optional<std::pair<std::string, std::uint16_t>> parse_active_target(std::string_view line) {
  auto number = [](std::string_view t, unsigned max) -> std::optional<unsigned> {
    unsigned v = 0;
    if (t.empty() || t.size() > 5) return std::nullopt;
    auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
    if (ec != std::errc() || p != t.data() + t.size() || v > max) return std::nullopt;
    return v;
  };
  auto sp = line.find(' ');
  if (sp == std::string_view::npos) return std::nullopt;
  std::string verb(line.substr(0, sp));
  for (auto& c : verb)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  std::string_view arg = line.substr(sp + 1);
  while (!arg.empty() && (arg.back() == '\r' || arg.back() == '\n' || arg.back() == ' '))
    arg.remove_suffix(1);
  if (verb == "PORT") {
    std::vector<unsigned> parts;
    std::size_t at = 0;
    while (parts.size() < 6) {
      auto comma = arg.find(',', at);
      auto piece = arg.substr(at, comma == std::string_view::npos ? arg.npos : comma - at);
      auto v = number(piece, 255);
      if (!v) return std::nullopt;
      parts.push_back(*v);
      if (comma == std::string_view::npos) break;
      at = comma + 1;
    }
    if (parts.size() != 6 || std::count(arg.begin(), arg.end(), ',') != 5) return std::nullopt;
    return std::pair{fmt::format("{}.{}.{}.{}", parts[0], parts[1], parts[2], parts[3]),
                     static_cast<std::uint16_t>(parts[4] * 256 + parts[5])};
  }
  if (verb == "EPRT") {
    // |af|addr|port| with any delimiter in 33..126 (RFC 2428 §2).
    if (arg.size() < 7) return std::nullopt;
    char delim = arg[0];
    if (delim < 33 || delim > 126 || arg.back() != delim) return std::nullopt;
    std::vector<std::string_view> f;
    std::size_t at = 1;
    for (auto next = arg.find(delim, at); next != std::string_view::npos;
         next = arg.find(delim, at)) {
      f.push_back(arg.substr(at, next - at));
      at = next + 1;
    }
    if (f.size() != 3 || (f[0] != "1" && f[0] != "2")) return std::nullopt;
    auto port = number(f[2], 65535);
    if (!port || f[1].empty()) return std::nullopt;
    return std::pair{std::string(f[1]), static_cast<std::uint16_t>(*port)};
  }
  return std::nullopt;
}

}  // namespace ph::fakeservers
