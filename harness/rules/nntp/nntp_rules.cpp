#include "harness/rules/nntp/nntp_rules.hpp"

#include <string_view>
#include <vector>

#include "harness/rules/nntp/nntp_check.hpp"
#include "harness/rules/nntp/nntp_session.hpp"

namespace ph::harness::rules::nntp {

namespace {

// In catalogue order. NNTP-PIPELINE, NNTP-POST-RETRY, NNTP-400-BACKOFF, NNTP-AUTH-SASL,
// NNTP-OVER-FIELDS and NNTP-FIRST-DIGIT are not here: they need several connections, the
// client's own view of a response, or a SASL decoder this judge does not have yet.
constexpr catalogue_row<session> catalogue[] = {
    {"NNTP-CRLF", "RFC 3977 §3.1", must, "MUST; MUST NOT (several commands per line)",
     "Each command line ends with CRLF; CR and LF appear nowhere else in it.", &check_crlf},
    {"NNTP-CMD-LEN", "RFC 3977 §3.1", must, "MUST NOT",
     "A command line is at most 512 octets including CRLF; an argument at most 497.",
     &check_cmd_len},
    {"NNTP-CMD-SYNTAX", "RFC 3977 §3.1", must, "MUST; SHOULD",
     "Printable US-ASCII keyword, SP/TAB separators, no controls, UTF-8 without BOM; arguments "
     "SHOULD be US-ASCII.",
     &check_cmd_syntax, true},
    {"NNTP-GREETING", "RFC 3977 §3.5, §5.1", must, "MUST NOT",
     "Nothing is sent before the CRLF ending the greeting.", &check_greeting},
    {"NNTP-NOPIPE", "RFC 3977 §3.5, §5.3, §6.3.1, §6.3.2; RFC 4642 §2.2; RFC 4643 §2.3.1, §2.4",
     must, "MUST",
     "MODE READER, POST, IHAVE, STARTTLS and AUTHINFO end a pipeline: nothing follows until "
     "their response.",
     &check_nopipe},
    {"NNTP-POST-340", "RFC 3977 §6.3.1", must, "MUST",
     "The article is sent only after a 340 response to POST, never after 440/480 or before "
     "the 340.",
     &check_post_340},
    {"NNTP-IHAVE-335", "RFC 3977 §6.3.2", must,
     "MUST (article after 335); SHOULD NOT (IHAVE "
     "from newsreaders)",
     "The article follows only a 335 response to IHAVE; reader clients post with POST.",
     &check_ihave_335, true},
    {"NNTP-DATA-BLOCK", "RFC 3977 §3.1.1", must, "MUST",
     "Articles hold no NUL, CR/LF only as CRLF, dot-stuffed lines, and end with \".CRLF\".",
     &check_data_block},
    {"NNTP-ARTICLE-SHAPE", "RFC 3977 §3.6; RFC 5536 §2.2", must, "MUST; SHOULD",
     "Header lines \"name: content\", folds carry non-whitespace, an empty line before the "
     "body.",
     &check_article_shape, true},
    {"NNTP-MSGID", "RFC 3977 §3.6; RFC 5536 §3.1.3", must, "MUST",
     "Message-ids are <...> of 3-250 printable octets, in arguments and Message-ID headers "
     "(<id-left@id-right>).",
     &check_msgid},
    {"NNTP-POST-HEADERS", "RFC 5536 §3.1; RFC 5537 §3.4.1", must, "MUST",
     "A posted article has From, Newsgroups and Subject; Date, Message-ID, Path are valid if "
     "present.",
     &check_post_headers},
    {"NNTP-NEWSGROUPS", "RFC 5536 §3.1.4", must, "MUST* (ABNF)",
     "Newsgroups is a comma-separated list of valid dot-separated newsgroup names.",
     &check_newsgroups},
    {"NNTP-MODE-READER", "RFC 3977 §5.3, §3.4.2", must,
     "MUST NOT (twice, or after security/privacy commands); SHOULD (only when MODE-READER is "
     "advertised)",
     "MODE READER at most once, before STARTTLS/AUTHINFO, and only when advertised.",
     &check_mode_reader, true},
    {"NNTP-CAPS", "RFC 3977 §5.2, §3.4.2; RFC 4642 §2.2.2; RFC 4643 §2.3.1", must,
     "MUST (discard after TLS); MUST NOT (rely on a cached list); SHOULD (re-issue CAPABILITIES)",
     "Capabilities are re-read after STARTTLS (MUST), MODE READER and authentication before an "
     "optional command is used.",
     &check_caps, true},
    {"NNTP-EXT-ADVERTISED", "RFC 3977 §3.3, §3.4, §8.3", should,
     "implied (server replies 500/501/503)",
     "Optional commands and variants only when advertised; XOVER/XHDR only as a fallback.",
     &check_ext_advertised},
    {"NNTP-DATES", "RFC 3977 §7.3, §7.4", should, "SHOULD (4-digit year)",
     "NEWGROUPS/NEWNEWS dates are \"yyyymmdd hhmmss [GMT]\" with a four-digit year.", &check_dates},
    {"NNTP-STARTTLS", "RFC 4642 §2.2.2", must, "MUST NOT (TLS when already active); MUST",
     "STARTTLS once, without TLS active and before authentication; a handshake follows 382.",
     &check_starttls},
    {"NNTP-AUTH-SEQ", "RFC 4643 §2.3.2", must, "MUST (user name before password)",
     "AUTHINFO PASS only right after a 381 response to AUTHINFO USER.", &check_auth_seq},
    {"NNTP-AUTH-ONCE", "RFC 4643 §2.2, §2.3.1", should,
     "implied (AUTHINFO is not valid after authentication; server answers 502)",
     "After 281 no further AUTHINFO is sent in the session.", &check_auth_once},
    {"NNTP-AUTH-CLEAR", "RFC 4643 §2.3.2", should, "SHOULD",
     "AUTHINFO PASS is not sent in clear when the server offered STARTTLS.", &check_auth_clear},
    {"NNTP-QUIT", "RFC 3977 §5.4", should, "preferred (no client keyword)",
     "The session ends with QUIT, and nothing is sent after it.", &check_quit},
};

}  // namespace

std::span<const rule* const> rules() {
  return catalogue_rules<session, &parse_session>("nntp", catalogue);
}

}  // namespace ph::harness::rules::nntp
