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

using check_fn = void (*)(const session& s, const context& ctx, findings& f);

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

void check_crlf(const session&, const context&, findings&);
void check_no_extra_crlf(const session&, const context&, findings&);
void check_request_line(const session&, const context&, findings&);
void check_target_chars(const session&, const context&, findings&);
void check_origin_form(const session&, const context&, findings&);
void check_host(const session&, const context&, findings&);
void check_no_userinfo(const session&, const context&, findings&);
void check_field_syntax(const session&, const context&, findings&);
void check_dup_fields(const session&, const context&, findings&);
void check_cl_te(const session&, const context&, findings&);
void check_body_framed(const session&, const context&, findings&);
void check_cl_exact(const session&, const context&, findings&);
void check_chunked(const session&, const context&, findings&);
void check_te_conn(const session&, const context&, findings&);
void check_expect_100(const session&, const context&, findings&);
void check_conn_close(const session&, const context&, findings&);
void check_pipeline(const session&, const context&, findings&);
void check_retry(const session&, const context&, findings&);
void check_no_body_methods(const session&, const context&, findings&);
void check_date(const session&, const context&, findings&);
void check_referer(const session&, const context&, findings&);
void check_redirect_method(const session&, const context&, findings&);
void check_redirect_headers(const session&, const context&, findings&);
void check_basic(const session&, const context&, findings&);
void check_cookie_header(const session&, const context&, findings&);
void check_cookie_scope(const session&, const context&, findings&);
void check_form_parts(const session&, const context&, findings&);
void check_form_boundary(const session&, const context&, findings&);
void check_uri_encoding(const session&, const context&, findings&);

}  // namespace ph::harness::rules::http
