#pragma once
// The HTTP model server: persistent connections answering requests from declared routes.

#include <memory>

#include "fakeservers/http/http_config.hpp"
#include "fakeservers/model/model_loop.hpp"

namespace ph::fakeservers::http {

// The model server every connection of a scenario shares.
std::shared_ptr<const model_server> make_model_server(model_config cfg);

}  // namespace ph::fakeservers::http
