#pragma once
// The NNTP server side (RFC 3977, 4642 STARTTLS, 4643 AUTHINFO USER/PASS, 2980 XOVER).
//
// Script mode: block kind "article" (a POST/IHAVE article, raw, through CRLF "." CRLF);
// a line the script did not expect is answered "500 ...".
//
// Model mode: a reader server over [server.model] — groups with articles, posting_allowed
// (greeting 200 or 201), auth_required (480 until AUTHINFO), users, capabilities,
// overview_fmt, date. With an empty model it serves the defaults documented in
// scenarios/README.md ("NNTP"): group local.test with six articles (one body line starts
// with '.'), the empty group local.empty, posting allowed, user test/test.

#include "fakeservers/engine/dialect.hpp"

namespace ph::fakeservers::nntp {

// The NNTP dialect (the `dialect` column of its row in harness/protocols.cpp).
const dialect& server();

}  // namespace ph::fakeservers::nntp
