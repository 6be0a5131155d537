// The HTTP/1.1 server side: script blocks and a model server over declared routes.
// Its parsing is its own: nothing here is shared with clients/ or harness/rules/.

#include "fakeservers/http/http_dialect.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include <fmt/format.h>

#include "fakeservers/engine/script.hpp"
#include "harness/model/base64.hpp"

namespace ph::fakeservers::http {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && lower(a) == lower(b);
}

std::string_view trim_ows(std::string_view v) {
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t'))
    v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t'))
    v.remove_suffix(1);
  return v;
}

// RFC 9110 §5.6.2: tchar.
bool is_token(std::string_view s) {
  static constexpr std::string_view extra = "!#$%&'*+-.^_`|~";
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || extra.find(c) != std::string_view::npos;
  });
}

std::string sha256_hex(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned n = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), digest, &n, EVP_sha256(), nullptr) != 1) return {};
  std::string out;
  for (unsigned i = 0; i < n; ++i)
    out += fmt::format("{:02x}", digest[i]);
  return out;
}

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

std::string reason_for(int status) {
  static const std::map<int, std::string> reasons = {
      {100, "Continue"},
      {101, "Switching Protocols"},
      {102, "Processing"},
      {103, "Early Hints"},
      {200, "OK"},
      {201, "Created"},
      {202, "Accepted"},
      {204, "No Content"},
      {206, "Partial Content"},
      {301, "Moved Permanently"},
      {302, "Found"},
      {303, "See Other"},
      {304, "Not Modified"},
      {307, "Temporary Redirect"},
      {308, "Permanent Redirect"},
      {400, "Bad Request"},
      {401, "Unauthorized"},
      {403, "Forbidden"},
      {404, "Not Found"},
      {405, "Method Not Allowed"},
      {408, "Request Timeout"},
      {411, "Length Required"},
      {413, "Content Too Large"},
      {418, "I'm a teapot"},
      {429, "Too Many Requests"},
      {431, "Request Header Fields Too Large"},
      {500, "Internal Server Error"},
      {501, "Not Implemented"},
      {502, "Bad Gateway"},
      {503, "Service Unavailable"},
  };
  auto it = reasons.find(status);
  return it == reasons.end() ? "Status" : it->second;
}

constexpr std::size_t max_head_lines = 200;

// RFC 9110 §15.5.15: a request line past the line limit (its target, in practice) gets 414;
// field lines get the dialect's 431.
constexpr std::string_view uri_too_long =
    "HTTP/1.1 414 URI Too Long\r\nContent-Length: 0\r\nConnection: close\r\n";

// Reads field lines (and the request line first when asked) through the empty line.
// nullopt at EOF before the head is complete.
awaitable<std::optional<std::string>> read_head(session& s, bool with_request_line) {
  std::string head;
  bool first = with_request_line;
  for (std::size_t n = 0; n < max_head_lines; ++n) {
    std::string_view too_long;  // empty: the dialect's reply
    if (first) too_long = uri_too_long;
    auto line = co_await s.read_line(too_long);
    if (!line) co_return std::nullopt;
    head += *line;
    bool empty = *line == "\r\n" || *line == "\n";
    if (first) {
      if (!empty) first = false;  // RFC 9112 §2.2: empty lines before the request line
      continue;
    }
    if (empty) co_return head;
    if (!line->ends_with('\n')) co_return std::nullopt;  // EOF in the middle of a line
  }
  co_return head;  // too many lines: parse_head reports it
}

// Reads a chunked body raw, through the trailer section's empty line (RFC 9112 §7.1).
// A malformed chunk-size line ends the read: the bytes so far are returned.
awaitable<std::optional<std::string>> read_chunked(session& s) {
  std::string raw;
  while (true) {
    auto line = co_await s.read_line();
    if (!line) co_return std::nullopt;
    raw += *line;
    const std::string stripped = strip_eol(*line);
    std::string_view size_text = trim_ows(stripped);
    size_text = size_text.substr(0, size_text.find(';'));
    size_text = trim_ows(size_text);
    std::size_t size = 0;
    if (size_text.empty() || size_text.size() > 15 ||
        !std::all_of(size_text.begin(), size_text.end(),
                     [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); })) {
      s.note(fmt::format("malformed chunk-size line after {} body bytes", raw.size()));
      co_return raw;
    }
    size = std::stoull(std::string(size_text), nullptr, 16);
    if (size == 0) break;
    std::string data = co_await s.read_exact(size + 2);
    raw += data;
    if (data.size() < size + 2) co_return std::nullopt;
  }
  while (true) {  // trailer section
    auto line = co_await s.read_line();
    if (!line) co_return std::nullopt;
    raw += *line;
    if (*line == "\r\n" || *line == "\n") co_return raw;
  }
}

// The request's body per its framing; error text (framing "error:...") leaves it unread.
awaitable<std::optional<std::string>> read_body(session& s, const std::string& framing) {
  if (framing == "chunked") co_return co_await read_chunked(s);
  if (framing.starts_with("length:")) {
    std::size_t n = std::stoull(framing.substr(7));
    std::string body = co_await s.read_exact(n);
    if (body.size() < n) co_return std::nullopt;
    co_return body;
  }
  co_return std::string();
}

// ---- model ----------------------------------------------------------------------------

using field_list = std::vector<std::pair<std::string, std::string>>;

struct route_fault {
  std::string kind;  // reset, empty, garbage, bad_chunk, drip, delay, stall, stall_body,
                     // long_body, short_body, close
  int ms = 0;
  std::size_t bytes = 1;
  int delay_ms = 0;
  std::size_t count = 16;  // long_body: extra bytes; short_body: missing bytes
};

struct route {
  std::string where;
  std::string method = "GET";  // "*": any
  std::string path;            // glob on the target's path
  int status = 200;
  std::string reason;
  field_list headers;
  std::string body;
  std::optional<std::size_t> body_size;  // generated on demand
  bool chunked = false;
  std::vector<std::string> chunks;  // explicit chunk boundaries
  std::size_t chunk_size = 8192;
  field_list trailers;
  std::optional<std::string> redirect_to;
  std::vector<std::string> set_cookies;
  std::optional<std::pair<std::string, std::string>> auth;
  bool echo = false;
  int delay_ms = 0;
  bool close = false;
  std::vector<std::string> interim;  // raw 1xx heads sent before the final response
  std::optional<route_fault> fault;
};

struct model_config {
  std::vector<route> routes;
  bool keep_alive = true;
};

std::vector<route> default_routes() {
  std::vector<route> r(12);
  r[0].path = "/";
  r[0].body = "protoharness HTTP model server\n";
  r[1].path = "/small";
  r[1].body = "hello, world\n";
  r[2].path = "/large";
  r[2].body_size = 10 * 1024 * 1024;
  r[2].headers = {{"Content-Type", "application/octet-stream"}};
  r[3].path = "/redirect/3";
  r[3].redirect_to = "/redirect/2";
  r[4].path = "/redirect/2";
  r[4].redirect_to = "/redirect/1";
  r[5].path = "/redirect/1";
  r[5].redirect_to = "/small";
  r[6].path = "/cookies/set";
  r[6].set_cookies = {"session=abc123; Path=/", "theme=dark; Path=/; HttpOnly"};
  r[6].body = "cookies set\n";
  r[7].path = "/basic-auth";
  r[7].auth = {"user", "passwd"};
  r[7].body = "authenticated\n";
  r[8].method = "*";
  r[8].path = "/upload";
  r[8].echo = true;
  r[9].method = "*";
  r[9].path = "/echo*";
  r[9].echo = true;
  r[10].path = "/chunked";
  r[10].chunked = true;
  r[10].chunks = {"first chunk\n", "second, longer chunk\n", "x", "end\n"};
  r[11].path = "/headers";
  r[11].echo = true;
  for (auto& x : r) {
    x.where = "default model";
    if (x.redirect_to) x.status = 302;
  }
  return r;
}

field_list parse_fields(const harness::scenario& scen, const json& v, const std::string& at) {
  field_list out;
  if (!v.is_object()) scen.fail(at, "expected a table of name = \"value\"");
  for (const auto& [k, x] : v.items()) {
    if (!is_token(k)) scen.fail(at + "/" + k, "a field name must be a token (RFC 9110 §5.1)");
    if (x.is_string()) {
      out.emplace_back(k, x.get<std::string>());
    } else if (x.is_array()) {  // a repeated field
      for (const auto& y : x) {
        if (!y.is_string()) scen.fail(at + "/" + k, "values must be strings");
        out.emplace_back(k, y.get<std::string>());
      }
    } else {
      scen.fail(at + "/" + k, "a field value must be a string or an array of strings");
    }
  }
  return out;
}

route_fault parse_route_fault(const harness::scenario& scen, const json& f, const std::string& at) {
  static const std::set<std::string> kinds = {"reset",     "empty",      "garbage", "bad_chunk",
                                              "drip",      "delay",      "stall",   "stall_body",
                                              "long_body", "short_body", "close"};
  if (!f.is_object() || !f.contains("kind") || !f["kind"].is_string() ||
      !kinds.contains(f["kind"].get<std::string>()))
    scen.fail(at, fmt::format("a route fault is {{ kind = ... }} with kind one of {}",
                              fmt::join(kinds, ", ")));
  route_fault rf;
  rf.kind = f["kind"];
  for (const auto& [k, x] : f.items()) {
    if (k == "kind") continue;
    if (!x.is_number_integer() || x.get<std::int64_t>() < 0)
      scen.fail(at + "/" + k, k + " must be a number >= 0");
    if (k == "ms")
      rf.ms = x.get<int>();
    else if (k == "bytes")
      rf.bytes = std::max<std::size_t>(1, x.get<std::size_t>());
    else if (k == "delay_ms")
      rf.delay_ms = x.get<int>();
    else if (k == "count")
      rf.count = x.get<std::size_t>();
    else
      scen.fail(at + "/" + k,
                fmt::format("unknown fault key '{}' (ms, bytes, delay_ms, count)", k));
  }
  if ((rf.kind == "delay") && rf.ms == 0) scen.fail(at, "delay needs ms = N");
  return rf;
}

route parse_route(const harness::scenario& scen, const json& j, const std::string& at) {
  if (!j.is_object()) scen.fail(at, "a route is a table");
  route r;
  r.where = scen.where(at);
  auto str = [&](const std::string& k, const json& x) {
    if (!x.is_string()) scen.fail(at + "/" + k, k + " must be a string");
    return x.get<std::string>();
  };
  auto boolean = [&](const std::string& k, const json& x) {
    if (!x.is_boolean()) scen.fail(at + "/" + k, k + " must be true or false");
    return x.get<bool>();
  };
  bool status_set = false;
  for (const auto& [k, x] : j.items()) {
    std::string kat = at + "/" + k;
    if (k == "method") {
      r.method = str(k, x);
      if (r.method != "*" && !is_token(r.method)) scen.fail(kat, "method must be a token or \"*\"");
    } else if (k == "path") {
      r.path = str(k, x);
      if (!r.path.starts_with('/') && r.path != "*") scen.fail(kat, "path must start with '/'");
    } else if (k == "status") {
      if (!x.is_number_integer() || x.get<int>() < 100 || x.get<int>() > 999)
        scen.fail(kat, "status must be a number 100-999");
      r.status = x.get<int>();
      status_set = true;
    } else if (k == "reason") {
      r.reason = str(k, x);
    } else if (k == "headers") {
      r.headers = parse_fields(scen, x, kat);
    } else if (k == "trailers") {
      r.trailers = parse_fields(scen, x, kat);
    } else if (k == "body") {
      r.body = str(k, x);
    } else if (k == "body_size") {
      if (!x.is_number_integer() || x.get<std::int64_t>() < 0 ||
          x.get<std::int64_t>() > (256LL << 20))
        scen.fail(kat, "body_size must be a byte count up to 256 MiB");
      r.body_size = x.get<std::size_t>();
    } else if (k == "chunked") {
      r.chunked = boolean(k, x);
    } else if (k == "chunks") {
      if (!x.is_array()) scen.fail(kat, "chunks must be an array of non-empty strings");
      for (const auto& c : x) {
        if (!c.is_string() || c.get<std::string>().empty())
          scen.fail(kat, "chunks must be an array of non-empty strings");
        r.chunks.push_back(c);
      }
      r.chunked = true;
    } else if (k == "chunk_size") {
      if (!x.is_number_integer() || x.get<std::int64_t>() < 1)
        scen.fail(kat, "chunk_size must be >= 1");
      r.chunk_size = x.get<std::size_t>();
    } else if (k == "redirect_to") {
      r.redirect_to = str(k, x);
    } else if (k == "set_cookies") {
      if (!x.is_array()) scen.fail(kat, "set_cookies must be an array of Set-Cookie values");
      for (const auto& c : x) {
        if (!c.is_string()) scen.fail(kat, "set_cookies must be an array of strings");
        r.set_cookies.push_back(c);
      }
    } else if (k == "auth") {
      if (!x.is_array() || x.size() != 2 || !x[0].is_string() || !x[1].is_string())
        scen.fail(kat, "auth must be [user, password]");
      r.auth = std::pair<std::string, std::string>{x[0], x[1]};
    } else if (k == "echo") {
      r.echo = boolean(k, x);
    } else if (k == "close") {
      r.close = boolean(k, x);
    } else if (k == "delay_ms") {
      if (!x.is_number_integer() || x.get<int>() < 0) scen.fail(kat, "delay_ms must be >= 0");
      r.delay_ms = x.get<int>();
    } else if (k == "interim") {
      if (!x.is_array()) scen.fail(kat, "interim must be an array of 1xx status codes");
      for (const auto& c : x) {
        if (!c.is_number_integer() || c.get<int>() < 100 || c.get<int>() > 199 ||
            c.get<int>() == 101)
          scen.fail(kat, "interim must list 1xx codes (not 101)");
        r.interim.push_back(
            fmt::format("HTTP/1.1 {} {}\r\n\r\n", c.get<int>(), reason_for(c.get<int>())));
      }
    } else if (k == "fault") {
      r.fault = parse_route_fault(scen, x, kat);
    } else {
      scen.fail(kat, fmt::format("unknown route key '{}' (method, path, status, reason, headers, "
                                 "body, body_size, chunked, chunks, chunk_size, trailers, "
                                 "redirect_to, set_cookies, auth, echo, close, delay_ms, interim, "
                                 "fault)",
                                 k));
    }
  }
  if (r.path.empty()) scen.fail(at, "a route needs path = \"/...\"");
  if (!r.body.empty() && r.body_size) scen.fail(at, "use body or body_size, not both");
  if (r.echo && (r.body_size || !r.body.empty())) scen.fail(at, "echo routes have no body");
  if (r.redirect_to && !status_set) r.status = 302;
  if (r.redirect_to && (r.status < 300 || r.status > 399))
    scen.fail(at + "/status", "a redirect's status must be 3xx");
  return r;
}

model_config parse_model(const harness::scenario& scen) {
  model_config m;
  const json model = scen.server.value("model", json::object());
  if (!model.is_object()) scen.fail("/server/model", "[server.model] must be a table");
  for (const auto& [k, v] : model.items()) {
    std::string at = "/server/model/" + k;
    if (k == "routes") {
      if (!v.is_array())
        scen.fail(at, "routes must be an array of tables ([[server.model.routes]])");
      for (std::size_t i = 0; i < v.size(); ++i)
        m.routes.push_back(parse_route(scen, v[i], at + "/" + std::to_string(i)));
    } else if (k == "keep_alive") {
      if (!v.is_boolean()) scen.fail(at, "keep_alive must be true or false");
      m.keep_alive = v;
    } else {
      scen.fail(at, fmt::format("unknown HTTP model key '{}' (routes, keep_alive)", k));
    }
  }
  if (!model.contains("routes")) m.routes = default_routes();
  return m;
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
  model_session(session& s, model_config cfg)
      : s_(s), cfg_(std::move(cfg)), overrides_(parse_overrides(s.scen())) {
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
      write_faults saved = s_.faults();
      std::string line = req.method + " " + req.target + " " + req.version;
      bool answered = co_await apply_overrides(s_, overrides_, line);
      bool more = true;
      if (!answered) more = co_await handle(req);
      s_.faults() = saved;
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
      if (!harness::glob_match(r.path, path)) continue;
      path_known = true;
      if (r.method == "*" || r.method == req.method) return &r;
    }
    if (req.method == "HEAD")  // RFC 9110 §9.3.2: HEAD is GET without the content
      for (const auto& r : cfg_.routes)
        if (r.method == "GET" && harness::glob_match(r.path, path)) return &r;
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
    auto decoded = harness::base64_decode(trim_ows(v.substr(6)));
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
  model_config cfg_;
  std::vector<override_rule> overrides_;
  std::string port_;
};

// The framing of the head a script step read last ("request-head", "head-rest") for a
// following "request-body" step. Per thread: each fake server runs on its own thread.
thread_local std::map<const session*, std::string> pending_framing;

}  // namespace

std::optional<std::string> request::field(std::string_view name) const {
  std::optional<std::string> out;
  for (const auto& [n, v] : fields) {
    if (!iequals(n, name)) continue;
    out = out ? *out + ", " + v : v;
  }
  return out;
}

bool request::has_token(std::string_view name, std::string_view token) const {
  auto value = field(name);
  if (!value) return false;
  std::string_view rest = *value;
  while (!rest.empty()) {
    auto comma = rest.find(',');
    if (iequals(trim_ows(rest.substr(0, comma)), token)) return true;
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return false;
}

std::optional<std::string> parse_head(std::string_view head, bool with_request_line, request& out) {
  std::vector<std::string_view> lines;
  std::size_t pos = 0;
  while (pos < head.size()) {
    auto lf = head.find('\n', pos);
    if (lf == std::string_view::npos) return "the head does not end with an empty line";
    std::string_view line = head.substr(pos, lf - pos);
    if (line.ends_with('\r')) line.remove_suffix(1);
    lines.push_back(line);
    pos = lf + 1;
  }
  std::size_t i = 0;
  if (with_request_line) {
    while (i < lines.size() && lines[i].empty())
      ++i;
    if (i == lines.size()) return "no request line";
    // RFC 9112 §3: request-line = method SP request-target SP HTTP-version
    std::string_view rl = lines[i++];
    auto sp1 = rl.find(' ');
    auto sp2 = sp1 == std::string_view::npos ? sp1 : rl.find(' ', sp1 + 1);
    if (sp2 == std::string_view::npos || rl.find(' ', sp2 + 1) != std::string_view::npos)
      return fmt::format("malformed request line '{}'", rl);
    out.method = rl.substr(0, sp1);
    out.target = rl.substr(sp1 + 1, sp2 - sp1 - 1);
    out.version = rl.substr(sp2 + 1);
    if (!is_token(out.method)) return fmt::format("invalid method '{}'", out.method);
    if (out.target.empty()) return "empty request-target";
    if (out.version.size() != 8 || !out.version.starts_with("HTTP/") ||
        !std::isdigit(static_cast<unsigned char>(out.version[5])) || out.version[6] != '.' ||
        !std::isdigit(static_cast<unsigned char>(out.version[7])))
      return fmt::format("invalid HTTP-version '{}'", out.version);
  }
  if (lines.empty() || !lines.back().empty()) return "the head does not end with an empty line";
  if (lines.size() > max_head_lines) return "too many header lines";
  for (; i + 1 < lines.size(); ++i) {
    std::string_view line = lines[i];
    // RFC 9112 §5.2: obsolete line folding is rejected (400) by this server.
    if (line.starts_with(' ') || line.starts_with('\t')) return "obsolete line folding";
    auto colon = line.find(':');
    if (colon == std::string_view::npos) return fmt::format("field line without ':' '{}'", line);
    std::string_view name = line.substr(0, colon);
    // RFC 9112 §5.1: no whitespace between the field name and the colon.
    if (!is_token(name)) return fmt::format("invalid field name '{}'", name);
    out.fields.emplace_back(std::string(name), std::string(trim_ows(line.substr(colon + 1))));
  }
  if (with_request_line && out.version == "HTTP/1.1" && !out.field("Host"))
    return "HTTP/1.1 request without Host (RFC 9112 §3.2)";
  return std::nullopt;
}

std::string body_framing(const request& req) {
  // RFC 9112 §6.3: Transfer-Encoding overrides Content-Length; chunked must be last.
  if (auto te = req.field("Transfer-Encoding")) {
    std::string_view v = *te;
    auto last = v.rfind(',');
    std::string_view coding = trim_ows(last == std::string_view::npos ? v : v.substr(last + 1));
    if (!iequals(coding, "chunked"))
      return fmt::format("error:Transfer-Encoding '{}' does not end in chunked", v);
    return "chunked";
  }
  std::optional<std::string> length;
  for (const auto& [n, v] : req.fields) {
    if (!iequals(n, "Content-Length")) continue;
    // A list of identical values is one length (RFC 9110 §8.6); anything else is an error.
    std::string_view rest = v;
    while (true) {
      auto comma = rest.find(',');
      std::string one(trim_ows(rest.substr(0, comma)));
      if (one.empty() || one.size() > 15 ||
          !std::all_of(one.begin(), one.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return fmt::format("error:invalid Content-Length '{}'", v);
      if (length && std::stoull(*length) != std::stoull(one))
        return "error:conflicting Content-Length values";
      length = one;
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  if (length && std::stoull(*length) > 0) return "length:" + std::to_string(std::stoull(*length));
  return "none";
}

std::optional<std::string> dechunk(std::string_view raw,
                                   std::vector<std::pair<std::string, std::string>>* trailers) {
  std::string out;
  std::size_t pos = 0;
  while (true) {
    auto lf = raw.find('\n', pos);
    if (lf == std::string_view::npos) return std::nullopt;
    const std::string stripped = strip_eol(raw.substr(pos, lf + 1 - pos));
    std::string_view line = trim_ows(stripped);
    line = trim_ows(line.substr(0, line.find(';')));
    if (line.empty() || line.size() > 15 || !std::all_of(line.begin(), line.end(), [](char c) {
          return std::isxdigit(static_cast<unsigned char>(c));
        }))
      return std::nullopt;
    std::size_t size = std::stoull(std::string(line), nullptr, 16);
    pos = lf + 1;
    if (size == 0) break;
    if (raw.size() < pos + size + 1) return std::nullopt;
    out.append(raw.substr(pos, size));
    pos += size;
    if (raw.substr(pos, 2) == "\r\n")
      pos += 2;
    else if (raw.substr(pos, 1) == "\n")
      pos += 1;
    else
      return std::nullopt;
  }
  // The trailer section must end with an empty line.
  while (true) {
    auto lf = raw.find('\n', pos);
    if (lf == std::string_view::npos) return std::nullopt;
    bool empty = lf == pos || (lf == pos + 1 && raw[pos] == '\r');
    const std::string line = strip_eol(raw.substr(pos, lf + 1 - pos));
    pos = lf + 1;
    if (empty) return out;
    auto colon = line.find(':');
    if (trailers && colon != std::string_view::npos)
      trailers->emplace_back(line.substr(0, colon),
                             std::string(trim_ows(std::string_view(line).substr(colon + 1))));
  }
}

void http_dialect::validate(const harness::scenario& scen) const {
  if (scen.server.value("mode", "") == "model") parse_model(scen);
}

awaitable<void> http_dialect::serve_model(session& s) const {
  model_session m(s, parse_model(s.scen()));
  co_await m.run();
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

}  // namespace ph::fakeservers::http
