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

using check_fn = check_function<session>;

// --- checks, in catalogue order (rfc-rules.md §3) ------------------------------------------

check_fn check_crlf, check_arg_nocrlf, check_telnet, check_greeting, check_lockstep,
    check_secondary, check_user_pass, check_type, check_ascii_eol, check_port, check_eprt,
    check_epsv_use, check_epsv_all, check_fresh_data, check_rest, check_rnfr_rnto, check_size_type,
    check_feat_use, check_host_order, check_auth_tls, check_pbsz_prot, check_data_tls_role,
    check_abor, check_cleartext;

}  // namespace ph::harness::rules::ftp
