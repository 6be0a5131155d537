#pragma once
// Lexical checks the SMTP rules share: domains, address literals and paths (RFC 5321
// §4.1.2, §4.1.3); base64 and UTF-8 come from lexical.hpp. The judge's own grammar,
// written from the RFCs; nothing here is shared with clients/ or fakeservers/.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/rules/lexical.hpp"
#include "harness/rules/line_session.hpp"

namespace ph::harness::rules::smtp {

using line::iequals;
using line::upper;

// RFC 5321 §4.1.2 sub-domain: letters, digits and inner hyphens, 1-63 octets. With
// allow_utf8, octets >= 0x80 count as letters (RFC 6531 U-labels).
bool is_ldh_label(std::string_view label, bool allow_utf8 = false);
// RFC 5321 §4.1.2 Domain with LDH labels, at most 255 octets (§4.5.3.1.2).
bool is_domain(std::string_view domain, bool allow_utf8 = false);
// A Domain that is fully qualified (RFC 5321 §2.3.5): two labels or more, and a last label
// that is not all digits (else it is an IPv4 address written without brackets).
bool is_fqdn(std::string_view domain, bool allow_utf8 = false);
bool is_ipv4(std::string_view s);
// RFC 5321 §4.1.3 IPv6-addr (full, compressed, and with an IPv4 tail).
bool is_ipv6(std::string_view s);
// RFC 5321 §4.1.3 address-literal: "[IPv4]", "[IPv6:...]" or "[tag:content]".
bool is_address_literal(std::string_view s);
// An IPv4 or IPv6 address written where an address literal belongs.
bool is_bare_ip(std::string_view s);

using lexical::decode_base64;
using lexical::find_ctl;
using lexical::is_base64;
using lexical::is_utf8;
// Index of the first octet >= 0x80, or npos.
std::size_t find_8bit(std::string_view s);

// RFC 5321 §4.1.2 esmtp-param.
struct esmtp_param {
  std::string keyword;  // upper-cased
  std::string value;
  bool has_value = false;
  std::string raw;
};

// The argument of MAIL ("FROM:<path> params") or RCPT ("TO:<path> params"), read against
// RFC 5321 §4.1.2 and §3.3 (no space around the colon). Parsing goes on after a problem
// when it can, so other rules still see the mailbox and the parameters.
struct path_arg {
  std::vector<std::string> problems;  // empty when the argument matches the grammar
  bool found = false;                 // a path was located
  std::string path;                   // "<...>" as sent, or the bare token without brackets
  std::string mailbox;                // local@domain, without a source route
  std::string local;
  std::string domain;
  bool null_path = false;     // "<>"
  bool postmaster = false;    // RCPT "<Postmaster>" without a domain
  bool source_route = false;  // "<@relay:...>" (RFC 5321 §4.1.2 A-d-l)
  std::vector<esmtp_param> params;
};
path_arg parse_path_arg(std::string_view arg, bool rcpt);

}  // namespace ph::harness::rules::smtp
