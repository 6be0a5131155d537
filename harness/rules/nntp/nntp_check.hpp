#pragma once
// Internal to the NNTP rules: how one check reports on one connection, helpers the rule
// groups share, and the checks themselves (one function per catalogue rule).

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "harness/rules/catalogue.hpp"
#include "harness/rules/message_header.hpp"
#include "harness/rules/nntp/nntp_session.hpp"
#include "harness/rules/rule.hpp"

namespace ph::harness::rules::nntp {

using check_fn = check_function<session>;

// --- shared helpers ---------------------------------------------------------------------

inline const turn& at(const session& s, int i) {
  return s.turns[static_cast<std::size_t>(i)];
}
// True when turn `next` was sent before turn i's status line was whole (a QUIT after a
// status line that never came is giving up, not pipelining).
bool sent_before_response(const session& s, int i, int next);
// The STARTTLS part of NNTP-NOPIPE for turn i (nntp_tls_auth_rules.cpp).
void check_starttls_wait(const session& s, int i, findings& f);

// RFC 3977 §3.6, RFC 5536 §3.1.3: "<" id ">" of 3-250 printable octets, ">" only at the
// end; `need_at` also demands the id-left "@" id-right form of RFC 5536.
bool valid_message_id(std::string_view id, bool need_at);
// The header fields of an article's text (up to the first empty line); lines that are not
// fields are passed over (NNTP-ARTICLE-SHAPE judges them). A field's content is
// unfolded(body) (message_header.hpp).
std::vector<header_field> header_fields(std::string_view text);
// The event holding byte `at` of an article's un-stuffed text (approximate under stuffing).
int article_event(const session& s, const article& a, std::size_t at);
// The turn's display name for messages.
std::string name_of(const turn& t);

// --- checks, in catalogue order ----------------------------------------------------------

check_fn check_crlf, check_cmd_len, check_cmd_syntax, check_greeting, check_nopipe, check_post_340,
    check_ihave_335, check_data_block, check_article_shape, check_msgid, check_post_headers,
    check_newsgroups, check_mode_reader, check_caps, check_ext_advertised, check_dates,
    check_starttls, check_auth_seq, check_auth_once, check_auth_clear, check_quit;

}  // namespace ph::harness::rules::nntp
