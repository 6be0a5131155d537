#pragma once
// Internal to the NNTP rules: how one check reports on one connection, helpers the rule
// groups share, and the checks themselves (one function per catalogue rule).

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "harness/rules/catalogue.hpp"
#include "harness/rules/nntp/nntp_session.hpp"
#include "harness/rules/rule.hpp"

namespace ph::harness::rules::nntp {

using check_fn = void (*)(const session& s, const context& ctx, findings& f);

// --- shared helpers ---------------------------------------------------------------------

// RFC 3977 §3.6, RFC 5536 §3.1.3: "<" id ">" of 3-250 printable octets, ">" only at the
// end; `need_at` also demands the id-left "@" id-right form of RFC 5536.
bool valid_message_id(std::string_view id, bool need_at);
// One header field of an article: name, content (unfolded, leading SP removed), and the
// offset of its first line in the article text.
struct header_field {
  std::string name;
  std::string value;
  std::size_t offset = 0;
};
// The header fields of an article's text (up to the first empty line).
std::vector<header_field> header_fields(std::string_view text);
// The event holding byte `at` of an article's un-stuffed text (approximate under stuffing).
int article_event(const session& s, const article& a, std::size_t at);
// The turn's display name for messages.
std::string name_of(const turn& t);

// --- checks, in catalogue order ----------------------------------------------------------

void check_crlf(const session&, const context&, findings&);
void check_cmd_len(const session&, const context&, findings&);
void check_cmd_syntax(const session&, const context&, findings&);
void check_greeting(const session&, const context&, findings&);
void check_nopipe(const session&, const context&, findings&);
void check_post_340(const session&, const context&, findings&);
void check_ihave_335(const session&, const context&, findings&);
void check_data_block(const session&, const context&, findings&);
void check_article_shape(const session&, const context&, findings&);
void check_msgid(const session&, const context&, findings&);
void check_post_headers(const session&, const context&, findings&);
void check_newsgroups(const session&, const context&, findings&);
void check_mode_reader(const session&, const context&, findings&);
void check_caps(const session&, const context&, findings&);
void check_ext_advertised(const session&, const context&, findings&);
void check_dates(const session&, const context&, findings&);
void check_starttls(const session&, const context&, findings&);
void check_auth_seq(const session&, const context&, findings&);
void check_auth_once(const session&, const context&, findings&);
void check_auth_clear(const session&, const context&, findings&);
void check_quit(const session&, const context&, findings&);

}  // namespace ph::harness::rules::nntp
