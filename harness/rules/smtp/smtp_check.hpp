#pragma once
// Internal to the SMTP rules: how one check reports on one connection, helpers the rule
// groups share, and the checks themselves (one function per catalogue rule).

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "harness/rules/catalogue.hpp"
#include "harness/rules/rule.hpp"
#include "harness/rules/smtp/smtp_session.hpp"

namespace ph::harness::rules::smtp {

using check_fn = check_function<session>;

// --- shared helpers ---------------------------------------------------------------------

inline const turn& at(const session& s, int i) {
  return s.turns[static_cast<std::size_t>(i)];
}
// Reply r, or nullptr for -1.
inline const reply* reply_of(const session& s, int r) {
  return r >= 0 ? &s.replies[static_cast<std::size_t>(r)] : nullptr;
}

// True when the client could send its next turn without waiting for turn i's reply:
// PIPELINING in force and turn i a command RFC 2920 §3.1 allows mid-group (MAIL, RCPT,
// RSET, SEND/SOML/SAML, BDAT; AUTH PLAIN/EXTERNAL with an initial response per RFC 4954 §4).
bool may_continue_group(const session& s, int i);
// True when the next turn i was sent before the reply it had to wait for was complete.
bool sent_early(const session& s, int i);
// The MAIL turn of a block's transaction (the last MAIL before it when MAIL failed), or -1.
int mail_for_block(const session& s, const data_block& b);
// EHLO keywords that make a MAIL/RCPT parameter legal (RFC 5321 §4.1.1.11 and extensions).
std::vector<std::string> extensions_for_param(std::string_view keyword, std::string_view value);
// The mechanisms an EHLO reply lists for AUTH (also the old "AUTH=" form), upper-cased.
std::vector<std::string> auth_mechanisms(const ehlo_state& e);
// The line of `text` around `at`, for evidence (at most ~80 bytes).
std::string line_around(std::string_view text, std::size_t at);

// --- checks, in catalogue order ----------------------------------------------------------

check_fn check_crlf, check_data_smuggle, check_dot_stuff, check_data_end, check_data_354,
    check_greeting_wait, check_lockstep, check_pipe_group, check_pipe_status, check_ehlo_first,
    check_helo_fallback, check_ehlo_arg, check_path_syntax, check_fqdn, check_ascii_envelope,
    check_len_cmd, check_len_text, check_params_advertised, check_one_txn, check_8bit, check_size,
    check_starttls_handshake, check_starttls_reset, check_starttls_once, check_auth_state,
    check_auth_ir, check_auth_plain_fmt, check_auth_cleartext, check_quit, check_localpart_case,
    check_return_path, check_imf_required, check_imf_sender, check_imf_msgid, check_imf_fields,
    check_imf_date, check_imf_ascii;

}  // namespace ph::harness::rules::smtp
