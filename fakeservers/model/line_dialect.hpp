#pragma once
// The dialect of a line protocol, as data: the blocks a script may read (each ends at
// CRLF "." CRLF), the reply to a line the script did not expect, the command line limit,
// and how [server.model] compiles into its model server. SMTP, POP3, NNTP and FTP are one
// each (HTTP frames requests and has its own dialect class).

#include <memory>
#include <string>
#include <vector>

#include "fakeservers/engine/dialect.hpp"

namespace ph::fakeservers {

class line_dialect final : public dialect {
 public:
  struct spec {
    std::vector<std::string> dot_blocks;  // block kinds, dot-terminated (e.g. SMTP's "data")
    std::string mismatch_reply;
    line_limit limit;
    // [server.model] into the model server; throws ph::scenario_error.
    std::shared_ptr<const model_server> (*compile_model)(const ph::scenario& scen);
    const step_keys* script_keys = nullptr;  // [[server.step]] keys of its own (FTP: data_*)
  };

  explicit line_dialect(spec s) : spec_(std::move(s)) {}

  // In model mode, spec::compile_model; nullptr in script mode.
  std::shared_ptr<const model_server> compile(const ph::scenario& scen) const override;
  std::vector<std::string> block_kinds() const override { return spec_.dot_blocks; }
  // A dot-terminated block, raw (RFC 5321 §4.1.1.4, RFC 3977 §3.1.1).
  awaitable<std::optional<std::string>> read_block(session& s,
                                                   std::string_view kind) const override;
  std::string mismatch_reply() const override { return spec_.mismatch_reply; }
  line_limit command_line_limit() const override { return spec_.limit; }
  const step_keys* script_keys() const override { return spec_.script_keys; }

 private:
  spec spec_;
};

}  // namespace ph::fakeservers
