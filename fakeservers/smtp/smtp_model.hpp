#pragma once
// The SMTP model server: RFC 5321 sessions over a compiled [server.model].

#include <memory>

#include "fakeservers/model/model_loop.hpp"
#include "fakeservers/smtp/smtp_config.hpp"

namespace ph::fakeservers::smtp {

// The model server every connection of a scenario shares.
std::shared_ptr<const model_server> make_model_server(model_config cfg);

}  // namespace ph::fakeservers::smtp
