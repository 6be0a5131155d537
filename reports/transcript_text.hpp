#pragma once
// The human-readable transcript (DESIGN.md, "Transcript text form"):
//
//   # smtp/data-dot-stuffing · conn 1 · control · 127.0.0.1:40122 → 127.0.0.1:39001
//      0.000 S: 220 fake.test ESMTP␍␊
//      0.311 C: EHLO client.test␍␊
//      0.350 C+ (the rest of a line whose start came in an earlier read)
//      0.402 -- TLS handshake started --

#include <string>

#include "reports/render_options.hpp"
#include "vocabulary/result.hpp"
#include "vocabulary/transcript.hpp"

namespace ph::reports {

// Every connection of `result`, one block per channel, each starting with a header line.
// Rows: "<ms since the connection started, 3 decimals> <who>: <bytes made visible>" where
// <who> is C (client) or S (server). A data event holding several lines gives one row per
// line with the same time stamp; a row continuing a line begun by an earlier event of the
// same side is marked "C+"/"S+", so the way the bytes were split into writes stays visible.
// Bytes are shown with `visible()` (CR ␍, LF ␊, TAB ␉, other controls and invalid UTF-8
// as \xNN). TLS boundaries, closes, resets and notes are rows of their own ("-- ... --").
// Unless options.full_data, an event over options.max_rows rows or max_event_bytes bytes
// keeps its first rows and then says "… N more bytes (sha256 <of the whole event>)".
// A transcript the recorder cut (transcript::elided) ends with a line saying so: the note
// row where recording stopped, then "# <id> · conn N · elided at event E: <what was dropped,
// with its SHA-256>".
// With options.redact (the default) credentials are masked as `redactor` describes.
// A result without connections renders as one header line saying so.
std::string render_transcript(const ph::scenario_result& result, const render_options& options);

// One connection, as above; `id` is used in the header lines. `t` is rendered as given
// (no redaction here: pass a redacted copy).
std::string render_connection(const ph::transcript& t, std::string_view id,
                              const render_options& options);

}  // namespace ph::reports
