#include "fakeservers/engine/script.hpp"

#include <algorithm>
#include <functional>
#include <set>

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

namespace {

// A problem of one step: in the record's problems and on the step's trace.
void step_problem(session& s, ph::script_step_trace& tr, std::string text) {
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
  static bool is_client_data(const ph::event& e) {
    return e.kind == ph::event_kind::data && e.dir == ph::direction::client_to_server &&
           e.channel == 0;
  }
  std::size_t scanned_ = 0, recorded_ = 0;  // events summed so far, and their client bytes
  std::size_t at_ = 0, before_ = 0;         // cursor event, and client bytes before it
};

constexpr std::size_t trace_head = 512;  // bytes of a block or a reply kept in a trace

std::string head(std::string_view bytes) {
  return std::string(bytes.substr(0, trace_head));
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
  if (st.expect) return ph::glob_match(*st.expect, line, true);
  if (st.expect_re) return re2::RE2::FullMatch(line, *st.expect_re);
  return false;
}

namespace {

// Every step of the script, not reached yet, for this connection's trace.
std::vector<ph::script_step_trace> unreached(const std::vector<script_step>& steps) {
  std::vector<ph::script_step_trace> out;
  out.reserve(steps.size());
  int index = 0;
  for (const auto& st : steps) {
    ph::script_step_trace tr;
    tr.step = ++index;
    tr.where = st.where;
    if (st.expect || st.expect_re) {
      tr.read = ph::script_read::line;
      tr.expected = st.expect_text;
      tr.regex = st.expect_re != nullptr;
    } else if (st.read || st.read_bytes) {
      tr.read = ph::script_read::block;
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
      if (st.extra) {
        const std::string problem = d.script_keys()->on_line(s, *st.extra, text);
        if (!problem.empty())
          step_problem(s, tr, fmt::format("{}: step {}: {}", st.where, index, problem));
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
    if (st.extra) d.script_keys()->before_send(s, *st.extra, send, send_raw);
    tr.sent = sent_bytes(send, send_raw);
    if (!send.empty()) co_await s.send_lines(send);
    if (send_raw) co_await s.send_raw(*send_raw);
    s.faults() = saved;
    if (st.starttls) co_await s.start_tls(*st.starttls);
    if (st.extra) {
      const std::function<void(std::string)> problem = [&](std::string text) {
        step_problem(s, tr, fmt::format("{}: step {}: {}", st.where, index, text));
      };
      co_await d.script_keys()->after_send(s, *st.extra, problem);
    }
    if (st.end != fault_kind::none) {
      co_await finish(s, st.end);
      co_return;
    }
  }
  // The script is over: anything more the client sends is recorded; commands are flagged.
  while (true) {
    auto line = co_await s.read_line();
    if (!line) break;
    ph::script_step_trace extra;
    extra.connection = connection;
    extra.read = ph::script_read::line;
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
  // every model scenario that serves a generated file.
  std::string out(n, '\0');
  const std::size_t period = std::min<std::size_t>(n, 251);
  for (std::size_t i = 0; i < period; ++i)
    out[i] = static_cast<char>(i);
  for (std::size_t have = period; have < n; have *= 2)
    std::memcpy(out.data() + have, out.data(), std::min(have, n - have));
  return out;
}

}  // namespace ph::fakeservers
