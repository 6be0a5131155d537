#pragma once
// Internal to the POP3 rules: how one check reports on one connection, the lexical helpers
// the checks share, and the checks themselves (one function per catalogue rule).

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/rules/catalogue.hpp"
#include "harness/rules/lexical.hpp"
#include "harness/rules/pop3/pop3_session.hpp"
#include "harness/rules/rule.hpp"

namespace ph::harness::rules::pop3 {

using check_fn = void (*)(const session& s, const context& ctx, findings& f);

// --- lexical helpers (the judge's own; nothing shared with clients/ or fakeservers/) -----

using lexical::decode_base64;
using lexical::find_ctl;
using lexical::is_base64;
using lexical::is_utf8;
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
