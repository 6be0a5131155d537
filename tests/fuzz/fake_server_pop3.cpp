// POP3 model server (the default mailbox: USER/PASS, APOP, AUTH, STLS, TOP, UIDL, ...) and
// a script.
// Input: see fake_server_rig.hpp (byte 0: write piece size and model/script, then the client's
// bytes).

#include "tests/fuzz/fake_server_rig.hpp"

namespace {

constexpr std::string_view model = R"toml(protocol = "pop3"
summary = "fuzz: default POP3 model"
[server]
mode = "model"
)toml";

constexpr std::string_view script = R"toml(protocol = "pop3"
summary = "fuzz: POP3 script"
[server]
mode = "script"
[[server.step]]
send = "+OK ready <1.2@fake.test>"
[[server.step]]
expect = "USER ?*"
send = "+OK"
[[server.step]]
expect_re = "PASS (.*)"
send = "+OK"
[[server.step]]
expect = "RETR *"
send_raw = "+OK\r\n.\r\n"
[[server.step]]
expect = "QUIT"
send = "+OK bye"
)toml";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return ph::fuzz::run_fake_server({model, script}, data, size);
}
