// POP3 responses as the client reads them: status lines, multi-line bodies, CAPA, LIST/STAT
// and UIDL listings, the APOP greeting timestamp. Input: the server's bytes; every "+OK" status
// line is read as the start of a multi-line response (its body runs to the "." line). A framing
// error ends the input, as it ends the client's connection.

#include <string>

#include "clients/net/errors.hpp"
#include "clients/pop3/apop.hpp"
#include "clients/pop3/response.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using namespace ph::clients;

namespace {

// Reads body lines as LIST and UIDL listings until each parser first refuses one (the client
// stops at the first malformed line too).
void listings(const std::vector<std::string>& body) {
  bool scan = true, uid = true;
  for (const auto& line : body) {
    if (scan) {
      try {
        (void)pop3::parse_scan_listing(line);
      } catch (const net::error&) {
        scan = false;
      }
    }
    if (uid) {
      try {
        const auto u = pop3::parse_uid_listing(line);
        ph::fuzz::check(!u.uid.empty() && u.uid.size() <= 70, "unique-id length");
      } catch (const net::error&) {
        uid = false;
      }
    }
    if (!scan && !uid) return;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto lines = ph::fuzz::lines(ph::fuzz::bytes(data, size));
  std::size_t i = 0;
  try {
    while (i < lines.size()) {
      const pop3::response status = pop3::parse_status(lines[i++]);
      (void)pop3::parse_response_code(status.text);
      if (auto ts = pop3::greeting_timestamp(status.text))
        ph::fuzz::check(ts->size() >= 3 && ts->front() == '<' && ts->back() == '>', "timestamp");
      if (!status.ok) continue;
      if (!status.text.empty() && status.text[0] >= '0' && status.text[0] <= '9')
        listings({status.text});  // STAT, or LIST/UIDL with an argument
      pop3::multiline_parser body(8192);
      bool complete = false;
      while (i < lines.size() && !complete)
        complete = body.feed(std::string(lines[i++])) == pop3::multiline_parser::status::complete;
      const pop3::multiline m = body.take();
      ph::fuzz::check(m.octets == m.data().size(), "multiline octets == data().size()");
      listings(m.lines);
      (void)pop3::parse_capabilities(m.lines);
    }
  } catch (const net::error&) {
  }
  return 0;
}
