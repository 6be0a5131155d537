#pragma once
// What the FTP model server writes: ASCII-type data, quoted paths and directory listings
// (RFC 959, RFC 3659).

#include <string>
#include <string_view>
#include <vector>

#include "fakeservers/ftp/ftp_config.hpp"

namespace ph::fakeservers::ftp {

// RFC 959 §5.3.2 / §3.1.1.1: ASCII type sends lines with CRLF; the tree stores LF.
std::string to_netascii(std::string_view in);
std::string from_netascii(std::string_view in);

// RFC 959 §4.2: a quote inside a 257 pathname is doubled.
std::string quote_path(const std::string& p);

// "/a/b" for {"a", "b"}; "/" for none.
std::string join(const std::vector<std::string>& parts);

// One `ls -l` line (the de-facto LIST format; RFC 959 leaves it unspecified).
std::string list_line(const std::string& name, const node& n);

// RFC 3659 §7.2: facts;facts; SP name. perm (§7.5.5) follows the containing directory's
// write bit for changes to the entry and the entry's own for what it holds.
std::string mlsd_line(const std::string& name, const node& n, bool parent_writable);

}  // namespace ph::fakeservers::ftp
