#include "harness/rules/smtp/smtp_rules.hpp"

#include <string_view>
#include <vector>

#include "harness/rules/smtp/smtp_check.hpp"
#include "harness/rules/smtp/smtp_session.hpp"

namespace ph::harness::rules::smtp {

namespace {

// In catalogue order. SMTP-REPLY-CODE and SMTP-TIMEOUTS are not here: both need a second run
// or the client's configured timeouts, which a single transcript cannot show.
constexpr catalogue_row<session> catalogue[] = {
    {"SMTP-CRLF", "RFC 5321 §2.3.8", must, "MUST / MUST NOT",
     "Every line the client sends ends with CRLF; CR and LF never appear alone.", &check_crlf},
    {"SMTP-DATA-SMUGGLE", "RFC 5321 §2.3.8, §4.1.1.4, §4.5.2", must, "MUST NOT",
     "The content holds no dot framed by bare CR/LF that a lenient server could take for its end.",
     &check_data_smuggle},
    {"SMTP-DOT-STUFF", "RFC 5321 §4.5.2", must, "MUST* (mandatory procedure)",
     "A content line that starts with '.' is sent with one more '.'.", &check_dot_stuff},
    {"SMTP-DATA-END", "RFC 5321 §3.3, §4.1.1.4", must, "MUST*",
     "Content ends with CRLF.CRLF; the client adds the CRLF before the dot if the message lacks "
     "it.",
     &check_data_end},
    {"SMTP-DATA-354", "RFC 5321 §3.3", must, "MUST NOT",
     "Content is sent only after a 354 reply to DATA, never after another reply.", &check_data_354},
    {"SMTP-GREETING-WAIT", "RFC 5321 §4.3.1; §3.1", should, "SHOULD",
     "The client waits for the whole 220 greeting; after a 554 greeting it only sends QUIT.",
     &check_greeting_wait},
    {"SMTP-LOCKSTEP", "RFC 5321 §4.3.1", must, "MUST",
     "Without PIPELINING, each command waits for the whole reply to the previous one.",
     &check_lockstep},
    {"SMTP-PIPE-GROUP", "RFC 2920 §3.1; RFC 4954 §4", must,
     "MUST* (2920: \"can only appear as the last command in a group\"); MUST (4954, for AUTH); "
     "MUST (2920: count replies)",
     "With PIPELINING, EHLO, DATA, VRFY, EXPN, TURN, QUIT, NOOP, STARTTLS and AUTH only end a "
     "group.",
     &check_pipe_group},
    {"SMTP-PIPE-STATUS", "RFC 2920 §3.1", must, "MUST (check all statuses); should (lone dot)",
     "A pipelining client checks every reply; after 354 with every RCPT refused it sends only "
     "'.'.",
     &check_pipe_status, true},
    {"SMTP-EHLO-FIRST", "RFC 5321 §4.1.1.1, §4.1.4, §2.2.1", must,
     "MUST (EHLO/HELO before a transaction); SHOULD (prefer EHLO)",
     "A transaction starts only after EHLO (or HELO) got 250 since the last reset.",
     &check_ehlo_first, true},
    {"SMTP-HELO-FALLBACK", "RFC 5321 §3.2", should, "SHOULD",
     "If EHLO is not recognised the client retries with HELO and uses no extensions.",
     &check_helo_fallback},
    {"SMTP-EHLO-ARG", "RFC 5321 §4.1.4, §4.1.1.1, §2.3.5, §4.1.3, §4.1.2; RFC 6531 §3.7.1", must,
     "MUST (FQDN if possible); SHOULD (address literal otherwise); SHOULD NOT (trailing text); "
     "MUST NOT (local alias, non-LDH, non-ASCII)",
     "The EHLO/HELO argument is the client's FQDN or an address literal, and nothing else.",
     &check_ehlo_arg, true},
    {"SMTP-PATH-SYNTAX", "RFC 5321 §4.1.2, §3.3, §4.1.1.2–3, §3.6.1", must,
     "MUST* (ABNF; §3.3 singles out colon spacing); SHOULD NOT (source routes)",
     "MAIL FROM:<path> and RCPT TO:<path> follow the ABNF exactly: no spaces, angle brackets.",
     &check_path_syntax, true},
    {"SMTP-FQDN", "RFC 5321 §2.3.5, §4.1.2", must, "MUST NOT",
     "Envelope domains are fully qualified LDH names or address literals.", &check_fqdn},
    {"SMTP-ASCII-ENVELOPE", "RFC 5321 §2.4, §4.1.2; RFC 6531 §3.2, §3.4", must,
     "MUST NOT (non-ASCII/CTL without extension); MUST (SMTPUTF8 parameter when needed); SHOULD "
     "NOT (parameter when not needed)",
     "Envelope commands are ASCII without controls unless SMTPUTF8 is advertised and requested.",
     &check_ascii_envelope, true},
    {"SMTP-LEN-CMD", "RFC 5321 §4.5.3.1, §4.5.3.1.1–4; RFC 1870 §3; RFC 4954 §3; RFC 6531 §3.1",
     should, "SHOULD (avoid larger objects); MUST (be prepared for rejection)",
     "Command lines stay within 512 octets (plus extension allowances); paths within 256.",
     &check_len_cmd},
    {"SMTP-LEN-TEXT", "RFC 5321 §4.5.3.1.6; RFC 5322 §2.1.1, §2.3", must,
     "MUST (5322: ≤998 characters + CRLF); SHOULD (≤78)",
     "Each content line is at most 998 octets before its CRLF.", &check_len_text},
    {"SMTP-PARAMS-ADVERTISED", "RFC 5321 §4.1.1.3, §4.1.1.2, §4.1.1", must, "MUST NOT",
     "MAIL/RCPT parameters only of advertised extensions; DATA, RSET, QUIT take no argument.",
     &check_params_advertised},
    {"SMTP-ONE-TXN", "RFC 5321 §4.1.4", must, "MUST NOT",
     "No new MAIL while a transaction is open (until end-of-data reply, RSET or EHLO).",
     &check_one_txn},
    {"SMTP-8BIT", "RFC 5321 §2.4; RFC 6152 §2, §3", must,
     "MUST NOT (5321); must not (6152, lowercase)",
     "8-bit content only with 8BITMIME advertised and BODY=8BITMIME declared.", &check_8bit},
    {"SMTP-SIZE", "RFC 1870 §3, §5, §6, §6.2; RFC 5321 §4.5.3.1.7", must,
     "syntax (1*20DIGIT, once); should (estimate ≥ real size); should (RSET or QUIT after 452/552 "
     "to MAIL); SHOULD (use SIZE for large messages)",
     "SIZE is 1*20DIGIT, given once, not below the real size; no message above the limit.",
     &check_size, true},
    {"SMTP-STARTTLS-HANDSHAKE", "RFC 3207 §4", must, "MUST; SHOULD (abort if TLS cannot start)",
     "Nothing follows STARTTLS until its reply; after 220 comes a TLS ClientHello, not plaintext.",
     &check_starttls_handshake, true},
    {"SMTP-STARTTLS-RESET", "RFC 3207 §4.2; RFC 4954 §4", must,
     "MUST (discard pre-TLS knowledge); SHOULD (EHLO first)",
     "After the handshake the client sends EHLO first and uses only the post-TLS extensions.",
     &check_starttls_reset, true},
    {"SMTP-STARTTLS-ONCE", "RFC 3207 §4.2", must,
     "MUST NOT (restart TLS); implied (only when advertised)",
     "STARTTLS is not sent inside TLS, nor when the EHLO reply did not offer it.",
     &check_starttls_once, true},
    {"SMTP-AUTH-STATE", "RFC 4954 §3, §4", should, "implied (server MUST reply 503 / 504)",
     "AUTH only when advertised, with a listed mechanism, outside a transaction, once.",
     &check_auth_state},
    {"SMTP-AUTH-IR", "RFC 4954 §4", must, "MUST; MUST NOT",
     "Initial response and continuations are base64 ('=' empty, '*' cancel); AUTH line ≤512.",
     &check_auth_ir},
    {"SMTP-AUTH-PLAIN-FMT", "RFC 4616 §2", must, "MUST* (ABNF)",
     "The PLAIN message is [authzid] NUL authcid NUL passwd, UTF-8, with non-empty parts.",
     &check_auth_plain_fmt},
    {"SMTP-AUTH-CLEARTEXT", "RFC 4954 §14; RFC 4616 §5", must,
     "MUST NOT (PLAIN after a failed certificate/hostname check); SHOULD NOT (PLAIN without a "
     "protected channel)",
     "Password mechanisms (PLAIN, LOGIN) run only inside TLS.", &check_auth_cleartext, true},
    {"SMTP-QUIT", "RFC 5321 §4.1.1.10, §4.1.4, §3.8", must,
     "MUST NOT (close before QUIT); MUST (QUIT is the last command); SHOULD (wait for 221)",
     "The session ends with QUIT, the last command, and the client closes only after it.",
     &check_quit, true},
    {"SMTP-LOCALPART-CASE", "RFC 5321 §2.4", must, "MUST",
     "The case of a local-part is kept exactly as given.", &check_localpart_case},
    {"SMTP-RETURN-PATH", "RFC 5321 §4.4", should, "SHOULD NOT",
     "An originating client puts no Return-Path field in the message.", &check_return_path},
    {"SMTP-IMF-REQUIRED", "RFC 5322 §3.6", must, "MUST",
     "Exactly one Date and one From; at most one of each single-instance field.",
     &check_imf_required},
    {"SMTP-IMF-SENDER", "RFC 5322 §3.6.2", must, "MUST",
     "A From with several mailboxes comes with a single-mailbox Sender.", &check_imf_sender},
    {"SMTP-IMF-MSGID", "RFC 5322 §3.6.4", must, "SHOULD (present); MUST (unique, msg-id syntax)",
     "A Message-ID <id-left@id-right> is present and unique per message.", &check_imf_msgid, true},
    {"SMTP-IMF-FIELDS", "RFC 5322 §2.2, §2.2.3, §3.2.2, §3.5", must, "MUST; MUST NOT",
     "Every header line is a field or a fold with content; the header ends at the empty line.",
     &check_imf_fields},
    {"SMTP-IMF-DATE", "RFC 5322 §3.3, §3.1", must, "MUST",
     "Date is [day, ] DD Mon YYYY HH:MM[:SS] ±HHMM and a real date.", &check_imf_date},
    {"SMTP-IMF-ASCII", "RFC 5322 §2.1, §2.2; RFC 6531 §3.2", must,
     "MUST* (syntax); MUST NOT (UTF-8 headers without SMTPUTF8)",
     "Header fields are printable ASCII unless SMTPUTF8 is in use for the transaction.",
     &check_imf_ascii},
};

}  // namespace

std::span<const rule* const> rules() {
  return catalogue_rules<session, &parse_session>("smtp", catalogue);
}

}  // namespace ph::harness::rules::smtp
