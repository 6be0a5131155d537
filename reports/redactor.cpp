#include "reports/redactor.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <utility>

namespace ph::reports {
namespace {

using ph::direction;
using ph::event_kind;

constexpr std::string_view mask = "***";

struct range {
  std::size_t begin = 0;
  std::size_t end = 0;
};

using forms = ph::redaction_forms;

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// Offset in `line` just after `count` space-separated tokens and the spaces after them.
std::size_t after_tokens(std::string_view line, int count) {
  std::size_t i = 0;
  for (int k = 0; k < count; ++k) {
    while (i < line.size() && line[i] == ' ')
      ++i;
    while (i < line.size() && line[i] != ' ')
      ++i;
  }
  while (i < line.size() && line[i] == ' ')
    ++i;
  return i;
}

std::string_view token(std::string_view line, int index) {
  const std::size_t b = after_tokens(line, index);
  std::size_t e = b;
  while (e < line.size() && line[e] != ' ')
    ++e;
  return line.substr(b, e - b);
}

// The credential inside one line's content (terminator excluded), relative to the line.
std::optional<range> credential_in(std::string_view line, const forms& f) {
  auto rest_from = [&](std::size_t b) -> std::optional<range> {
    if (b >= line.size()) return std::nullopt;
    return range{b, line.size()};
  };
  const std::string_view verb = token(line, 0);
  if (f.auth && iequals(verb, "AUTH")) return rest_from(after_tokens(line, 2));
  if (f.pass && iequals(verb, "PASS")) return rest_from(after_tokens(line, 1));
  if (f.apop && iequals(verb, "APOP")) return rest_from(after_tokens(line, 2));
  if (f.authinfo && iequals(verb, "AUTHINFO")) {
    const std::string_view sub = token(line, 1);
    if (iequals(sub, "PASS")) return rest_from(after_tokens(line, 2));
    if (iequals(sub, "SASL")) return rest_from(after_tokens(line, 3));
  }
  if (f.http) {
    const std::size_t colon = line.find(':');
    if (colon != std::string_view::npos) {
      const std::string_view name = line.substr(0, colon);
      if (iequals(name, "Authorization") || iequals(name, "Proxy-Authorization")) {
        std::string_view value = line.substr(colon + 1);
        const std::size_t offset = colon + 1;
        const std::size_t scheme_end = after_tokens(value, 1);
        // A lone token after the colon is the credential itself, not a scheme.
        if (scheme_end >= value.size()) return rest_from(offset + after_tokens(value, 0));
        return rest_from(offset + scheme_end);
      }
    }
  }
  return std::nullopt;
}

bool is_continuation(std::string_view server_line, const forms& f) {
  return std::any_of(f.continuations.begin(), f.continuations.end(), [&](std::string_view code) {
    return server_line == code ||
           (server_line.size() > code.size() && server_line.substr(0, code.size()) == code &&
            server_line[code.size()] == ' ');
  });
}

// Line content without its CRLF or LF terminator.
std::string_view content_of(std::string_view line) {
  if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

// Secrets are masked wherever they occur, except very short ones: a test password such as
// "test" would otherwise blank out every "client.test". Credential lines (AUTH, PASS, SASL
// responses) are masked by protocol whatever their length.
constexpr std::size_t min_masked_secret = 6;

void add_secret_ranges(std::string_view bytes, const std::vector<std::string>& secrets,
                       std::vector<range>& out) {
  for (const auto& secret : secrets)
    if (secret.size() >= min_masked_secret)
      for (std::size_t at = bytes.find(secret); at != std::string_view::npos;
           at = bytes.find(secret, at + 1))
        out.push_back({at, at + secret.size()});
}

std::vector<range> merged(std::vector<range> ranges) {
  std::sort(ranges.begin(), ranges.end(),
            [](const range& a, const range& b) { return a.begin < b.begin; });
  std::vector<range> out;
  for (const auto& r : ranges) {
    if (r.begin >= r.end) continue;
    if (!out.empty() && r.begin <= out.back().end)
      out.back().end = std::max(out.back().end, r.end);
    else
      out.push_back(r);
  }
  return out;
}

// bytes[0, size) of a stream that starts at `offset`, with every part covered by `ranges`
// (sorted, disjoint) replaced by one "***". `next` walks forward across calls.
std::string masked_piece(std::string_view bytes, std::size_t offset,
                         const std::vector<range>& ranges, std::size_t& next) {
  const std::size_t end = offset + bytes.size();
  while (next < ranges.size() && ranges[next].end <= offset)
    ++next;
  std::string out;
  std::size_t pos = offset;
  for (std::size_t k = next; k < ranges.size() && ranges[k].begin < end; ++k) {
    const std::size_t b = std::max(ranges[k].begin, pos);
    out.append(bytes.substr(pos - offset, b - pos));
    out += mask;
    pos = std::min(ranges[k].end, end);
  }
  out.append(bytes.substr(pos - offset));
  return out;
}

}  // namespace

redactor::redactor(std::vector<std::string> secrets, ph::redaction_forms forms)
    : secrets_(std::move(secrets)), forms_(std::move(forms)) {
  std::erase_if(secrets_, [](const std::string& s) { return s.empty(); });
}

redactor::redactor(const ph::scenario_result& result)
    : redactor(result.secrets, result.redaction) {}

std::string redactor::apply(std::string_view text) const {
  const forms& f = forms_;
  std::vector<range> ranges;
  add_secret_ranges(text, secrets_, ranges);
  for (std::size_t start = 0; start < text.size();) {
    std::size_t stop = text.find('\n', start);
    stop = stop == std::string_view::npos ? text.size() : stop + 1;
    const std::string_view line = content_of(text.substr(start, stop - start));
    if (auto r = credential_in(line, f)) ranges.push_back({start + r->begin, start + r->end});
    // Messages quote the client's lines ("got \"PASS x\""): a quoted command counts too,
    // up to its closing quote.
    for (std::size_t q = line.find_first_of("\"'`"); q != std::string_view::npos;
         q = line.find_first_of("\"'`", q + 1)) {
      std::string_view quoted = line.substr(q + 1);
      quoted = quoted.substr(0, quoted.find(line[q]));
      if (auto r = credential_in(quoted, f))
        ranges.push_back({start + q + 1 + r->begin, start + q + 1 + r->end});
    }
    start = stop;
  }
  std::size_t next = 0;
  return masked_piece(text, 0, merged(std::move(ranges)), next);
}

nlohmann::json redactor::apply_json(const nlohmann::json& j) const {
  if (j.is_string()) return apply(j.get_ref<const std::string&>());
  if (!j.is_object() && !j.is_array()) return j;
  nlohmann::json out = j;
  for (auto& [key, value] : out.items())
    value = apply_json(value);
  return out;
}

ph::transcript redactor::apply(const ph::transcript& t) const {
  const forms& f = forms_;

  // One byte stream per (channel, side), remembering where each data event starts in it.
  struct stream {
    std::string bytes;
    std::vector<range> ranges;
    std::size_t next = 0;
  };
  struct client_line {
    std::size_t begin = 0;
    bool continuation = false;
  };
  struct channel_state {
    std::string server_partial;
    std::string server_last;
    bool client_at_line_start = true;
    std::vector<client_line> client_lines;
  };
  std::map<std::pair<int, direction>, stream> streams;
  std::map<int, channel_state> channels;
  std::vector<std::size_t> offsets(t.events.size(), 0);

  for (std::size_t i = 0; i < t.events.size(); ++i) {
    const auto& e = t.events[i];
    if (e.kind != event_kind::data) continue;
    stream& s = streams[{e.channel, e.dir}];
    offsets[i] = s.bytes.size();
    channel_state& ch = channels[e.channel];
    if (e.dir == direction::server_to_client) {
      for (char c : e.bytes) {
        ch.server_partial += c;
        if (c == '\n') {
          ch.server_last = std::string(content_of(ch.server_partial));
          ch.server_partial.clear();
        }
      }
    } else {
      // The server cannot answer in the middle of one read, so its last line holds for
      // every client line that begins in this event.
      const bool continuation = is_continuation(ch.server_last, f);
      for (std::size_t k = 0; k < e.bytes.size(); ++k) {
        if (ch.client_at_line_start) ch.client_lines.push_back({s.bytes.size() + k, continuation});
        ch.client_at_line_start = e.bytes[k] == '\n';
      }
    }
    s.bytes += e.bytes;
  }

  for (auto& [key, s] : streams) {
    add_secret_ranges(s.bytes, secrets_, s.ranges);
    if (key.second != direction::client_to_server) continue;
    const auto& lines = channels[key.first].client_lines;
    for (std::size_t k = 0; k < lines.size(); ++k) {
      const std::size_t begin = lines[k].begin;
      const std::size_t end = k + 1 < lines.size() ? lines[k + 1].begin : s.bytes.size();
      const std::string_view line =
          content_of(std::string_view(s.bytes).substr(begin, end - begin));
      if (lines[k].continuation) {
        s.ranges.push_back({begin, begin + line.size()});
      } else if (auto r = credential_in(line, f)) {
        s.ranges.push_back({begin + r->begin, begin + r->end});
      }
    }
    s.ranges = merged(std::move(s.ranges));
  }
  for (auto& [key, s] : streams)
    if (key.second != direction::client_to_server) s.ranges = merged(std::move(s.ranges));

  ph::transcript out = t;
  for (std::size_t i = 0; i < out.events.size(); ++i) {
    auto& e = out.events[i];
    if (e.kind != event_kind::data) {
      e.bytes = apply(e.bytes);
      continue;
    }
    stream& s = streams[{e.channel, e.dir}];
    if (!s.ranges.empty()) e.bytes = masked_piece(t.events[i].bytes, offsets[i], s.ranges, s.next);
  }
  return out;
}

}  // namespace ph::reports
