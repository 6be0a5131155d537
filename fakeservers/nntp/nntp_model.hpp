#pragma once
// The NNTP model server: one reader connection over a scenario's compiled model.

#include <memory>

#include "fakeservers/model/model_loop.hpp"
#include "fakeservers/nntp/nntp_config.hpp"

namespace ph::fakeservers::nntp {

// The model server every connection of a scenario shares.
std::shared_ptr<const model_server> make_model_server(model_config cfg);

}  // namespace ph::fakeservers::nntp
