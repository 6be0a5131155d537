#pragma once
// The NNTP model server: one reader connection over a scenario's compiled model.

#include <memory>

#include "fakeservers/model/model_loop.hpp"
#include "fakeservers/nntp/nntp_config.hpp"

namespace ph::fakeservers::nntp {

// [server.model] compiled into the model server every connection of the scenario shares;
// throws ph::scenario_error naming file:line.
std::shared_ptr<const model_server> compile_model(const ph::scenario& scen);

}  // namespace ph::fakeservers::nntp
