#include "harness/model/transcript.hpp"

namespace ph::harness {

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

}  // namespace ph::harness
