#include "reports/transcript_text.hpp"

#include <map>

#include <fmt/format.h>

#include "reports/encoding.hpp"
#include "reports/redactor.hpp"

namespace ph::reports {
namespace {

using ph::direction;
using ph::event;
using ph::event_kind;

std::string_view side(direction dir) {
  return dir == direction::client_to_server ? "C" : "S";
}
std::string_view who(direction dir) {
  return dir == direction::client_to_server ? "client" : "server";
}

std::string marker(const event& e) {
  const std::string text = visible(e.bytes);
  auto with_text = [&](std::string_view what) {
    return text.empty() ? fmt::format("-- {} --", what) : fmt::format("-- {}: {} --", what, text);
  };
  switch (e.kind) {
    case event_kind::open:
      return with_text("channel opened");
    case event_kind::tls_start:
      return with_text("TLS handshake started");
    case event_kind::tls_ready:
      return with_text("TLS established");
    case event_kind::tls_failed:
      return with_text("TLS handshake failed");
    case event_kind::close:
      return with_text(fmt::format("{} closed", who(e.dir)));
    case event_kind::reset:
      return with_text(fmt::format("{} reset the connection", who(e.dir)));
    case event_kind::note:
      return with_text("note");
    case event_kind::data:
      break;
  }
  return with_text("?");
}

std::size_t count_rows(std::string_view bytes) {
  std::size_t rows = 0;
  for (std::size_t i = 0; i < bytes.size(); ++i)
    if (bytes[i] == '\n' || i + 1 == bytes.size()) ++rows;
  return rows;
}

void render_data(std::string& out, const std::string& stamp, const event& e, bool continues,
                 const render_options& options) {
  const std::string_view bytes = e.bytes;
  if (bytes.empty()) {
    out += fmt::format("{} {}{} \n", stamp, side(e.dir), continues ? "+" : ":");
    return;
  }
  const bool summarise = !options.full_data && (bytes.size() > options.max_event_bytes ||
                                                count_rows(bytes) > options.max_rows);
  std::size_t shown = 0;
  std::size_t rows = 0;
  while (shown < bytes.size()) {
    if (summarise && (rows >= options.head_rows || shown >= options.head_bytes)) break;
    std::size_t stop = bytes.find('\n', shown);
    stop = stop == std::string_view::npos ? bytes.size() : stop + 1;
    if (summarise && stop - shown > options.head_bytes - shown)
      stop = shown + utf8_safe_cut(bytes.substr(shown), options.head_bytes - shown);
    if (stop == shown) break;
    const bool first = rows == 0;
    out += fmt::format("{} {}{} {}\n", stamp, side(e.dir), first && continues ? "+" : ":",
                       visible(bytes.substr(shown, stop - shown)));
    shown = stop;
    ++rows;
  }
  if (shown < bytes.size())
    out += fmt::format("{} {}  … {} more bytes (sha256 {})\n", stamp, side(e.dir),
                       bytes.size() - shown, sha256_hex(bytes));
}

}  // namespace

std::string render_connection(const ph::transcript& t, std::string_view id,
                              const render_options& options) {
  int channel_count = static_cast<int>(t.channels.size());
  for (const auto& e : t.events)
    channel_count = std::max(channel_count, e.channel + 1);
  if (channel_count == 0) channel_count = 1;

  std::string out;
  for (int c = 0; c < channel_count; ++c) {
    const bool known = c < static_cast<int>(t.channels.size());
    const ph::channel_info info = known ? t.channels[static_cast<std::size_t>(c)]
                                        : ph::channel_info{fmt::format("channel {}", c), "?", "?"};
    if (!out.empty()) out += '\n';
    out += fmt::format("# {} · conn {} · {} · {} → {}\n", id, t.connection, visible(info.label),
                       visible(info.client_endpoint), visible(info.server_endpoint));
    // Whether the last data of each side on this channel ended inside a line.
    std::map<direction, bool> mid_line;
    for (const auto& e : t.events) {
      if (e.channel != c) continue;
      const std::string stamp = fmt::format("{:8.3f}", static_cast<double>(e.at.count()) / 1000.0);
      if (e.kind != event_kind::data) {
        out += fmt::format("{} {}\n", stamp, marker(e));
        continue;
      }
      render_data(out, stamp, e, mid_line[e.dir], options);
      if (!e.bytes.empty()) mid_line[e.dir] = e.bytes.back() != '\n';
    }
  }
  if (t.elided)
    out += fmt::format("# {} · conn {} · elided at event {}: {}\n", id, t.connection,
                       t.elided->event, t.elided->describe());
  return out;
}

std::string render_transcript(const ph::scenario_result& result, const render_options& options) {
  if (result.connections.empty()) return fmt::format("# {} · no connections recorded\n", result.id);
  const redactor red(result);
  std::string out;
  for (const auto& t : result.connections) {
    if (!out.empty()) out += '\n';
    out += options.redact ? render_connection(red.apply(t), result.id, options)
                          : render_connection(t, result.id, options);
  }
  return out;
}

}  // namespace ph::reports
