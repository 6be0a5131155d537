#pragma once
// The POP3 model server: one connection through AUTHORIZATION → TRANSACTION → UPDATE over
// the declared mailboxes. Each connection starts from them; deletions at QUIT are noted in
// the transcript.

#include <memory>

#include "fakeservers/model/model_loop.hpp"
#include "fakeservers/pop3/pop3_config.hpp"

namespace ph::fakeservers::pop3 {

// The model server every connection of a scenario shares.
std::shared_ptr<const model_server> make_model_server(model_config cfg);

}  // namespace ph::fakeservers::pop3
