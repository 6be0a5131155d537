// FTP model server (a small tree: login, PASV/EPSV/PORT/EPRT, RETR/STOR/APPE/LIST/MLSD,
// REST, RNFR/RNTO, AUTH TLS, ...) and a script with active and passive data connections.
// Input: see fake_server_rig.hpp (byte 0: write piece size and model/script, then the client's
// bytes).

#include "tests/fuzz/fake_server_rig.hpp"

namespace {

constexpr std::string_view model = R"toml(protocol = "ftp"
summary = "fuzz: FTP model over a small tree"
[server]
mode = "model"
[server.model]
root_perm = "r-xr-xr-x"
[server.model.tree]
"readme.txt" = "Welcome to the protoharness FTP model server.\nLines end with LF here.\n"
"small.bin" = { size = 1000 }
pub = { perm = "r-xr-xr-x", entries = { "hello.txt" = "hello, world\n", "empty.txt" = "", "lines.txt" = "one\ntwo\nthree\n", empty = { entries = {}, perm = "r-xr-xr-x" } } }
upload = { perm = "rwxrwxrwx", entries = {} }
)toml";

constexpr std::string_view script = R"toml(protocol = "ftp"
summary = "fuzz: FTP script with data connections"
[server]
mode = "script"
[[server.step]]
send = "220 ready"
[[server.step]]
expect = "USER *"
send = "331 password"
[[server.step]]
expect = "PASS *"
send = "230 ok"
[[server.step]]
expect_re = "(PORT|EPRT) .*"
data_port = true
send = "200 ok"
[[server.step]]
expect = "RETR *"
send = "150 here it comes"
data_send = "hello\r\n"
data_close = true
[[server.step]]
send = "226 done"
[[server.step]]
expect = "PASV"
data_listen = "pasv"
[[server.step]]
expect = "STOR *"
send = "150 send it"
data_expect = { size = 0 }
[[server.step]]
send = "226 stored"
[[server.step]]
expect = "EPSV"
data_listen = "epsv"
[[server.step]]
expect = "LIST*"
send = "150 listing"
data_send = "-rw-r--r-- 1 ftp ftp 6 Jan 01 00:00 f\r\n"
data_close = true
[[server.step]]
send = "226 done"
)toml";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return ph::fuzz::run_fake_server({model, script}, data, size);
}
