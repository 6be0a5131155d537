#pragma once
// Byte encodings the reports share: visible control characters, UTF-8 checks, base64 and
// SHA-256 (both the harness model's).

#include <cstddef>
#include <string>
#include <string_view>

#include "vocabulary/base64.hpp"
#include "vocabulary/digest.hpp"
#include "vocabulary/result.hpp"

namespace ph::reports {

// Length of the well-formed UTF-8 sequence starting at s[i] (1 to 4), or 0 when s[i] does
// not start one (stray continuation byte, overlong form, surrogate, above U+10FFFF, truncated).
std::size_t utf8_sequence_length(std::string_view s, std::size_t i);

bool is_valid_utf8(std::string_view s);

// The largest n' <= n such that s.substr(0, n') does not end inside a UTF-8 sequence.
std::size_t utf8_safe_cut(std::string_view s, std::size_t n);

// Raw bytes made readable on one line: CR as "␍", LF as "␊", TAB as "␉", other control
// bytes (C0, DEL) and bytes that are not part of valid UTF-8 as "\xNN". Valid UTF-8 text
// other than controls is kept as is. The result is valid UTF-8 without control characters.
std::string visible(std::string_view bytes);

// visible(bytes), cut to at most `max_bytes` input bytes (on a UTF-8 boundary) and marked
// with a trailing "…" when cut. For one-line excerpts in messages and consoles.
std::string visible_excerpt(std::string_view bytes, std::size_t max_bytes = 120);

// " (N bytes in all, sha256 X)" for evidence whose excerpt was cut, else empty.
std::string evidence_cut_note(const ph::evidence& ev);

// RFC 4648 §4 base64 with padding (the harness model's).
using ph::base64_encode;

// `text` escaped for XML 1.0 character data (and HTML: JUnit, the HTML view, compare --html), or an
// attribute value when `attribute` (then TAB, LF and CR become character references so that
// attribute normalisation keeps them). Characters XML 1.0 forbids (C0 controls other than
// TAB/LF/CR, U+FFFE, U+FFFF) and bytes that are not valid UTF-8 become the visible text "\xNN".
std::string xml_escape(std::string_view text, bool attribute = false);

// FIPS 180-4 SHA-256 of `bytes`, as 64 lower-case hex digits (the harness model's).
using ph::sha256_hex;

}  // namespace ph::reports
