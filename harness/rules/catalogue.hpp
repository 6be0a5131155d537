#pragma once
// The table-driven rule every protocol's catalogue is made of: a row of rfc-rules.md (id,
// RFC, level, summary) and the function that checks it on the protocol's parsed session.
// Rows whose level mixes MUST and SHOULD parts report breaks of the weaker part through a
// SHOULD-level twin of their info (same id), so such a break WARNs instead of FAILing.

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "harness/rules/rule.hpp"

namespace ph::harness::rules {

// Collects one rule's findings on one connection.
class findings {
 public:
  findings(const rule_info& info, const rule_info& weak) : info_(info), weak_(weak) {}

  // The transcript exercised the rule (without this the result is not_applicable).
  void applied() { applied_ = true; }
  void fail(std::string message, int event, std::string_view bytes);
  void fail_weak(std::string message, int event, std::string_view bytes);
  [[nodiscard]] rule_result result() const;

 private:
  struct finding {
    std::string message;
    evidence ev;
  };
  void add(std::vector<finding>& to, std::string message, int event, std::string_view bytes);

  const rule_info& info_;
  const rule_info& weak_;
  bool applied_ = false;
  std::vector<finding> strong_;
  std::vector<finding> weak_findings_;
  std::size_t strong_total_ = 0;
  std::size_t weak_total_ = 0;
};

// A row's level, so that a catalogue reads as the table in rfc-rules.md.
inline constexpr level must = level::must;
inline constexpr level should = level::should;

// What a catalogue row's check is: it judges one parsed connection into `f`. A protocol's
// *_check.hpp declares its checks with it (`check_fn check_crlf, check_quit;`).
template <class Session>
using check_function = void(const Session& s, const context& ctx, findings& f);

// One catalogue row (rfc-rules.md). `weak` marks rows whose level mixes MUST and SHOULD
// parts: breaks of the SHOULD part are reported at level::should.
template <class Session>
struct catalogue_row {
  std::string_view id;
  std::string_view rfc;
  level lvl;
  std::string_view level_text;
  std::string_view summary;
  check_function<Session>* check;
  bool weak = false;  // the row mixes levels: fail_weak() reports its SHOULD part
};

template <class Session, Session (*Parse)(const transcript&)>
class catalogue_rule final : public rule {
 public:
  catalogue_rule(std::string_view protocol, const catalogue_row<Session>& r)
      : info_{std::string(r.id),         std::string(protocol), std::string(r.rfc), r.lvl,
              std::string(r.level_text), std::string(r.summary)},
        weak_{info_},
        check_(r.check),
        has_weak_(r.weak) {
    weak_.lvl = level::should;
  }

  [[nodiscard]] const rule_info& info() const override { return info_; }

  [[nodiscard]] rule_result check(const transcript& t, const context& ctx) const override {
    findings f(info_, has_weak_ ? weak_ : info_);
    if (ctx.cache) {
      check_(ctx.cache->get<Session, Parse>(t), ctx, f);
    } else {
      const Session s = Parse(t);
      check_(s, ctx, f);
    }
    return f.result();
  }

 private:
  rule_info info_;
  rule_info weak_;
  check_function<Session>* check_;
  bool has_weak_;
};

// The rules of one protocol's catalogue, built once, in catalogue order.
template <class Session, Session (*Parse)(const transcript&), std::size_t N>
std::span<const rule* const> catalogue_rules(std::string_view protocol,
                                             const catalogue_row<Session> (&rows)[N]) {
  static const std::vector<catalogue_rule<Session, Parse>> store = [&] {
    std::vector<catalogue_rule<Session, Parse>> v;
    v.reserve(N);
    for (const auto& r : rows)
      v.emplace_back(protocol, r);
    return v;
  }();
  static const std::vector<const rule*> list = [] {
    std::vector<const rule*> v;
    for (const auto& r : store)
      v.push_back(&r);
    return v;
  }();
  return list;
}

}  // namespace ph::harness::rules
