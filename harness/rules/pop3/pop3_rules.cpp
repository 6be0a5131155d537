#include "harness/rules/pop3/pop3_rules.hpp"

#include <string_view>
#include <vector>

#include "harness/rules/pop3/pop3_check.hpp"
#include "harness/rules/pop3/pop3_session.hpp"

namespace ph::harness::rules::pop3 {

namespace {

// In catalogue order. Not here: POP3-PIPELINE, POP3-MULTILINE, POP3-CAPA-OPTIONAL,
// POP3-RESP-CODES and POP3-TLS-IDENTITY judge what the client did with the data (stored
// message, retry timing, certificate verdict), which the transcript alone does not show;
// scenarios check them through the client's outcome.
constexpr catalogue_row<session> catalogue[] = {
    {"POP3-CRLF", "RFC 1939 §3", must, "MUST*", "Every command ends with CRLF; no bare CR or LF.",
     &check_crlf},
    {"POP3-CMD-SYNTAX", "RFC 1939 §3", must, "MUST*",
     "A 3-4 letter keyword and its arguments, separated by one SP, printable ASCII.",
     &check_cmd_syntax},
    {"POP3-CMD-LEN", "RFC 1939 §3; RFC 2449 §4", must, "MUST* / MUST",
     "Arguments of at most 40 characters (RFC 1939 server); command lines of at most 255 octets.",
     &check_cmd_len},
    {"POP3-ARG-INJECT", "RFC 1939 §3", must, "MUST*",
     "User-supplied arguments never carry CR, LF or other control characters.", &check_arg_inject},
    {"POP3-GREETING", "RFC 1939 §4", should, "implied",
     "The client waits for the +OK greeting; after a -ERR greeting there is no service.",
     &check_greeting},
    {"POP3-LOCKSTEP", "RFC 2449 §6.6", should, "implied (pipelining only with PIPELINING)",
     "Without PIPELINING each command waits for the complete response to the previous one.",
     &check_lockstep},
    {"POP3-STATE", "RFC 1939 §4, §5, §7; RFC 2595 §4; RFC 5034 §4", must, "MUST*",
     "Transaction commands only after login; USER/PASS/APOP/AUTH/STLS only before; nothing "
     "after QUIT.",
     &check_state},
    {"POP3-USER-PASS", "RFC 1939 §7", must, "MUST*",
     "PASS immediately follows a USER that got +OK.", &check_user_pass},
    {"POP3-APOP", "RFC 1939 §7", must, "MUST*",
     "APOP only after a greeting with a <timestamp>; digest = 32 lower-case hex of "
     "MD5(timestamp secret).",
     &check_apop},
    {"POP3-DELETED", "RFC 1939 §5, §7", must,
     "MUST* (\"may NOT refer to a message marked as "
     "deleted\")",
     "After DELE n (until RSET) message n is not used again.", &check_deleted},
    {"POP3-ARGS", "RFC 1939 §5, §7", must, "MUST*",
     "Message numbers are decimal 1..N; TOP takes a number and a line count.", &check_args},
    {"POP3-QUIT-UPDATE", "RFC 1939 §6", should, "semantic (server must not delete without QUIT)",
     "After DELE the client ends with QUIT in TRANSACTION state and waits for its +OK.",
     &check_quit_update},
    {"POP3-STLS-WAIT", "RFC 2595 §4", must, "MUST NOT",
     "Nothing follows STLS until its response; after +OK the TLS handshake starts at once.",
     &check_stls_wait},
    {"POP3-STLS-RESET", "RFC 2595 §4", must,
     "MUST (discard cached capabilities); SHOULD (re-issue CAPA)",
     "After STLS the client forgets pre-TLS capabilities and bytes, and sends CAPA again.",
     &check_stls_reset, true},
    {"POP3-CLEARTEXT", "RFC 2595 §2.3, §2.2; RFC 4616 §5", must,
     "MUST (be configurable to refuse); SHOULD NOT (PLAIN unprotected)",
     "Passwords (PASS, AUTH PLAIN/LOGIN) are not sent in the clear, nor after TLS failed.",
     &check_cleartext, true},
    {"POP3-AUTH-IR", "RFC 5034 §4", must, "MUST; MUST NOT",
     "Initial response base64 or '=', AUTH line ≤255 octets; responses base64 or '*'; not after "
     "login.",
     &check_auth_ir},
    {"POP3-AUTH-PLAIN-FMT", "RFC 4616 §2", must, "MUST* (ABNF)",
     "The PLAIN message is [authzid] NUL authcid NUL passwd, UTF-8, with non-empty parts.",
     &check_auth_plain_fmt},
};

}  // namespace

std::span<const rule* const> rules() {
  return catalogue_rules<session, &parse_session>("pop3", catalogue);
}

}  // namespace ph::harness::rules::pop3
