// The HTTP/1.1 model server over declared routes: RFC 9112 framing (http_request.hpp),
// RFC 9110 semantics (HEAD, 1xx, 204/304, redirects, Basic auth via RFC 7617), with the
// scenario's overrides and faults applied per request.
// Its parsing is its own: nothing here is shared with clients/ or harness/rules/.

#include "fakeservers/http/http_model.hpp"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "fakeservers/engine/script.hpp"
#include "fakeservers/http/http_request.hpp"
#include "vocabulary/base64.hpp"

namespace ph::fakeservers::http {

namespace {

// A body of exactly n bytes: 64-byte lines ("<offset> abc...\n"), so a misplaced byte is
// easy to locate in a transcript.
std::string generate(std::size_t n) {
  static constexpr std::string_view fill =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_";
  std::string out;
  out.reserve(n + 64);
  while (out.size() < n) {
    std::string line = fmt::format("{:010} ", out.size());
    line += fill.substr(0, 63 - line.size());
    line += '\n';
    out += line;
  }
  out.resize(n);
  return out;
}

// The path part of a request target (origin-form; absolute-form reduced to its path).
std::string target_path(const std::string& target) {
  std::string t = target;
  if (auto scheme = t.find("://"); scheme != std::string::npos && !t.starts_with('/')) {
    auto slash = t.find('/', scheme + 3);
    t = slash == std::string::npos ? "/" : t.substr(slash);
  }
  return t.substr(0, t.find('?'));
}

class model_session {
 public:
  model_session(session& s, const model_config& cfg, const std::vector<override_rule>& overrides)
      : s_(s), cfg_(cfg), overrides_(overrides) {
    const auto& channels = s.record().transcript.channels;
    std::string ep = channels.empty() ? "" : channels.front().server_endpoint;
    port_ = ep.substr(ep.rfind(':') + 1);
  }

  awaitable<void> run() {
    while (s_.open()) {
      auto head = co_await read_head(s_, true);
      if (!head) break;
      request req;
      req.raw = *head;
      if (auto err = parse_head(*head, true, req)) {
        s_.note("malformed request: " + *err);
        co_await respond_error(400, *err);
        co_return;
      }
      s_.count_command();
      std::string framing = body_framing(req);
      if (framing.starts_with("error:")) {
        s_.note("request framing: " + framing.substr(6));
        co_await respond_error(400, framing.substr(6));
        co_return;
      }
      if (framing != "none" && req.version == "HTTP/1.1" &&
          req.has_token("Expect", "100-continue")) {
        // RFC 9110 §10.1.1: the client waits for 100 before sending the content.
        co_await s_.send_raw("HTTP/1.1 100 Continue\r\n\r\n");
      }
      auto body = co_await read_body(s_, framing);
      if (!body) {
        s_.note("client closed the connection inside the request body");
        co_return;
      }
      req.raw += *body;
      if (framing == "chunked") {
        auto content = dechunk(*body, &req.trailers);
        if (!content) {
          s_.note("malformed chunked request body");
          co_await respond_error(400, "malformed chunked body");
          co_return;
        }
        req.body = *content;
        req.chunked = true;
      } else {
        req.body = *body;
      }
      bool more = true;
      {
        fault_scope scope(s_);
        std::string line = req.method + " " + req.target + " " + req.version;
        bool answered = co_await overrides_.apply(s_, line);
        if (!answered) more = co_await handle(req);
      }
      // RFC 9112 §6.1: after a request with both Transfer-Encoding and Content-Length the
      // server closes the connection.
      bool both = req.field("Transfer-Encoding") && req.field("Content-Length");
      if (!more || !persistent(req) || both) {
        co_await s_.close();
        co_return;
      }
    }
  }

 private:
  // RFC 9112 §9.3: HTTP/1.1 persists unless "close"; HTTP/1.0 only with "keep-alive".
  bool persistent(const request& req) const {
    if (!cfg_.keep_alive || req.has_token("Connection", "close")) return false;
    if (req.version == "HTTP/1.0") return req.has_token("Connection", "keep-alive");
    return true;
  }

  std::string expand(std::string text) const {
    for (std::string key : {"{port}", "{host}"}) {
      std::string value = key == "{port}" ? port_ : "127.0.0.1";
      for (auto at = text.find(key); at != std::string::npos; at = text.find(key, at))
        text.replace(at, key.size(), value);
    }
    return text;
  }

  awaitable<void> respond_error(int status, const std::string& why) {
    std::string body = why + "\n";
    co_await s_.send_raw(
        fmt::format("HTTP/1.1 {} {}\r\nServer: protoharness\r\nContent-Type: text/plain\r\n"
                    "Content-Length: {}\r\nConnection: close\r\n\r\n{}",
                    status, reason_for(status), body.size(), body));
    co_await s_.close();
  }

  const route* find_route(const request& req, bool& path_known) const {
    std::string path = target_path(req.target);
    path_known = false;
    for (const auto& r : cfg_.routes) {
      if (!ph::glob_match(r.path, path)) continue;
      path_known = true;
      if (r.method == "*" || r.method == req.method) return &r;
    }
    if (req.method == "HEAD")  // RFC 9110 §9.3.2: HEAD is GET without the content
      for (const auto& r : cfg_.routes)
        if (r.method == "GET" && ph::glob_match(r.path, path)) return &r;
    return nullptr;
  }

  std::string echo_body(const request& req) const {
    json headers = json::object();
    json list = json::array();
    for (const auto& [n, v] : req.fields) {
      std::string k = lower(n);
      headers[k] = headers.contains(k) ? headers[k].get<std::string>() + ", " + v : v;
      list.push_back({n, v});
    }
    json trailers = json::object();
    for (const auto& [n, v] : req.trailers)
      trailers[lower(n)] = v;
    std::string t = req.target;
    auto q = t.find('?');
    json j = {{"method", req.method},
              {"target", req.target},
              {"path", t.substr(0, q)},
              {"query", q == std::string::npos ? "" : t.substr(q + 1)},
              {"version", req.version},
              {"headers", headers},
              {"header_list", list},
              {"chunked", req.chunked},
              {"trailers", trailers},
              {"body_length", req.body.size()},
              {"body_sha256", sha256_hex(req.body)}};
    // false when absent (TOML has no null), so a scenario can assert a credential was NOT sent.
    for (const char* name : {"authorization", "cookie"}) {
      auto v = req.field(name);
      j[name] = v ? json(*v) : json(false);
    }
    if (req.body.size() <= 65536) j["body"] = req.body;
    return j.dump(1, ' ', false, json::error_handler_t::replace) + "\n";
  }

  // RFC 7617 §2: Basic credentials are base64(user ":" password).
  static bool authorized(const request& req, const std::pair<std::string, std::string>& want) {
    auto value = req.field("Authorization");
    if (!value) return false;
    std::string_view v = trim_ows(*value);
    if (v.size() < 6 || !iequals(v.substr(0, 6), "basic ")) return false;
    auto decoded = ph::base64_decode(trim_ows(v.substr(6)));
    return decoded && *decoded == want.first + ":" + want.second;
  }

  awaitable<bool> handle(const request& req) {
    bool path_known = false;
    const route* r = find_route(req, path_known);
    if (!r) {
      outgoing o;
      o.status = path_known ? 405 : 404;
      o.reason = reason_for(o.status);
      o.body = o.status == 404 ? "not found\n" : "method not allowed\n";
      std::string bytes = render(req, o);
      co_await s_.send_raw(bytes);
      co_return true;
    }
    if (r->delay_ms) co_await s_.sleep(std::chrono::milliseconds(r->delay_ms));
    const route_fault* f = r->fault ? &*r->fault : nullptr;
    std::string kind = f ? f->kind : "";
    if (kind == "reset") {
      s_.reset();
      throw session_ended{"route fault: reset"};
    }
    if (kind == "empty") {
      s_.note("route fault: close without a response");
      co_return false;
    }
    if (kind == "stall") {
      co_await s_.stall();
      throw session_ended{"route fault: stall"};
    }
    if (kind == "garbage") {
      std::string junk;
      std::uint32_t x = 0x2545f491;
      for (std::size_t i = 0; i < std::max<std::size_t>(f->count, 64); ++i) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        junk += static_cast<char>(x & 0xff);
      }
      co_await s_.send_raw(junk);
      co_return false;
    }
    if (kind == "delay") co_await s_.sleep(std::chrono::milliseconds(f->ms));
    if (kind == "drip") {
      s_.faults().drip_bytes = f->bytes;
      s_.faults().drip_delay = std::chrono::milliseconds(f->delay_ms);
    }
    for (const auto& i : r->interim)
      co_await s_.send_raw(i);

    outgoing o = compose(req, *r, kind, f ? f->count : 0);
    std::string bytes = render(req, o);
    co_await s_.send_raw(bytes);
    if (o.mode == "stall_body") {
      co_await s_.stall();
      throw session_ended{"route fault: stall_body"};
    }
    co_return o.mode.empty();
  }

  // What one response carries. `mode`: "" (normal), "close" (announces Connection: close),
  // "silent-close" (closes afterwards without announcing it), or a body fault.
  struct outgoing {
    int status = 200;
    std::string reason;
    field_list fields;
    std::string body;
    bool chunked = false;
    std::vector<std::string> chunks;
    field_list trailers;
    std::string mode;
    std::size_t count = 0;
    std::size_t chunk_size = 8192;
  };

  // The response a route gives this request; `fault` is the route fault's kind, if any.
  outgoing compose(const request& req, const route& r, const std::string& fault,
                   std::size_t fault_count) const {
    outgoing o;
    o.fields = r.headers;
    for (auto& [n, v] : o.fields)
      v = expand(v);
    for (const auto& c : r.set_cookies)
      o.fields.emplace_back("Set-Cookie", c);
    o.status = r.status;
    o.reason = r.reason.empty() ? reason_for(o.status) : r.reason;
    if (r.close) o.mode = "close";
    if (r.auth && !authorized(req, *r.auth)) {
      o.status = 401;
      o.reason = reason_for(401);
      o.fields = {{"WWW-Authenticate", "Basic realm=\"protoharness\", charset=\"UTF-8\""}};
      o.body = "authentication required\n";
      return o;
    }
    if (r.redirect_to) o.fields.emplace_back("Location", expand(*r.redirect_to));
    if (r.echo) {
      o.body = echo_body(req);
      if (std::none_of(o.fields.begin(), o.fields.end(),
                       [](const auto& p) { return iequals(p.first, "Content-Type"); }))
        o.fields.emplace_back("Content-Type", "application/json");
    } else if (r.body_size) {
      o.body = generate(*r.body_size);
    } else if (!r.chunks.empty()) {
      for (const auto& c : r.chunks)
        o.body += c;
    } else {
      o.body = r.body;
    }
    o.chunked = r.chunked;
    o.chunks = r.chunks;
    o.trailers = r.trailers;
    o.chunk_size = r.chunk_size;
    o.count = fault_count;
    if (fault == "close") o.mode = "silent-close";
    if (fault == "bad_chunk" || fault == "long_body" || fault == "short_body" ||
        fault == "stall_body")
      o.mode = fault;
    return o;
  }

  // The bytes of a response (a body fault cuts them where the fault says).
  std::string render(const request& req, const outgoing& o) const {
    auto has = [&](std::string_view n) {
      return std::any_of(o.fields.begin(), o.fields.end(),
                         [&](const auto& p) { return iequals(p.first, n); });
    };
    // RFC 9110 §6.4.1: 1xx, 204 and 304 responses have no content; §8.6: no Content-Length
    // in 1xx/204.
    bool no_content = o.status < 200 || o.status == 204 || o.status == 304;
    std::string out = fmt::format("HTTP/1.1 {} {}\r\n", o.status, o.reason);
    if (!has("Server")) out += "Server: protoharness\r\n";
    for (const auto& [n, v] : o.fields)
      out += n + ": " + v + "\r\n";
    if (!no_content && !o.body.empty() && !has("Content-Type"))
      out += "Content-Type: text/plain; charset=utf-8\r\n";
    if (!no_content && o.chunked && !has("Transfer-Encoding"))
      out += "Transfer-Encoding: chunked\r\n";
    else if (!no_content && !has("Content-Length") && !has("Transfer-Encoding"))
      out += fmt::format("Content-Length: {}\r\n", o.body.size());
    if ((o.mode == "close" || !persistent(req)) && !has("Connection"))
      out += "Connection: close\r\n";
    out += "\r\n";
    if (no_content || req.method == "HEAD") return out;
    if (o.chunked) {
      std::vector<std::string_view> pieces;
      if (!o.chunks.empty()) {
        for (const auto& c : o.chunks)
          pieces.push_back(c);
      } else {
        for (std::size_t at = 0; at < o.body.size(); at += o.chunk_size)
          pieces.push_back(std::string_view(o.body).substr(at, o.chunk_size));
      }
      for (std::size_t i = 0; i < pieces.size(); ++i) {
        if (o.mode == "bad_chunk" && i == pieces.size() / 2)
          return out + "zz\r\nnot a chunk\r\n";  // RFC 9112 §7.1: chunk-size is 1*HEXDIG
        out += fmt::format("{:x}\r\n", pieces[i].size());
        out += pieces[i];
        out += "\r\n";
      }
      out += "0\r\n";
      for (const auto& [n, v] : o.trailers)
        out += n + ": " + v + "\r\n";
      return out + "\r\n";
    }
    if (o.mode == "long_body")
      return out + o.body + std::string(std::max<std::size_t>(o.count, 1), '!');
    if (o.mode == "short_body") {
      std::size_t missing = std::min(std::max<std::size_t>(o.count, 1), o.body.size());
      return out + o.body.substr(0, o.body.size() - missing);
    }
    if (o.mode == "stall_body") return out + o.body.substr(0, o.body.size() / 2);
    return out + o.body;
  }

  session& s_;
  const model_config& cfg_;
  override_state overrides_;
  std::string port_;
};

class http_model_server final : public model_server {
 public:
  explicit http_model_server(model_config cfg) : cfg_(std::move(cfg)) {}
  awaitable<void> serve(session& s, const std::vector<override_rule>& overrides) const override {
    model_session m(s, cfg_, overrides);
    co_await m.run();
  }

 private:
  model_config cfg_;
};

}  // namespace

std::shared_ptr<const model_server> make_model_server(model_config cfg) {
  return std::make_shared<const http_model_server>(std::move(cfg));
}

}  // namespace ph::fakeservers::http
