// HTTP/1.1 responses as the client reads them (RFC 9112): heads through head_parser (interim
// 1xx skipped), framing_for, then the body through body_decoder, response after response on
// one connection, as clients/http/session.cpp does. Input: byte 0 is the size of the pieces the
// bytes arrive in (0: all at once), byte 1 picks the request method, the rest is what the
// server sent.

#include <algorithm>
#include <string>

#include "clients/http/errors.hpp"
#include "clients/http/response_parser.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using namespace ph::clients;

namespace {

// RFC 9110 §5.5: no CR, LF or NUL reaches the caller in a field (a cookie jar or a redirect would
// send it on).
void clean_fields(const http::headers& fields) {
  for (const auto& [name, value] : fields.fields())
    ph::fuzz::check(
        (name + value).find_first_of(std::string_view("\r\n\0", 3)) == std::string::npos,
        "CR, LF or NUL in a parsed field");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const std::size_t piece = data[0] == 0 ? size : data[0];
  static const char* const methods[] = {"GET", "HEAD", "POST", "PUT"};
  const std::string_view method = methods[data[1] % 4];
  std::string_view rest = ph::fuzz::bytes(data + 2, size - 2);
  // The connection's receive buffer, filled a piece at a time as a socket would.
  std::string buffer;
  auto fill = [&] {
    const std::size_t n = std::min(piece, rest.size());
    buffer.append(rest.substr(0, n));
    rest.remove_prefix(n);
    return n > 0;
  };
  try {
    for (int responses = 0; responses < 64; ++responses) {
      http::head_parser head(4096);
      bool eof = false;
      while (!head.done()) {
        if (!buffer.empty()) {
          const std::size_t used = head.feed(buffer);
          ph::fuzz::check(used <= buffer.size(), "head_parser consumed more than fed");
          ph::fuzz::check(head.done() || used == buffer.size(), "head_parser left bytes unread");
          buffer.erase(0, used);
          continue;
        }
        if (!fill()) {
          eof = true;
          break;
        }
      }
      if (eof) return 0;
      const http::response_head& h = head.head();
      ph::fuzz::check(h.status >= 100 && h.status <= 999, "status range");
      clean_fields(h.fields);
      if (h.status / 100 == 1 && h.status != 101) continue;
      const http::body_framing framing = http::framing_for(h, method);
      http::body_decoder decoder(framing, 4096);
      std::string body;
      while (!decoder.done()) {
        if (!buffer.empty()) {
          const std::size_t used = decoder.feed(buffer, body);
          ph::fuzz::check(used <= buffer.size(), "body_decoder consumed more than fed");
          ph::fuzz::check(decoder.done() || used == buffer.size(), "body_decoder left bytes");
          buffer.erase(0, used);
          continue;
        }
        if (!fill()) {
          decoder.on_eof();
          break;
        }
      }
      if (framing.kind == http::body_kind::length)
        ph::fuzz::check(body.size() == framing.length, "Content-Length body size");
      if (framing.kind == http::body_kind::none) ph::fuzz::check(body.empty(), "no body");
      clean_fields(decoder.trailers());
      if (framing.kind == http::body_kind::until_close || h.status == 101) return 0;
    }
  } catch (const http::error&) {
  }
  return 0;
}
