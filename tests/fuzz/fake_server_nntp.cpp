// NNTP model server (the default groups: GROUP, ARTICLE, OVER, POST, IHAVE, AUTHINFO,
// STARTTLS, ...) and a script that reads articles.
// Input: see fake_server_rig.hpp (byte 0: write piece size and model/script, then the client's
// bytes).

#include "tests/fuzz/fake_server_rig.hpp"

namespace {

constexpr std::string_view model = R"toml(protocol = "nntp"
summary = "fuzz: default NNTP model"
[server]
mode = "model"
)toml";

constexpr std::string_view script = R"toml(protocol = "nntp"
summary = "fuzz: NNTP script reading articles"
[server]
mode = "script"
[[server.step]]
send = "200 ready"
[[server.step]]
expect = "POST"
send = "340 send it"
[[server.step]]
read = "article"
expect_data = { not_contains = ["\r\n..\r\n"] }
send = "240 ok"
[[server.step]]
expect_re = "IHAVE <[^>]+>"
send = "335 send it"
[[server.step]]
read = "article"
send = "235 ok"
[[server.step]]
expect = "QUIT"
send = "205 bye"
)toml";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return ph::fuzz::run_fake_server({model, script}, data, size);
}
