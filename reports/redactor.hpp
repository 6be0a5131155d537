#pragma once
// Hides credentials in what the reports show. Two layers: every occurrence of the
// scenario's declared secrets, and protocol-aware masking of credential arguments that
// were never declared (a client under test may send any password it likes).

#include <string>
#include <string_view>
#include <vector>

#include "vocabulary/result.hpp"
#include "vocabulary/transcript.hpp"

namespace ph::reports {

class redactor {
 public:
  // `forms` are the credential forms masked: the protocol's, from the `redaction` column of
  // its row in the protocol registry (harness/protocols.cpp). Empty secrets are ignored.
  redactor(std::vector<std::string> secrets, ph::redaction_forms forms);
  // The result's secrets and redaction forms (scenario_result::redaction).
  explicit redactor(const ph::scenario_result& result);

  // A copy of `t` with credentials replaced by "***". Events keep their kind, order, index
  // and timing; a data event's bytes lose only the masked parts (one "***" per masked run of
  // bytes within the event), so line endings and splits stay as they were. Masked:
  //  - every occurrence of a secret, on either side, even when split across events;
  //  - the forms given of: the argument of client lines `AUTH <mech> <initial-response>`,
  //    `PASS <x>`, `AUTHINFO PASS <x>`, `AUTHINFO SASL <mech> <initial-response>`,
  //    `APOP <user> <digest>` (RFC 4954, 1939, 5034, 959, 4643), and HTTP
  //    `Authorization:`/`Proxy-Authorization:` credentials after the scheme (RFC 9110 §11.6);
  //  - any client line begun while the server's last complete line on that channel was one of
  //    the forms' SASL continuations (SMTP `334`, POP3 `+ `, NNTP `383`, FTP `334`/`335`).
  // Non-data events (notes, TLS text) get the free-text treatment below.
  [[nodiscard]] ph::transcript apply(const ph::transcript& t) const;

  // Free text (messages, evidence excerpts, logs): secrets replaced, and credential
  // commands masked as above where they start a line or a quotation ("got \"PASS x\"" gives
  // "got \"PASS ***\""). There is no server context, so continuation lines are not.
  [[nodiscard]] std::string apply(std::string_view text) const;

  // A copy of `j` with every string in it (at any depth, keys excepted) given the free-text
  // treatment above: step outcomes and expectations.
  [[nodiscard]] nlohmann::json apply_json(const nlohmann::json& j) const;

 private:
  std::vector<std::string> secrets_;
  ph::redaction_forms forms_;
};

}  // namespace ph::reports
