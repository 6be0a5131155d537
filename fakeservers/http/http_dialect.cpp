// The HTTP server side (placeholder until the dialect lands: it refuses service).

#include "fakeservers/http/http_dialect.hpp"

namespace ph::fakeservers::http {

void http_dialect::validate(const harness::scenario&) const {}

awaitable<void> http_dialect::serve_model(session& s) const {
  co_await s.send_raw("HTTP/1.1 501 Not Implemented\r\ncontent-length: 0\r\n\r\n");
}

std::vector<std::string> http_dialect::block_kinds() const {
  return {};
}

awaitable<std::optional<std::string>> http_dialect::read_block(session&, std::string_view) const {
  co_return std::nullopt;
}

std::string http_dialect::mismatch_reply() const {
  return "HTTP/1.1 501 Not Implemented";
}

}  // namespace ph::fakeservers::http
