#pragma once
// The HTTP/1.1 server side: script blocks (a request, its head, its rest, a chunked body)
// and a model server over declared routes. RFC 9112 (message syntax and framing),
// RFC 9110 (semantics: HEAD, 1xx, 204/304, redirects, Basic auth via RFC 7617).
// Its request parsing is its own: nothing is shared with clients/ or harness/rules/.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fakeservers/engine/dialect.hpp"
#include "fakeservers/http/http_request.hpp"

namespace ph::fakeservers::http {

class http_dialect final : public dialect {
 public:
  std::shared_ptr<const model_server> compile(const ph::scenario& scen) const override;
  // "request" (line, fields and body per its framing), "request-head" (line and fields),
  // "request-rest" (fields and body, after a step `expect`ed the request line),
  // "head-rest" (fields only, after `expect`), "request-body" (the body of the head read
  // last by "request-head"/"head-rest", per its framing: a script can send 100 Continue
  // between the two), "chunked-body" (a chunked body through its trailers).
  std::vector<std::string> block_kinds() const override;
  awaitable<std::optional<std::string>> read_block(session& s,
                                                   std::string_view kind) const override;
  std::string mismatch_reply() const override;
  line_limit command_line_limit() const override;
};

// The HTTP dialect (the `dialect` column of its row in harness/protocols.cpp).
const dialect& server();

}  // namespace ph::fakeservers::http
