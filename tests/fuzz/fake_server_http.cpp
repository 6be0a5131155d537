// HTTP/1.1 model server (routes with bodies, redirects, cookies, Basic auth, echo, chunked
// responses, interim 1xx) and a script with every request block kind.
// Input: see fake_server_rig.hpp (byte 0: write piece size and model/script, then the client's
// bytes).

#include "tests/fuzz/fake_server_rig.hpp"

namespace {

constexpr std::string_view model = R"toml(protocol = "http"
summary = "fuzz: HTTP model (the default routes, bodies kept small)"
[server]
mode = "model"
[[server.model.routes]]
path = "/"
body = "protoharness HTTP model server\n"
[[server.model.routes]]
path = "/large"
body_size = 4096
headers = { "Content-Type" = "application/octet-stream" }
[[server.model.routes]]
path = "/redirect/1"
redirect_to = "/"
[[server.model.routes]]
path = "/cookies/set"
set_cookies = ["session=abc123; Path=/", "theme=dark; Path=/; HttpOnly"]
body = "cookies set\n"
[[server.model.routes]]
path = "/basic-auth"
auth = ["user", "passwd"]
body = "authenticated\n"
[[server.model.routes]]
method = "*"
path = "/echo*"
echo = true
[[server.model.routes]]
path = "/chunked"
chunked = true
chunks = ["first chunk\n", "x", "end\n"]
trailers = { "X-Trailer" = "yes" }
[[server.model.routes]]
path = "/hint"
interim = [103]
body = "done"
[[server.model.routes]]
path = "/close"
close = true
body = "bye"
)toml";

constexpr std::string_view script = R"toml(protocol = "http"
summary = "fuzz: HTTP script reading every block kind"
[server]
mode = "script"
[[server.step]]
read = "request"
send_raw = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
[[server.step]]
read = "request-head"
send_raw = "HTTP/1.1 100 Continue\r\n\r\n"
[[server.step]]
read = "request-body"
send_raw = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
[[server.step]]
expect = "POST * HTTP/1.1"
[[server.step]]
read = "request-rest"
send_raw = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
[[server.step]]
expect = "GET *"
[[server.step]]
read = "head-rest"
send_raw = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
[[server.step]]
read = "chunked-body"
send_raw = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
)toml";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return ph::fuzz::run_fake_server({model, script}, data, size);
}
