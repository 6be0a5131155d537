#pragma once
// The SMTP server side (RFC 5321, 3207 STARTTLS, 4954 AUTH PLAIN/LOGIN/CRAM-MD5, 1870 SIZE,
// 2920 PIPELINING): block kind "data" (the message, raw, through CRLF "." CRLF) for scripts,
// and the model server (smtp_model.hpp) over [server.model] (smtp_config.hpp).

#include "fakeservers/engine/dialect.hpp"

namespace ph::fakeservers::smtp {

// The SMTP dialect (the `dialect` column of its row in harness/protocols.cpp).
const dialect& server();

}  // namespace ph::fakeservers::smtp
