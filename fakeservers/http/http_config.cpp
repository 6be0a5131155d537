#include "fakeservers/http/http_config.hpp"

#include <map>
#include <set>

#include <fmt/format.h>

#include "fakeservers/http/http_request.hpp"
#include "fakeservers/model/model_config.hpp"

namespace ph::fakeservers::http {

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

namespace {

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

field_list parse_fields(const ph::scenario& scen, const json& v, const std::string& at) {
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

route_fault parse_route_fault(const ph::scenario& scen, const json& f, const std::string& at) {
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

route parse_route(const ph::scenario& scen, const json& j, const std::string& at) {
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

}  // namespace

model_config parse_model(const ph::scenario& scen) {
  model_config m;
  const json model = model_table(scen);
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

}  // namespace ph::fakeservers::http
