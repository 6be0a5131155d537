#include "harness/rules/catalogue.hpp"

namespace ph::harness::rules {

namespace {

// Enough evidence to find every kind of break without flooding a report.
constexpr std::size_t max_evidence = 8;

}  // namespace

void findings::add(std::vector<finding>& to, std::string message, int event,
                   std::string_view bytes) {
  if (to.size() >= max_evidence) return;
  to.push_back({bounded_message(std::move(message)), make_evidence(event, bytes)});
}

void findings::fail(std::string message, int event, std::string_view bytes) {
  applied_ = true;
  ++strong_total_;
  add(strong_, std::move(message), event, bytes);
}

void findings::fail_weak(std::string message, int event, std::string_view bytes) {
  applied_ = true;
  ++weak_total_;
  add(weak_findings_, std::move(message), event, bytes);
}

rule_result findings::result() const {
  auto build = [](const rule_info& info, const std::vector<finding>& list, std::size_t total) {
    std::string message = list.front().message;
    if (total > 1) message += " (" + std::to_string(total - 1) + " more)";
    std::vector<evidence> ev;
    for (const auto& f : list)
      ev.push_back(f.ev);
    return rules::fail(info, std::move(message), std::move(ev));
  };
  if (strong_total_ > 0) return build(info_, strong_, strong_total_);
  if (weak_total_ > 0) return build(weak_, weak_findings_, weak_total_);
  return applied_ ? rules::pass(info_) : rules::not_applicable(info_);
}

}  // namespace ph::harness::rules
