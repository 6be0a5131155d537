#include "reports/divergence.hpp"

#include <algorithm>
#include <cctype>
#include <regex>
#include <tuple>

#include <fmt/format.h>

#include "reports/encoding.hpp"
#include "vocabulary/scenario.hpp"

namespace ph::reports {
namespace {

using ph::level;
using ph::outcome;

// Position in the transcripts, for "earliest".
using position = std::tuple<int, int>;

const ph::evidence* first_evidence(const ph::rule_result& r) {
  const ph::evidence* best = nullptr;
  for (const auto& ev : r.evidence)
    if (best == nullptr ||
        position{ev.connection, ev.event} < position{best->connection, best->event})
      best = &ev;
  return best;
}

std::string rule_summary(const ph::rule_result& r) {
  std::string out = r.rule != nullptr ? fmt::format("{} ({}, {}): {}", r.rule->id, r.rule->rfc,
                                                    ph::to_string(r.rule->lvl), r.message)
                                      : r.message;
  if (const auto* ev = first_evidence(r))
    out += fmt::format(" at conn {}, event {}: {}", ev->connection, ev->event,
                       visible_excerpt(ev->excerpt));
  return out;
}

bool same_char(char a, char b) {
  return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
}

}  // namespace

std::string_view to_string(divergence_source s) {
  switch (s) {
    case divergence_source::script:
      return "script";
    case divergence_source::client_step:
      return "client step";
    case divergence_source::rule:
      return "rule";
    case divergence_source::problem:
      return "problem";
  }
  return "?";
}

std::optional<divergence> first_divergence(const ph::scenario_result& r) {
  std::optional<divergence> best;
  std::optional<position> best_at;
  auto offer = [&](divergence d) {
    const position at{d.connection, d.event};
    if (!best_at || at < *best_at) {
      best_at = at;
      best = std::move(d);
    }
  };
  for (std::size_t i = 0; i < r.script.size(); ++i) {
    const auto& tr = r.script[i];
    if (!tr.reached || tr.matched) continue;
    offer({divergence_source::script, tr.mismatch, tr.connection, tr.event, static_cast<int>(i)});
  }
  bool any_must = false;
  for (const auto& rr : r.rules)
    if (rr.result == outcome::fail && rr.rule != nullptr && rr.rule->lvl == level::must)
      any_must = true;
  for (std::size_t i = 0; i < r.rules.size(); ++i) {
    const auto& rr = r.rules[i];
    if (rr.result != outcome::fail || rr.rule == nullptr) continue;
    if (any_must && rr.rule->lvl != level::must) continue;
    const auto* ev = first_evidence(rr);
    if (ev == nullptr || ev->connection <= 0) continue;
    offer({divergence_source::rule, rule_summary(rr), ev->connection, ev->event,
           static_cast<int>(i)});
  }
  if (best) return best;
  for (std::size_t i = 0; i < r.steps.size(); ++i)
    if (!r.steps[i].matched)
      return divergence{divergence_source::client_step, r.steps[i].mismatch, 0, -1,
                        static_cast<int>(i)};
  for (std::size_t i = 0; i < r.rules.size(); ++i)
    if (r.rules[i].result == outcome::fail)
      return divergence{divergence_source::rule, rule_summary(r.rules[i]), 0, -1,
                        static_cast<int>(i)};
  if (!r.problems.empty())
    return divergence{divergence_source::problem, r.problems.front(), 0, -1, 0};
  return std::nullopt;
}

pattern_diff diff_pattern(std::string_view p, std::string_view a, bool regex) {
  pattern_diff d;
  d.expected = {p.size(), p.size()};
  d.actual = {a.size(), a.size()};
  if (regex) {
    bool matches = false;
    try {
      matches = std::regex_match(a.begin(), a.end(), std::regex(p.begin(), p.end()));
    } catch (const std::regex_error&) {
    }
    if (matches) return d;
    d.expected = {0, p.size()};
    d.actual = {0, a.size()};
    d.differs = true;
    return d;
  }
  if (ph::glob_match(p, a, true)) return d;
  std::size_t head = 0;
  while (head < p.size() && head < a.size() && p[head] != '*' &&
         (p[head] == '?' || same_char(p[head], a[head])))
    ++head;
  std::size_t tail = 0;
  while (tail < p.size() - head && tail < a.size() - head) {
    const char pc = p[p.size() - 1 - tail];
    if (pc == '*' || (pc != '?' && !same_char(pc, a[a.size() - 1 - tail]))) break;
    ++tail;
  }
  // Cut on UTF-8 boundaries so that each piece stays readable.
  auto boundary_after = [](std::string_view s, std::size_t i) {
    while (i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80)
      ++i;
    return i;
  };
  d.expected.head = utf8_safe_cut(p, head);
  d.expected.tail = std::max(d.expected.head, boundary_after(p, p.size() - tail));
  d.actual.head = utf8_safe_cut(a, head);
  d.actual.tail = std::max(d.actual.head, boundary_after(a, a.size() - tail));
  d.differs = true;
  return d;
}

}  // namespace ph::reports
