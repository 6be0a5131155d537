#pragma once
// The POP3 model server: one connection through AUTHORIZATION → TRANSACTION → UPDATE over
// the declared mailboxes. Each connection starts from them; deletions at QUIT are noted in
// the transcript.

#include <memory>

#include "fakeservers/model/model_loop.hpp"
#include "fakeservers/pop3/pop3_config.hpp"

namespace ph::fakeservers::pop3 {

// [server.model] compiled into the model server every connection of the scenario shares;
// throws ph::scenario_error naming file:line.
std::shared_ptr<const model_server> compile_model(const ph::scenario& scen);

}  // namespace ph::fakeservers::pop3
