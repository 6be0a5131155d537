#pragma once
// The HTTP model server's [server.model]: routes (status, headers, bodies, redirects,
// cookies, Basic auth, faults) and keep_alive, compiled once per scenario.

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "vocabulary/scenario.hpp"

namespace ph::fakeservers::http {

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

// The reason phrase the model sends with `status` ("Status" for one it does not know).
std::string reason_for(int status);

// Reads [server.model] (the default routes when it has none: scenarios/README.md, "HTTP");
// throws ph::scenario_error naming file:line.
model_config parse_model(const ph::scenario& scen);

}  // namespace ph::fakeservers::http
