#pragma once
// Groups and articles as the NNTP model server writes them (RFC 3977, RFC 5536).

#include <cstdint>
#include <string>
#include <vector>

#include "fakeservers/nntp/nntp_config.hpp"

namespace ph::fakeservers::nntp {

// RFC 3977 §6.1.1: "211 count low high group".
std::string group_status(const group_def& g);

// RFC 3977 §7.6.3: "group high low status".
std::string active_line(const group_def& g);

// The article's header section, CRLF line ends, without the empty line.
std::string head_text(const article_def& a);

// The body with CRLF line ends (and a final CRLF unless empty).
std::string body_text(const article_def& a);

std::size_t body_lines(const article_def& a);

// RFC 3977 §8.3.2: number, then the LIST OVERVIEW.FMT fields, tab-separated; TAB, CR and
// LF in a value become spaces. Fields after the first seven carry their header name. Xref
// numbers an article in each of `groups` that holds it.
std::string overview_line(const article_def& a, std::int64_t number, const model_config& cfg,
                          const std::vector<group_def>& groups);

}  // namespace ph::fakeservers::nntp
