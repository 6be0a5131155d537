#pragma once
// The NNTP server side (RFC 3977, 4642 STARTTLS, 4643 AUTHINFO USER/PASS, 2980 XOVER).
//
// Script mode: block kind "article" (a POST/IHAVE article, raw, through CRLF "." CRLF);
// a line the script did not expect is answered "500 ...".
//
// Model mode: a reader server over [server.model] — groups with articles, posting_allowed
// (greeting 200 or 201), auth_required (480 until AUTHINFO), users, capabilities,
// overview_fmt, date. With an empty model it serves the defaults documented in
// scenarios/README.md ("NNTP"): group local.test with six articles (one body line starts
// with '.'), the empty group local.empty, posting allowed, user test/test.

#include "fakeservers/engine/dialect.hpp"

namespace ph::fakeservers::nntp {

class nntp_dialect final : public dialect {
 public:
  // Compiles [server.model] (groups, articles, users, ...) when mode = "model"; throws
  // harness::scenario_error naming file:line.
  std::shared_ptr<const model_server> compile(const harness::scenario& scen) const override;
  // {"article"}
  std::vector<std::string> block_kinds() const override;
  awaitable<std::optional<std::string>> read_block(session& s,
                                                   std::string_view kind) const override;
  std::string mismatch_reply() const override;
  line_limit command_line_limit() const override;
};

}  // namespace ph::fakeservers::nntp
