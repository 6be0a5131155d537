#pragma once
// POP3 scenario steps as ph::clients::pop3::client calls: the ops connect, capa, stls, user/pass,
// apop, auth, stat, list, uidl, retr, top, dele, noop, rset, quit and close.

#include "harness/driver.hpp"

namespace ph::harness::drivers {

// The `client_driver` column of POP3's row in harness/protocols.cpp.
extern const driver pop3_driver;

}  // namespace ph::harness::drivers
