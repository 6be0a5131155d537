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

using check_fn = check_function<session>;

// --- lexical helpers (the judge's own; nothing shared with clients/ or fakeservers/) -----

using lexical::decode_base64;
using lexical::find_ctl;
using lexical::is_base64;
using lexical::is_utf8;
// RFC 1321 MD5 of `data` as 32 lower-case hex digits (for RFC 1939 §7 APOP).
std::string md5_hex(std::string_view data);
using lexical::number;
using lexical::split;
// "VERB" or a description for AUTH responses, for messages.
std::string name_of(const turn& t);

// --- checks, in catalogue order ----------------------------------------------------------

check_fn check_crlf, check_cmd_syntax, check_cmd_len, check_arg_inject, check_greeting,
    check_lockstep, check_state, check_user_pass, check_apop, check_deleted, check_args,
    check_quit_update, check_stls_wait, check_stls_reset, check_cleartext, check_auth_ir,
    check_auth_plain_fmt;

}  // namespace ph::harness::rules::pop3
