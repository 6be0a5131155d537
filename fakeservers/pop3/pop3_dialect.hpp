#pragma once
// The POP3 server side: a well-behaved model server over declared mailboxes (RFC 1939,
// RFC 2449 CAPA and response codes, RFC 2595 STLS, RFC 5034 AUTH, RFC 3206 codes):
// pop3_model.hpp over [server.model] (pop3_config.hpp). Scripts need no POP3 block kinds.

#include "fakeservers/engine/dialect.hpp"

namespace ph::fakeservers::pop3 {

// The POP3 dialect (the `dialect` column of its row in harness/protocols.cpp).
const dialect& server();

}  // namespace ph::fakeservers::pop3
