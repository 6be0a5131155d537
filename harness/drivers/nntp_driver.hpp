#pragma once
// NNTP scenario steps as ph::clients::nntp::client calls: the ops connect, capabilities,
// mode_reader, starttls, authinfo, group, listgroup, article/head/body/stat, next, last,
// over/xover, list, newgroups, newnews, date, help, post, ihave, quit and close.

#include "harness/driver.hpp"

namespace ph::harness::drivers {

// The `client_driver` column of NNTP's row in harness/protocols.cpp.
extern const driver nntp_driver;

}  // namespace ph::harness::drivers
