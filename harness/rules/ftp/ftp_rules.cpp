#include "harness/rules/ftp/ftp_rules.hpp"

#include <string_view>
#include <vector>

#include "harness/rules/ftp/ftp_check.hpp"
#include "harness/rules/ftp/ftp_session.hpp"

namespace ph::harness::rules::ftp {

namespace {

// In catalogue order, plus FTP-CLEARTEXT (a security finding). Not here: FTP-PATH-SPACE,
// FTP-MULTILINE, FTP-FIRST-DIGIT, FTP-EPSV-ADDR, FTP-LISTEN-FIRST, FTP-HOST-SYNTAX,
// FTP-HOST-TLS and FTP-TLS-NO-OOB need packet metadata (SYN destinations, urgent flag, SNI)
// or judge what the client did with replies; scenarios check those through the outcome.
constexpr catalogue_row<session> catalogue[] = {
    {"FTP-CRLF", "RFC 959 §4.1, §5.3; RFC 1123 §4.1.2.10", must, "MUST*",
     "Each command ends with CRLF; no bare CR or LF.", &check_crlf},
    {"FTP-ARG-NOCRLF", "RFC 959 §5.3.2", must, "MUST* (grammar)",
     "Arguments never carry CR or LF: the client refuses them instead of sending two commands.",
     &check_arg_nocrlf},
    {"FTP-TELNET", "RFC 1123 §4.1.2.12; RFC 3659 §2.2", must, "MUST NOT; MUST",
     "0xFF in a pathname is doubled; no Telnet option negotiation.", &check_telnet},
    {"FTP-GREETING", "RFC 959 §5.4", should, "should*",
     "The client waits for the 220 greeting (after any 120) before its first command.",
     &check_greeting},
    {"FTP-LOCKSTEP", "RFC 959 §5.4, §4.1.3", should, "should*",
     "Each command waits for the reply to the previous one (ABOR/STAT/QUIT in a transfer "
     "excepted).",
     &check_lockstep},
    {"FTP-SECONDARY", "RFC 959 §5.4, §4.2", should, "should*",
     "After a 1xx the client waits for the completion reply before its next command.",
     &check_secondary},
    {"FTP-USER-PASS", "RFC 959 §4.1.1, §4.2", must, "must*",
     "PASS right after a USER answered 331; ACCT only after 332/532.", &check_user_pass},
    {"FTP-TYPE", "RFC 959 §5.1, §3.1.1, §5.3.2", must,
     "must* (type-code grammar); semantic (TYPE I for byte-exact transfers)",
     "Only grammar-valid TYPE codes; binary transfers run under TYPE I.", &check_type, true},
    {"FTP-ASCII-EOL", "RFC 959 §3.1.1.1", should, "should*",
     "Data the client sends under TYPE A uses CRLF line ends.", &check_ascii_eol},
    {"FTP-PORT", "RFC 959 §4.1.2, §5.3.2; RFC 1123 §4.1.2.5", must,
     "must* (grammar); SHOULD (new port per transfer)",
     "PORT h1,h2,h3,h4,p1,p2 with values 0-255, naming the client's address; a new port each "
     "time.",
     &check_port, true},
    {"FTP-EPRT", "RFC 2428 §2", must, "MUST",
     "EPRT SP <d>proto<d>addr<d>port<d>, delimiter 33-126, address matching the protocol.",
     &check_eprt},
    {"FTP-EPSV-USE", "RFC 2428 §4", must, "MUST",
     "EPSV for two-party transfers; PASV/PORT only after the extended command was refused.",
     &check_epsv_use},
    {"FTP-EPSV-ALL", "RFC 2428 §3, §4", must, "MUST",
     "After EPSV ALL no PORT, EPRT or PASV on the session.", &check_epsv_all},
    {"FTP-FRESH-DATA", "RFC 1123 §4.1.2.5, §4.1.2.6", should, "SHOULD (MUST third-party)",
     "Each transfer gets its own data-port negotiation.", &check_fresh_data},
    {"FTP-REST", "RFC 959 §4.1.3; RFC 3659 §5.3", must, "must*",
     "REST (decimal offset) immediately before RETR/STOR/APPE; a fresh REST after a failed "
     "restart.",
     &check_rest, true},
    {"FTP-RNFR-RNTO", "RFC 959 §4.1.3", must, "must*",
     "RNFR answered 350 is immediately followed by RNTO.", &check_rnfr_rnto},
    {"FTP-SIZE-TYPE", "RFC 3659 §4, §5.2", should, "semantic",
     "A REST offset comes from a SIZE taken under the transfer's TYPE.", &check_size_type},
    {"FTP-FEAT-USE", "RFC 2389 §3, §3.1, §3.2", should, "implied",
     "FEAT without arguments; after a successful FEAT only listed extensions are used.",
     &check_feat_use},
    {"FTP-HOST-ORDER", "RFC 7151 §3, §3.2.2", must, "MUST",
     "HOST before USER (after connecting or REIN), never after login.", &check_host_order},
    {"FTP-AUTH-TLS", "RFC 4217 §4.1, §4.2; RFC 2228 §3", must,
     "SHOULD (AUTH TLS); MUST (handshake, USER after it)",
     "AUTH TLS, the handshake right after 234, then USER again and TYPE re-established.",
     &check_auth_tls, true},
    {"FTP-PBSZ-PROT", "RFC 4217 §8, §9; RFC 2228 §3", must, "MUST",
     "PBSZ 0 then PROT P or C, both after the control connection's TLS handshake.",
     &check_pbsz_prot},
    {"FTP-DATA-TLS-ROLE", "RFC 4217 §7", must, "MUST",
     "On protected data connections the FTP client is the TLS client.", &check_data_tls_role},
    {"FTP-ABOR", "RFC 959 §4.1.3", should, "should* (\"tentatively recommended\")",
     "Aborting a running transfer: IAC IP, IAC DM (Synch), then ABOR.", &check_abor},
    {"FTP-CLEARTEXT", "RFC 4217 §4; RFC 2228 §3", must, "security (server required TLS)",
     "No password in cleartext after the server required TLS or accepted AUTH TLS.",
     &check_cleartext},
};

}  // namespace

std::span<const rule* const> rules() {
  return catalogue_rules<session, &parse_session>("ftp", catalogue);
}

}  // namespace ph::harness::rules::ftp
