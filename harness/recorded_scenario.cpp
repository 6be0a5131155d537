#include "harness/recorded_scenario.hpp"

#include <optional>
#include <vector>

#include <fmt/format.h>

#include "reports/encoding.hpp"
#include "reports/redactor.hpp"
#include "vocabulary/ascii.hpp"

namespace ph::harness {

namespace {

// One [[server.step]]: the client line it waits for (none for the greeting), then the bytes
// the upstream sent before the client's next line.
struct replay_step {
  std::optional<std::string> expect;
  std::string send;
  bool close = false;
};

// `bytes` as a TOML basic string. TOML strings are UTF-8: a byte that is not part of valid
// UTF-8 cannot be written and becomes U+FFFD (`lossy` says so).
std::string toml_string(std::string_view bytes, bool& lossy) {
  std::string out = "\"";
  for (std::size_t i = 0; i < bytes.size();) {
    const auto c = static_cast<unsigned char>(bytes[i]);
    if (c >= 0x80) {
      const std::size_t n = reports::utf8_sequence_length(bytes, i);
      if (n == 0) {
        out += "\\uFFFD";
        lossy = true;
        ++i;
      } else {
        out.append(bytes.substr(i, n));
        i += n;
      }
      continue;
    }
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20 || c == 0x7f)
          out += fmt::format("\\u{:04X}", c);
        else
          out += static_cast<char>(c);
    }
    ++i;
  }
  return out + "\"";
}

// A header line whose value changes with every run of the same client.
std::optional<std::string> normalised_header(std::string_view line) {
  for (std::string_view name : {"Date:", "Message-ID:"})
    if (line.size() >= name.size() && ascii::iequals(line.substr(0, name.size()), name))
      return std::string(name) + " *";
  return std::nullopt;
}

// An ESMTP SIZE=<octets> parameter (RFC 1870): the message's size, which a new Date or
// Message-ID changes. Its digits become "*".
std::string normalised_size(std::string line) {
  static constexpr std::string_view key = " SIZE=";
  for (std::size_t i = 0; i + key.size() <= line.size(); ++i) {
    if (!ascii::iequals(std::string_view(line).substr(i, key.size()), key)) continue;
    std::size_t end = i + key.size();
    while (end < line.size() && line[end] >= '0' && line[end] <= '9')
      ++end;
    if (end > i + key.size()) line.replace(i + key.size(), end - i - key.size(), "*");
  }
  return line;
}

}  // namespace

std::string recorded_scenario(const scenario_result& result, const recording_options& opts) {
  if (result.connections.empty()) return {};
  const ph::transcript t = opts.raw ? result.connections.front()
                                    : reports::redactor(result).apply(result.connections.front());
  std::vector<replay_step> steps;
  std::string pending;  // client bytes not yet ended by LF
  std::string stopped;  // why the replay ends early, if it does
  for (const auto& e : t.events) {
    if (!stopped.empty()) break;
    if (e.channel != 0) continue;
    if (e.kind == event_kind::close && e.dir == direction::server_to_client && !steps.empty())
      steps.back().close = true;
    if (e.kind == event_kind::note && e.bytes.starts_with("transcript limit"))
      stopped = "the transcript limit cut the recording";
    if (e.kind != event_kind::data) continue;
    if (e.dir == direction::server_to_client) {
      if (steps.empty()) steps.emplace_back();
      steps.back().send += e.bytes;
      continue;
    }
    // A TLS handshake record where a command line would start: the client upgraded.
    if (pending.empty() && !e.bytes.empty() && e.bytes.front() == '\x16') {
      stopped = "the client upgraded to TLS here; the relay passes TLS on unread";
      break;
    }
    pending += e.bytes;
    for (std::size_t lf; (lf = pending.find('\n')) != std::string::npos;) {
      std::string line = pending.substr(0, lf);
      pending.erase(0, lf + 1);
      if (line.ends_with('\r')) line.pop_back();
      if (!opts.raw) {
        if (auto n = normalised_header(line))
          line = *n;
        else
          line = normalised_size(std::move(line));
      }
      steps.push_back({std::move(line), {}, false});
    }
  }
  if (t.elided && stopped.empty()) stopped = "the transcript limit cut the recording";

  bool lossy = false;
  std::string body;
  for (const auto& st : steps) {
    body += "\n[[server.step]]\n";
    if (st.expect) body += fmt::format("expect   = {}\n", toml_string(*st.expect, lossy));
    if (!st.send.empty()) body += fmt::format("send_raw = {}\n", toml_string(st.send, lossy));
    if (st.close) body += "close    = true\n";
  }
  std::string head = fmt::format("# Recorded by protoharness record from {} ({}), connection {}.\n",
                                 opts.upstream, opts.when, t.connection);
  head += opts.raw
              ? "# Raw: every client line as it was sent (credentials included).\n"
              : "# Normalisers: credentials, date, message-id, size (client lines as globs).\n";
  if (!stopped.empty()) head += fmt::format("# The replay ends early: {}.\n", stopped);
  if (lossy)
    head += "# Bytes that were not UTF-8 are written as U+FFFD (TOML strings are UTF-8).\n";
  bool unused = false;
  head += fmt::format(
      "protocol = {}\nsummary  = {}\ntags     = [\"recorded\"]\n\n[server]\nmode = \"script\"\n",
      toml_string(result.protocol, unused),
      toml_string(fmt::format("Recorded from {}", opts.upstream), unused));
  return head + body;
}

}  // namespace ph::harness
