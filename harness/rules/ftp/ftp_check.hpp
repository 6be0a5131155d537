#pragma once
// Internal to the FTP rules: how one check reports on one connection, and the checks
// themselves (one function per catalogue rule).

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "harness/rules/ftp/ftp_session.hpp"
#include "harness/rules/rule.hpp"

namespace ph::harness::rules::ftp {

// Collects one rule's findings on one connection. A rule whose catalogue row mixes levels
// reports breaks of its weaker part with fail_weak(), which points the result at a
// SHOULD-level twin of the rule's info (same id) so the verdict is WARN.
class findings {
 public:
  findings(const rule_info& info, const rule_info& weak) : info_(info), weak_(weak) {}

  // The transcript exercised the rule (without this the result is not_applicable).
  void applied() { applied_ = true; }
  void fail(std::string message, int event, std::string_view bytes);
  void fail_weak(std::string message, int event, std::string_view bytes);
  [[nodiscard]] rule_result result() const;

 private:
  struct finding {
    std::string message;
    evidence ev;
  };
  static void add(std::vector<finding>& to, std::string message, int event, std::string_view bytes);

  const rule_info& info_;
  const rule_info& weak_;
  bool applied_ = false;
  std::vector<finding> strong_;
  std::vector<finding> weak_findings_;
  std::size_t strong_total_ = 0;
  std::size_t weak_total_ = 0;
};

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
