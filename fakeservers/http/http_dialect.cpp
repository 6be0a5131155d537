// The HTTP/1.1 server side: script blocks (requests framed by http_request.hpp) and the
// model server (http_model.hpp).

#include "fakeservers/http/http_dialect.hpp"

#include <map>

#include "fakeservers/http/http_model.hpp"
#include "fakeservers/model/model_config.hpp"

namespace ph::fakeservers::http {

namespace {

// The framing of the head a script step read last ("request-head", "head-rest") for a
// following "request-body" step. Per thread: each fake server runs on its own thread.
thread_local std::map<const session*, std::string> pending_framing;

}  // namespace

std::shared_ptr<const model_server> http_dialect::compile(const ph::scenario& scen) const {
  if (!model_mode(scen)) return nullptr;
  return make_model_server(parse_model(scen));
}

std::vector<std::string> http_dialect::block_kinds() const {
  return {"request", "request-head", "request-rest", "head-rest", "request-body", "chunked-body"};
}

awaitable<std::optional<std::string>> http_dialect::read_block(session& s,
                                                               std::string_view kind) const {
  if (kind == "chunked-body") co_return co_await read_chunked(s);
  if (kind == "request-body") {
    auto it = pending_framing.find(&s);
    std::string framing = it == pending_framing.end() ? "none" : it->second;
    if (it != pending_framing.end()) pending_framing.erase(it);
    co_return co_await read_body(s, framing);
  }
  bool with_line = kind == "request" || kind == "request-head";
  auto head = co_await read_head(s, with_line);
  if (!head) co_return std::nullopt;
  request req;
  auto err = parse_head(*head, with_line, req);
  if (err) s.note("malformed request head: " + *err);
  std::string framing = err ? "none" : body_framing(req);
  if (kind == "request-head" || kind == "head-rest") {
    if (!framing.starts_with("error:")) pending_framing[&s] = framing;
    co_return head;
  }
  if (err) co_return head;
  if (framing.starts_with("error:")) {
    s.note("request framing: " + framing.substr(6));
    co_return head;
  }
  auto body = co_await read_body(s, framing);
  if (!body) co_return std::nullopt;
  co_return *head + *body;
}

std::string http_dialect::mismatch_reply() const {
  // send_line appends the final CRLF that ends the head.
  return "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n";
}

line_limit http_dialect::command_line_limit() const {
  // RFC 6585 §5: 431 for a header field line too long (the request line gets 414, RFC 9110
  // §15.5.15, from read_head). The connection closes: the rest of the head cannot be framed.
  return {64 * 1024,
          "HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Length: 0\r\nConnection: "
          "close\r\n",
          true};
}

const dialect& server() {
  static const http_dialect d;
  return d;
}

}  // namespace ph::fakeservers::http
