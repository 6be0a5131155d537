#include "tests/fuzz/judge_rig.hpp"

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "harness/protocols.hpp"
#include "harness/rules/rule.hpp"
#include "tests/fuzz/fuzz_support.hpp"
#include "vocabulary/scenario.hpp"
#include "vocabulary/transcript.hpp"

namespace ph::fuzz {
namespace {

using ph::event_kind;

// A scenario of the corpus by id, loaded once; null for an unknown id. Ids are confined to
// the protocol's folder of scenarios/.
const ph::scenario* scenario_named(std::string_view protocol, std::string_view id) {
  static std::map<std::string, std::unique_ptr<ph::scenario>, std::less<>> cache;
  if (id.empty() || id.size() > 100 || !id.starts_with(std::string(protocol) + "/") ||
      id.find("..") != std::string_view::npos || !std::all_of(id.begin(), id.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '/' || c == '_';
      }))
    return nullptr;
  if (auto it = cache.find(id); it != cache.end()) return it->second.get();
  std::unique_ptr<ph::scenario> s;
  try {
    s = std::make_unique<ph::scenario>(
        ph::load_scenario(std::string(PH_SOURCE_DIR) + "/scenarios/" + std::string(id) + ".toml"));
  } catch (const ph::scenario_error&) {
  }
  return cache.emplace(std::string(id), std::move(s)).first->second.get();
}

event_kind kind_of(std::uint8_t header) {
  switch (header & 0x0f) {
    case 8:
      return event_kind::open;
    case 9:
      return event_kind::tls_start;
    case 10:
      return event_kind::tls_ready;
    case 11:
      return event_kind::tls_failed;
    case 12:
      return event_kind::close;
    case 13:
      return event_kind::reset;
    case 14:
      return event_kind::note;
    default:
      return event_kind::data;
  }
}

}  // namespace

int run_judge(std::string_view protocol, const std::uint8_t* data, std::size_t size) {
  std::string_view in = bytes(data, size);
  const auto lf = in.find('\n');
  if (lf == std::string_view::npos) return 0;
  harness::rules::context ctx;
  ctx.scen = scenario_named(protocol, in.substr(0, lf));
  in.remove_prefix(lf + 1);

  ph::transcript t;
  t.connection = 1;
  t.channels.push_back({"control", "127.0.0.1:40000", "127.0.0.1:2525"});
  while (in.size() >= 3) {
    const auto header = static_cast<std::uint8_t>(in[0]);
    const std::size_t length = std::min<std::size_t>(
        (static_cast<std::uint8_t>(in[1]) << 8) | static_cast<std::uint8_t>(in[2]), in.size() - 3);
    ph::event e;
    e.kind = kind_of(header);
    e.dir = (header & 0x10) ? ph::direction::server_to_client : ph::direction::client_to_server;
    e.channel = (header >> 5) & 3;
    e.at = std::chrono::microseconds(1000 * static_cast<std::int64_t>(t.events.size()));
    e.bytes = std::string(in.substr(3, length));
    while (t.channels.size() <= static_cast<std::size_t>(e.channel))
      t.channels.push_back(
          {"data " + std::to_string(t.channels.size()), "127.0.0.1:40001", "127.0.0.1:50000"});
    t.events.push_back(std::move(e));
    in.remove_prefix(3 + length);
  }
  const auto rules = harness::find_protocol(protocol)->rules();
  const auto results = harness::rules::judge(rules, {t}, ctx);
  check(results.size() == rules.size(), "one result per rule");
  for (const auto& r : results)
    for (const auto& ev : r.evidence)
      check(ev.event >= -1 && ev.event < static_cast<int>(t.events.size()),
            "evidence names an event outside the transcript");
  return 0;
}

}  // namespace ph::fuzz
