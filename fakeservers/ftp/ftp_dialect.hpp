#pragma once

#include "fakeservers/engine/dialect.hpp"

namespace ph::fakeservers::ftp {

class ftp_dialect final : public dialect {
 public:
  std::shared_ptr<const model_server> compile(const harness::scenario& scen) const override;
  std::vector<std::string> block_kinds() const override;
  awaitable<std::optional<std::string>> read_block(session& s,
                                                   std::string_view kind) const override;
  std::string mismatch_reply() const override;
  line_limit command_line_limit() const override;
};

}  // namespace ph::fakeservers::ftp
