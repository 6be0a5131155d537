#pragma once
// Internal to the HTTP rules: how one check reports on one connection, and the checks
// themselves (one function per catalogue rule).

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "harness/rules/catalogue.hpp"
#include "harness/rules/http/http_session.hpp"
#include "harness/rules/rule.hpp"

namespace ph::harness::rules::http {

using check_fn = check_function<session>;

// The requests that carry a request line (not only stray empty lines).
bool is_message(const request& r);
// The event holding byte `offset` of the client stream, or the request's first event.
int event_in(const session& s, const request& r, std::size_t offset);
// The path of a request target (origin or absolute form), "/" when empty.
std::string path_of(std::string_view target);
// RFC 3986 §5.2.4: `in` with its dot-segments removed.
std::string remove_dots(std::string_view in);
// The request's Host field value, lower-cased ("" without one).
std::string host_of(const request& r);

// --- checks, in catalogue order ----------------------------------------------------------

check_fn check_crlf, check_no_extra_crlf, check_request_line, check_target_chars, check_origin_form,
    check_host, check_no_userinfo, check_field_syntax, check_dup_fields, check_cl_te,
    check_body_framed, check_cl_exact, check_chunked, check_te_conn, check_expect_100,
    check_conn_close, check_pipeline, check_retry, check_no_body_methods, check_date, check_referer,
    check_redirect_method, check_redirect_headers, check_basic, check_cookie_header,
    check_cookie_scope, check_form_parts, check_form_boundary, check_uri_encoding;

}  // namespace ph::harness::rules::http
