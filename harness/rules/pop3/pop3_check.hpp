#pragma once
// Internal to the POP3 rules: how one check reports on one connection, the lexical helpers
// the checks share, and the checks themselves (one function per catalogue rule).

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/rules/pop3/pop3_session.hpp"
#include "harness/rules/rule.hpp"

namespace ph::harness::rules::pop3 {

// Collects one rule's findings on one connection. A rule whose catalogue row mixes levels
// ("MUST ...; SHOULD ...") reports breaks of its weaker part with fail_weak(), which points
// the result at a SHOULD-level twin of the rule's info (same id) so the verdict is WARN.
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
  static void add(std::vector<finding>& to, std::string message, int event, std::string_view bytes);

  const rule_info& info_;
  const rule_info& weak_;
  bool applied_ = false;
  std::vector<finding> strong_;
  std::vector<finding> weak_findings_;
  std::size_t strong_total_ = 0;
  std::size_t weak_total_ = 0;
};

using check_fn = void (*)(const session& s, const context& ctx, findings& f);

// --- lexical helpers (the judge's own; nothing shared with clients/ or fakeservers/) -----

// RFC 4648 §4 base64 with padding; false for the empty string.
bool is_base64(std::string_view s);
std::optional<std::string> decode_base64(std::string_view s);
bool is_utf8(std::string_view s);
// Index of the first control octet (0x00-0x1F, 0x7F), or npos.
std::size_t find_ctl(std::string_view s);
// RFC 1321 MD5 of `data` as 32 lower-case hex digits (for RFC 1939 §7 APOP).
std::string md5_hex(std::string_view data);
// A decimal number without sign that fits in 31 bits; nullopt otherwise.
std::optional<long> parse_number(std::string_view s);
// Splits at single spaces (empty words kept, so "a  b" yields an empty middle word).
std::vector<std::string_view> split_sp(std::string_view s);
// "VERB" or a description for AUTH responses, for messages.
std::string name_of(const turn& t);

// --- checks, in catalogue order ----------------------------------------------------------

void check_crlf(const session&, const context&, findings&);
void check_cmd_syntax(const session&, const context&, findings&);
void check_cmd_len(const session&, const context&, findings&);
void check_arg_inject(const session&, const context&, findings&);
void check_greeting(const session&, const context&, findings&);
void check_lockstep(const session&, const context&, findings&);
void check_state(const session&, const context&, findings&);
void check_user_pass(const session&, const context&, findings&);
void check_apop(const session&, const context&, findings&);
void check_deleted(const session&, const context&, findings&);
void check_args(const session&, const context&, findings&);
void check_quit_update(const session&, const context&, findings&);
void check_stls_wait(const session&, const context&, findings&);
void check_stls_reset(const session&, const context&, findings&);
void check_cleartext(const session&, const context&, findings&);
void check_auth_ir(const session&, const context&, findings&);
void check_auth_plain_fmt(const session&, const context&, findings&);

}  // namespace ph::harness::rules::pop3
