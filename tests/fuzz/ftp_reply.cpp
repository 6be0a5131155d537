// FTP replies as the client reads them: lines into reply_parser, and what it parses out of
// complete replies by their code (227 PASV, 229 EPSV, 257 paths). Input: the server's bytes.
// Input that does not start with a reply is read as a data connection's MLSD listing. A
// framing error ends the input, as it ends the client's connection.

#include <string>

#include "clients/ftp/reply.hpp"
#include "clients/net/errors.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using namespace ph::clients;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto lines = ph::fuzz::lines(ph::fuzz::bytes(data, size));
  ftp::reply_parser parser;
  std::size_t i = 0;
  try {
    for (; i < lines.size(); ++i) {
      if (parser.feed(lines[i]) != ftp::reply_parser::state::done) continue;
      const ftp::reply& r = parser.result();
      ph::fuzz::check(r.kind() >= 1 && r.kind() <= 5 && !r.lines.empty(), "reply code and lines");
      const std::string text = r.text();
      try {
        if (r.code == 227) (void)ftp::parse_pasv(text);
        if (r.code == 229) ph::fuzz::check(ftp::parse_epsv(text).port != 0, "EPSV port");
      } catch (const net::error&) {
      }
      if (r.code == 257)
        if (auto dir = ftp::parse_257(text)) ph::fuzz::check(dir->size() < text.size(), "257 path");
    }
  } catch (const net::error&) {
    if (i == 0) {
      // Not a reply at all: an MLSD listing from a data connection.
      try {
        for (std::string_view line : lines)
          (void)ftp::parse_mlsd_line(line);
      } catch (const net::error&) {
      }
    }
  }
  return 0;
}
