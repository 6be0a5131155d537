#pragma once
// The judge's side of the harness: RFC rules that read a transcript and nothing else.
// Rules share no parsing code with clients/ or fakeservers/ (a layering test enforces it):
// the thing testing must not inherit the bugs of the thing tested.

#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "vocabulary/result.hpp"
#include "vocabulary/scenario.hpp"
#include "vocabulary/transcript.hpp"

namespace ph::harness::rules {

// Parsed forms of the transcripts one judge() call reads, so that the rules of a catalogue
// parse each connection once instead of once per rule.
class parse_cache {
 public:
  // Parse(t), computed on first use.
  template <class Session, Session (*Parse)(const transcript&)>
  const Session& get(const transcript& t) {
    static const char kind = 0;  // one per (Session, Parse)
    for (const auto& e : entries_)
      if (e.t == &t && e.kind == &kind) return *static_cast<const Session*>(e.value.get());
    auto value = std::make_shared<const Session>(Parse(t));
    entries_.push_back({&t, &kind, value});
    return *value;
  }

 private:
  struct entry {
    const transcript* t;
    const void* kind;
    std::shared_ptr<const void> value;
  };
  std::vector<entry> entries_;
};

// What a rule may know besides the transcript: the scenario (null in `serve`, where any
// client connects), for rules that need an oracle (T+O in rfc-rules.md).
struct context {
  const scenario* scen = nullptr;
  parse_cache* cache = nullptr;  // set by judge(); transcripts stay unchanged while it lives
};

class rule {
 public:
  virtual ~rule() = default;
  [[nodiscard]] virtual const rule_info& info() const = 0;
  // Judges one connection: fail with evidence, pass when the rule applied and held,
  // not_applicable when the transcript never exercised it.
  [[nodiscard]] virtual rule_result check(const transcript& t, const context& ctx) const = 0;
};

// A protocol's rules, in catalogue order, are its <p>::rules() (e.g. smtp/smtp_rules.hpp): the
// `rules` column of its row in the protocol registry (harness/protocols.cpp), which hands them
// to judge(). The judge looks no protocol name up.

// Judges all connections with `rules`: a rule fails if it fails on any connection (evidence
// from each), passes if it passed somewhere and failed nowhere, else is not applicable.
std::vector<rule_result> judge(std::span<const rule* const> rules,
                               const std::vector<transcript>& connections, const context& ctx);

// Helpers for rule implementations.
rule_result pass(const rule_info& info, std::string message = {});
rule_result not_applicable(const rule_info& info, std::string message = {});
// The message is bounded (bounded_message).
rule_result fail(const rule_info& info, std::string message, std::vector<evidence> ev);

// Evidence and messages hold excerpts, never whole client bytes: a client may send a 100 MB
// line, and a verdict must stay small.
inline constexpr std::size_t max_excerpt = 80;   // bytes of evidence kept
inline constexpr std::size_t max_message = 300;  // bytes of a verdict message kept
// Bytes of a command keyword a session parser keeps (every protocol's keywords are short; a
// client's 100 MB "keyword" must not be copied whole).
inline constexpr std::size_t max_verb = 64;

// Evidence at `event` of `bytes`, the whole offending bytes: the first max_excerpt of them,
// their length and, when cut, the SHA-256 of all of them. The one place evidence is made.
evidence make_evidence(int event, std::string_view bytes);

// At most `max` bytes of `bytes` from `at`, for quoting client bytes inside a message.
std::string excerpt(std::string_view bytes, std::size_t at = 0, std::size_t max = 80);

// `text` if it is at most max_message bytes, else its beginning and how much was cut.
std::string bounded_message(std::string text);

}  // namespace ph::harness::rules
