#include "fakeservers/ftp/ftp_text.hpp"

#include <fmt/format.h>

namespace ph::fakeservers::ftp {

namespace {

const char* month(int m) {
  static const char* names[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  return names[(m >= 1 && m <= 12) ? m - 1 : 0];
}

}  // namespace

// RFC 959 §5.3.2 / §3.1.1.1: ASCII type sends lines with CRLF; the tree stores LF.
std::string to_netascii(std::string_view in) {
  std::string out;
  out.reserve(in.size() + in.size() / 32);
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '\n' && (i == 0 || in[i - 1] != '\r')) out += '\r';
    out += in[i];
  }
  return out;
}

std::string from_netascii(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i)
    if (!(in[i] == '\r' && i + 1 < in.size() && in[i + 1] == '\n')) out += in[i];
  return out;
}

// RFC 959 §4.2: a quote inside a 257 pathname is doubled.
std::string quote_path(const std::string& p) {
  std::string out = "\"";
  for (char c : p) {
    out += c;
    if (c == '"') out += '"';
  }
  return out + "\"";
}

std::string join(const std::vector<std::string>& parts) {
  if (parts.empty()) return "/";
  std::string out;
  for (const auto& p : parts)
    out += "/" + p;
  return out;
}

// One `ls -l` line (the de-facto LIST format; RFC 959 leaves it unspecified).
std::string list_line(const std::string& name, const node& n) {
  int mon = std::stoi(n.mtime.substr(4, 2));
  int day = std::stoi(n.mtime.substr(6, 2));
  return fmt::format("{}{} {:>3} {:<8} {:<8} {:>10} {} {:>2}  {} {}", n.dir ? 'd' : '-', n.perm,
                     n.dir ? 2 : 1, "ftp", "ftp", n.dir ? 4096 : n.content().size(), month(mon),
                     day, n.mtime.substr(0, 4), name);
}

// RFC 3659 §7.2: facts;facts; SP name. perm (§7.5.5) follows the containing directory's
// write bit for changes to the entry and the entry's own for what it holds.
std::string mlsd_line(const std::string& name, const node& n, bool parent_writable) {
  std::string perm = n.dir ? (n.writable() ? "elcmp" : "el") : "r";
  if (parent_writable) perm += n.dir ? "df" : "adfw";
  if (n.dir) return fmt::format("type=dir;modify={};perm={}; {}", n.mtime, perm, name);
  return fmt::format("type=file;size={};modify={};perm={}; {}", n.content().size(), n.mtime, perm,
                     name);
}

}  // namespace ph::fakeservers::ftp
