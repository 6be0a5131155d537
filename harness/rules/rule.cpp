#include "harness/rules/rule.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "vocabulary/digest.hpp"

namespace ph::harness::rules {

namespace {

// A rule's result on a connection whose transcript was elided (transcript::elided): it saw
// only the beginning. A pass says nothing about the rest, and a finding that rests on what
// was not recorded (at the marking note or later, or on no event) may be an artefact of the
// cut, such as a command that seems never answered: both become not_applicable. A finding on
// recorded bytes stands.
rule_result within_elision(rule_result one, const transcript& t) {
  const elision& el = *t.elided;
  const std::string where =
      fmt::format("connection {}: transcript cut at event {} (limit {} bytes)", t.connection,
                  el.event, el.limit);
  if (one.result == outcome::pass)
    return not_applicable(*one.rule, where + "; passed on what was recorded, the rest unseen");
  if (one.result != outcome::fail) return one;
  std::erase_if(one.evidence,
                [&](const evidence& ev) { return ev.event < 0 || ev.event >= el.event; });
  if (one.evidence.empty())
    return not_applicable(*one.rule, where + "; the finding lies past what was recorded");
  one.message = bounded_message(one.message + " (" + where + "; later bytes not judged)");
  return one;
}

}  // namespace

std::vector<rule_result> judge(std::span<const rule* const> rules,
                               const std::vector<transcript>& connections, const context& given) {
  parse_cache cache;
  context ctx = given;
  ctx.cache = &cache;
  std::vector<rule_result> out;
  for (const rule* r : rules) {
    rule_result merged = not_applicable(r->info());
    for (const auto& t : connections) {
      rule_result one = r->check(t, ctx);
      if (t.elided) one = within_elision(std::move(one), t);
      for (auto& ev : one.evidence)
        ev.connection = t.connection;
      if (one.result == outcome::fail) {
        if (merged.result != outcome::fail) {
          merged = std::move(one);
        } else {
          // A rule may fail at its SHOULD-level facet on one connection and at MUST level on
          // another: the verdict follows the stronger break.
          if (one.rule != nullptr && merged.rule != nullptr && one.rule->lvl == level::must &&
              merged.rule->lvl != level::must) {
            merged.rule = one.rule;
            merged.message = std::move(one.message);
          }
          merged.evidence.insert(merged.evidence.end(), one.evidence.begin(), one.evidence.end());
        }
      } else if (one.result == outcome::pass && merged.result == outcome::not_applicable) {
        merged = std::move(one);
      } else if (one.result == outcome::not_applicable &&
                 merged.result == outcome::not_applicable && merged.message.empty()) {
        merged.message = std::move(one.message);  // e.g. why an elided connection was not judged
      }
    }
    out.push_back(std::move(merged));
  }
  return out;
}

rule_result pass(const rule_info& info, std::string message) {
  return {&info, outcome::pass, std::move(message), {}};
}

rule_result not_applicable(const rule_info& info, std::string message) {
  return {&info, outcome::not_applicable, std::move(message), {}};
}

rule_result fail(const rule_info& info, std::string message, std::vector<evidence> ev) {
  return {&info, outcome::fail, bounded_message(std::move(message)), std::move(ev)};
}

evidence make_evidence(int event, std::string_view bytes) {
  evidence ev;
  ev.event = event;
  ev.excerpt = std::string(bytes.substr(0, max_excerpt));
  ev.length = bytes.size();
  if (ev.cut()) ev.sha256 = sha256_hex(bytes);
  return ev;
}

std::string excerpt(std::string_view bytes, std::size_t at, std::size_t max) {
  if (at >= bytes.size()) return {};
  return std::string(bytes.substr(at, max));
}

std::string bounded_message(std::string text) {
  if (text.size() <= max_message) return text;
  const std::size_t total = text.size();
  text.resize(max_message);
  text += fmt::format("… ({} bytes in all)", total);
  return text;
}

}  // namespace ph::harness::rules
