#pragma once
// The FTP model server: one control connection (and its data connections) over a copy of
// the scenario's virtual file tree; uploads are visible to that connection only.

#include <memory>

#include "fakeservers/ftp/ftp_config.hpp"
#include "fakeservers/model/model_loop.hpp"

namespace ph::fakeservers::ftp {

// [server.model] compiled into the model server every connection of the scenario shares;
// throws ph::scenario_error naming file:line.
std::shared_ptr<const model_server> compile_model(const ph::scenario& scen);

}  // namespace ph::fakeservers::ftp
