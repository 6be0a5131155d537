#include "harness/rules/smtp/smtp_check.hpp"

#include <algorithm>

#include "harness/rules/smtp/smtp_syntax.hpp"

namespace ph::harness::rules::smtp {

bool may_continue_group(const session& s, int i) {
  if (i < 0 || static_cast<std::size_t>(i) >= s.turns.size()) return false;
  const turn& t = s.turns[static_cast<std::size_t>(i)];
  const ehlo_state* e = s.ehlo_for(i);
  if (e == nullptr || !e->has("PIPELINING")) return false;
  // RFC 2920 §3.1: message content may be the first "command" of a group.
  if (t.kind == turn_kind::content) return true;
  if (t.kind != turn_kind::command) return false;
  static constexpr std::string_view mid_group[] = {"MAIL", "RCPT", "RSET", "SEND",
                                                   "SOML", "SAML", "BDAT"};
  if (std::find(std::begin(mid_group), std::end(mid_group), t.verb) != std::end(mid_group))
    return true;
  if (t.verb == "AUTH" && t.auth >= 0) {
    // RFC 4954 §4: one round trip, client speaks first, no security layer.
    const auth_exchange& a = s.auths[static_cast<std::size_t>(t.auth)];
    return a.has_initial_response && (a.mechanism == "PLAIN" || a.mechanism == "EXTERNAL");
  }
  return false;
}

bool sent_early(const session& s, int i) {
  return line::sent_before_answer(s.turns, s.replies, i, s.awaited_reply(i), s.greeting_segment);
}

int mail_for_block(const session& s, const data_block& b) {
  if (b.mail >= 0) return b.mail;
  for (int i = b.command - 1; i >= 0; --i) {
    const turn& t = s.turns[static_cast<std::size_t>(i)];
    if (t.segment != b.segment) break;
    if (t.is("MAIL")) return i;
  }
  return -1;
}

std::vector<std::string> extensions_for_param(std::string_view keyword, std::string_view value) {
  const std::string k = upper(keyword);
  if (k == "BODY") {
    if (iequals(value, "BINARYMIME")) return {"BINARYMIME"};
    return {"8BITMIME", "BINARYMIME"};  // RFC 6152 §2; RFC 3030 §3 implies it
  }
  if (k == "RET" || k == "ENVID" || k == "NOTIFY" || k == "ORCPT") return {"DSN"};
  if (k == "HOLDFOR" || k == "HOLDUNTIL") return {"FUTURERELEASE"};
  if (k == "BY") return {"DELIVERBY"};
  // SIZE, SMTPUTF8, AUTH, MT-PRIORITY, REQUIRETLS...: the keyword names its extension.
  return {k};
}

std::vector<std::string> auth_mechanisms(const ehlo_state& e) {
  std::vector<std::string> out;
  auto add_words = [&out](std::string_view text) {
    std::size_t pos = 0;
    while (pos < text.size()) {
      const std::size_t sp = text.find(' ', pos);
      const std::string_view w = text.substr(pos, sp == std::string_view::npos ? sp : sp - pos);
      if (!w.empty()) out.push_back(upper(w));
      if (sp == std::string_view::npos) break;
      pos = sp + 1;
    }
  };
  for (const auto& [keyword, params] : e.entries) {
    if (keyword == "AUTH") {
      add_words(params);
    } else if (keyword.rfind("AUTH=", 0) == 0) {
      add_words(std::string_view(keyword).substr(5));
      add_words(params);
    }
  }
  return out;
}

std::string line_around(std::string_view text, std::size_t at) {
  const std::size_t start = at > 30 ? at - 30 : 0;
  return std::string(text.substr(std::min(start, text.size()), 80));
}

}  // namespace ph::harness::rules::smtp
