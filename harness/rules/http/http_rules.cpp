#include "harness/rules/http/http_rules.hpp"

#include <string_view>
#include <vector>

#include "harness/rules/http/http_check.hpp"
#include "harness/rules/http/http_session.hpp"

namespace ph::harness::rules::http {

namespace {

// In catalogue order. HTTP-PROXY-FORM and HTTP-CONNECT-FORM need a proxy scenario,
// HTTP-VERSION the client's own view of responses, HTTP-TLS-CLOSE TLS alert records and
// HTTP-TLS-IDENTITY the certificate: none is decidable from this transcript.
constexpr catalogue_row<session> catalogue[] = {
    {"HTTP-CRLF", "RFC 9112 §2.1, §2.2; RFC 9110 §2.2", must, "MUST NOT (bare CR)",
     "Request and field lines end with CRLF; no bare CR or LF outside the content.", &check_crlf},
    {"HTTP-NO-EXTRA-CRLF", "RFC 9112 §2.2", must, "MUST NOT; MUST",
     "No CRLF before a request or after its body.", &check_no_extra_crlf},
    {"HTTP-REQUEST-LINE", "RFC 9112 §3, §2.3; RFC 9110 §2.2, §9.1", must, "MUST* (ABNF)",
     "method SP request-target SP HTTP/1.1 CRLF; case-sensitive method, upper-case HTTP.",
     &check_request_line},
    {"HTTP-TARGET-CHARS", "RFC 9112 §3.2; RFC 3986 §2, §3.5; RFC 9110 §7.1", must, "MUST*",
     "The request-target has no whitespace, CTLs, raw non-ASCII or fragment.", &check_target_chars},
    {"HTTP-ORIGIN-FORM", "RFC 9112 §3.2.1", must, "MUST",
     "To an origin server: absolute-path [\"?\" query], \"/\" for an empty path.",
     &check_origin_form},
    {"HTTP-HOST", "RFC 9112 §3.2; RFC 9110 §7.2, §5.3; RFC 3986 §3.2.2", must,
     "MUST; SHOULD (first field)",
     "Exactly one Host: the target's authority without userinfo, IPv6 bracketed; sent first.",
     &check_host, true},
    {"HTTP-NO-USERINFO", "RFC 9110 §4.2.4, §10.1.3", must, "MUST NOT",
     "No user:pass@ in the request-target, Host, Referer or other URI fields.", &check_no_userinfo},
    {"HTTP-FIELD-SYNTAX", "RFC 9112 §5.1, §5.2, §2.2; RFC 9110 §5.1, §5.5, §5.6.1.1, §5.6.3", must,
     "MUST* / MUST NOT",
     "token \":\" value; no space before the colon, no obs-fold, no CR/LF/NUL, no empty list "
     "members.",
     &check_field_syntax},
    {"HTTP-DUP-FIELDS", "RFC 9110 §5.3; RFC 9112 §6.3", must, "MUST NOT",
     "Only list-based fields repeat; never two Host or Content-Length lines.", &check_dup_fields},
    {"HTTP-CL-TE", "RFC 9112 §6.2", must, "MUST NOT",
     "Never Content-Length together with Transfer-Encoding.", &check_cl_te},
    {"HTTP-BODY-FRAMED", "RFC 9112 §6.3; RFC 9110 §8.6", must,
     "MUST (framed); SHOULD (CL 0 on empty POST); SHOULD NOT (CL on GET)",
     "Every body is framed by Content-Length or chunked.", &check_body_framed, true},
    {"HTTP-CL-EXACT", "RFC 9110 §8.6; RFC 9112 §6.3", must, "MUST*",
     "Content-Length is 1*DIGIT and equals the body octets sent.", &check_cl_exact},
    {"HTTP-CHUNKED", "RFC 9112 §6.1, §7.1, §7.1.2; RFC 9110 §6.5.1", must, "MUST; MUST NOT",
     "chunked once and last, hex sizes, CRLFs, last chunk, final CRLF, no framing fields in "
     "trailers.",
     &check_chunked},
    {"HTTP-TE-CONN", "RFC 9112 §7.4; RFC 9110 §7.6.1, §7.8, §10.1.4", must, "MUST; MUST NOT",
     "TE never lists chunked; TE and Upgrade come with Connection options; no end-to-end "
     "options.",
     &check_te_conn},
    {"HTTP-EXPECT-100", "RFC 9110 §10.1.1", must,
     "MUST NOT (without content); SHOULD NOT (wait indefinitely); SHOULD (retry after 417)",
     "100-continue only with content; the body follows a 100 or a bounded wait.", &check_expect_100,
     true},
    {"HTTP-CONN-CLOSE", "RFC 9112 §9.3, §9.6", must, "MUST",
     "After sending or receiving Connection: close, nothing more is sent on the connection.",
     &check_conn_close},
    {"HTTP-PIPELINE", "RFC 9112 §9.2, §9.3.2", should,
     "SHOULD NOT (pipeline after a non-idempotent request)",
     "Nothing is pipelined behind a non-idempotent request.", &check_pipeline},
    {"HTTP-RETRY", "RFC 9110 §9.2.2; RFC 9112 §9.3.1", should, "SHOULD NOT",
     "A non-idempotent request is not resent automatically.", &check_retry},
    {"HTTP-NO-BODY-METHODS", "RFC 9110 §9.3.1, §9.3.2, §9.3.5, §9.3.8", must,
     "SHOULD NOT (GET/HEAD/DELETE content); MUST NOT (TRACE content or credentials)",
     "No content on GET, HEAD or DELETE; TRACE carries neither content nor credentials.",
     &check_no_body_methods, true},
    {"HTTP-DATE", "RFC 9110 §5.6.7", must, "MUST; MUST NOT",
     "Client-generated HTTP-dates are IMF-fixdate.", &check_date},
    {"HTTP-REFERER", "RFC 9110 §10.1.3", must, "MUST NOT; MUST; SHOULD NOT",
     "Referer has no fragment or userinfo; no https Referer on an http request.", &check_referer,
     true},
    {"HTTP-REDIRECT-METHOD", "RFC 9110 §15.4.8, §15.4.9, §15.4.2-4", must,
     "MUST NOT (307); not allowed (308); 303 → GET",
     "307 and 308 are followed with the same method and content; 303 with GET.",
     &check_redirect_method, true},
    {"HTTP-REDIRECT-HEADERS", "RFC 9110 §15.4, §10.2.2; RFC 3986 §5.2", should, "SHOULD",
     "Authorization and Cookie of the old target do not reach another host; content fields "
     "dropped on GET.",
     &check_redirect_headers},
    {"HTTP-BASIC", "RFC 7617 §2, §2.1", must, "MUST NOT (CTLs); invalid (colon in user-id)",
     "Authorization: Basic SP base64(user-id \":\" password), padded, no CTLs.", &check_basic},
    {"HTTP-COOKIE-HEADER", "RFC 6265 §5.4, §4.2.1", must, "MUST NOT; MUST",
     "One Cookie field of name=value pairs joined by \"; \".", &check_cookie_header},
    {"HTTP-COOKIE-SCOPE", "RFC 6265 §5.1.3, §5.1.4, §5.2.2, §5.2.3, §5.3, §5.4", must, "MUST",
     "Cookies go only where Domain, Path and Secure allow, and never after expiry.",
     &check_cookie_scope},
    {"HTTP-FORM-PARTS", "RFC 7578 §4.2, §4.3, §4.4, §4.7, §4.8", must, "MUST; MUST NOT",
     "Each part has Content-Disposition: form-data; name; no filename*, no "
     "Content-Transfer-Encoding.",
     &check_form_parts},
    {"HTTP-FORM-BOUNDARY", "RFC 7578 §4.1; RFC 2046 §5.1.1", must, "MUST NOT",
     "The boundary (1-70 chars) occurs in no part; the body ends with --boundary--.",
     &check_form_boundary},
    {"HTTP-URI-ENCODING", "RFC 3986 §2.1, §2.3, §2.4, §2.5, §5.2.4", must,
     "must not (dot-segments, encode twice); should (upper-case hex, unreserved unencoded)",
     "No dot-segments in the target; percent-encoding once, upper-case, unreserved left alone.",
     &check_uri_encoding, true},
};

}  // namespace

std::span<const rule* const> rules() {
  return catalogue_rules<session, &parse_session>("http", catalogue);
}

}  // namespace ph::harness::rules::http
