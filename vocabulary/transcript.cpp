#include "vocabulary/transcript.hpp"

#include <fmt/format.h>

namespace ph {

std::string_view to_string(event_kind kind) {
  switch (kind) {
    case event_kind::open:
      return "open";
    case event_kind::data:
      return "data";
    case event_kind::tls_start:
      return "tls-start";
    case event_kind::tls_ready:
      return "tls-ready";
    case event_kind::tls_failed:
      return "tls-failed";
    case event_kind::close:
      return "close";
    case event_kind::reset:
      return "reset";
    case event_kind::note:
      return "note";
  }
  return "?";
}

std::string transcript::stream(direction dir, int channel) const {
  std::string out;
  for (const auto& e : events)
    if (e.kind == event_kind::data && e.dir == dir && e.channel == channel) out += e.bytes;
  return out;
}

std::size_t transcript::bytes(direction dir) const {
  std::size_t n = 0;
  for (const auto& e : events)
    if (e.kind == event_kind::data && e.dir == dir) n += e.bytes.size();
  return n;
}

std::string elision::describe() const {
  std::string out = fmt::format(
      "transcript limit ({} bytes) reached: the rest of the connection is not recorded", limit);
  if (client_bytes > 0 || server_bytes > 0 || events > 0)
    out += fmt::format(
        "; dropped {} client bytes (sha256 {}), {} server bytes (sha256 {}), {} more events",
        client_bytes, client_sha256, server_bytes, server_sha256, events);
  return out;
}

transcript_recorder::transcript_recorder(transcript& t, std::size_t limit)
    : t_(t), limit_(limit), channels_(static_cast<int>(t.channels.size())) {}

void transcript_recorder::drop(const event& e, std::string_view bytes) {
  elision& el = *t_.elided;
  if (e.kind != event_kind::data) return;
  if (e.dir == direction::client_to_server) {
    el.client_bytes += bytes.size();
    client_hash_.update(bytes);
  } else {
    el.server_bytes += bytes.size();
    server_hash_.update(bytes);
  }
}

void transcript_recorder::mark(int channel, std::chrono::microseconds at) {
  used_ = limit_;
  t_.elided->last = at;
  t_.elided->event = static_cast<int>(t_.events.size());
  t_.events.push_back(
      {event_kind::note, direction::server_to_client, channel, at, t_.elided->describe()});
}

void transcript_recorder::add(event e) {
  if (t_.elided) {
    ++t_.elided->events;
    t_.elided->last = e.at;
    drop(e, e.bytes);
    return;
  }
  const std::size_t cost = event_cost + e.bytes.size();
  if (limit_ == 0 || used_ + cost <= limit_) {
    used_ += cost;
    t_.events.push_back(std::move(e));
    return;
  }
  // This event crosses the limit: keep what fits of it, then mark the place.
  const std::size_t room = used_ + event_cost < limit_ ? limit_ - used_ - event_cost : 0;
  t_.elided.emplace();
  t_.elided->limit = limit_;
  if (room > 0 && e.kind == event_kind::data) {
    drop(e, std::string_view(e.bytes).substr(room));
    e.bytes.resize(room);
    t_.events.push_back(std::move(e));
    const event& kept = t_.events.back();
    mark(kept.channel, kept.at);
  } else {
    ++t_.elided->events;
    drop(e, e.bytes);
    mark(e.channel, e.at);
  }
}

int transcript_recorder::add_channel(channel_info ch) {
  const int index = channels_++;
  if (t_.elided) return index;
  const std::size_t cost =
      event_cost + ch.label.size() + ch.client_endpoint.size() + ch.server_endpoint.size();
  if (limit_ != 0 && used_ + cost > limit_) {
    // A channel the transcript cannot name: nothing on it (or after it) is recorded.
    t_.elided.emplace();
    t_.elided->limit = limit_;
    const auto at = t_.events.empty() ? std::chrono::microseconds(0) : t_.events.back().at;
    mark(0, at);
    return index;
  }
  used_ += cost;
  t_.channels.push_back(std::move(ch));
  return index;
}

void transcript_recorder::finish() {
  if (finished_ || !t_.elided) return;
  finished_ = true;
  elision& el = *t_.elided;
  el.client_sha256 = client_hash_.hex();
  el.server_sha256 = server_hash_.hex();
  t_.events[static_cast<std::size_t>(el.event)].bytes = el.describe();
}

}  // namespace ph
