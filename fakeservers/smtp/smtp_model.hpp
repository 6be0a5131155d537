#pragma once
// The SMTP model server: RFC 5321 sessions over a compiled [server.model].

#include <memory>

#include "fakeservers/model/model_loop.hpp"
#include "fakeservers/smtp/smtp_config.hpp"

namespace ph::fakeservers::smtp {

// [server.model] compiled into the model server every connection of the scenario shares;
// throws ph::scenario_error naming file:line.
std::shared_ptr<const model_server> compile_model(const ph::scenario& scen);

}  // namespace ph::fakeservers::smtp
