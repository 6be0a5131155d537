#pragma once
// HTTP scenario steps as ph::clients::http::session calls: the ops request and its shorthands get,
// head, post, put, patch, delete and options, raise_for_status and close.

#include "harness/driver.hpp"

namespace ph::harness::drivers {

// The `client_driver` column of HTTP's row in harness/protocols.cpp.
extern const driver http_driver;

}  // namespace ph::harness::drivers
