#pragma once
// The FTP model server: one control connection (and its data connections) over a copy of
// the scenario's virtual file tree; uploads are visible to that connection only.

#include <memory>

#include "fakeservers/ftp/ftp_config.hpp"
#include "fakeservers/model/model_loop.hpp"

namespace ph::fakeservers::ftp {

// The model server every connection of a scenario shares.
std::shared_ptr<const model_server> make_model_server(model_config cfg);

}  // namespace ph::fakeservers::ftp
