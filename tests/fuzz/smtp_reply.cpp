// SMTP replies as the client reads them: lines into reply_parser, completed EHLO replies into
// extensions::parse. Input: the server's bytes.

#include <system_error>

#include "clients/net/errors.hpp"
#include "clients/smtp/reply.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using namespace ph::clients;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // A small bound so that line_too_long is reachable within -max_len.
  smtp::reply_parser parser(4096);
  for (std::string_view line : ph::fuzz::lines(ph::fuzz::bytes(data, size))) {
    try {
      if (parser.feed(line) != smtp::reply_parser::status::complete) continue;
    } catch (const net::error&) {
      return 0;  // the client gives up on the connection
    }
    const smtp::reply r = parser.take();
    ph::fuzz::check(r.code >= 0 && r.code <= 999 && !r.lines.empty(), "reply code or lines");
    (void)r.text();
    const auto ext = smtp::extensions::parse(r);
    for (const auto& [keyword, params] : ext.features()) {
      ph::fuzz::check(ext.has(keyword) && ext.params(keyword) == params, "feature lookup");
    }
    (void)ext.auth_mechanisms();
    (void)ext.size_limit();
  }
  return 0;
}
