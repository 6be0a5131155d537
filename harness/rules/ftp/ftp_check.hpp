#pragma once
// Internal to the FTP rules: how one check reports on one connection, and the checks
// themselves (one function per catalogue rule).

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "harness/rules/catalogue.hpp"
#include "harness/rules/ftp/ftp_session.hpp"
#include "harness/rules/rule.hpp"

namespace ph::harness::rules::ftp {

using check_fn = void (*)(const session& s, const context& ctx, findings& f);

// --- checks, in catalogue order (rfc-rules.md §3) ------------------------------------------

void check_crlf(const session&, const context&, findings&);
void check_arg_nocrlf(const session&, const context&, findings&);
void check_telnet(const session&, const context&, findings&);
void check_greeting(const session&, const context&, findings&);
void check_lockstep(const session&, const context&, findings&);
void check_secondary(const session&, const context&, findings&);
void check_user_pass(const session&, const context&, findings&);
void check_type(const session&, const context&, findings&);
void check_ascii_eol(const session&, const context&, findings&);
void check_port(const session&, const context&, findings&);
void check_eprt(const session&, const context&, findings&);
void check_epsv_use(const session&, const context&, findings&);
void check_epsv_all(const session&, const context&, findings&);
void check_fresh_data(const session&, const context&, findings&);
void check_rest(const session&, const context&, findings&);
void check_rnfr_rnto(const session&, const context&, findings&);
void check_size_type(const session&, const context&, findings&);
void check_feat_use(const session&, const context&, findings&);
void check_host_order(const session&, const context&, findings&);
void check_auth_tls(const session&, const context&, findings&);
void check_pbsz_prot(const session&, const context&, findings&);
void check_data_tls_role(const session&, const context&, findings&);
void check_abor(const session&, const context&, findings&);
void check_cleartext(const session&, const context&, findings&);

}  // namespace ph::harness::rules::ftp
