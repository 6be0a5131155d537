// SMTP model server (the default model: AUTH, STARTTLS, PIPELINING, DATA, BDAT, ...) and a
// script that reads DATA blocks.
// Input: see fake_server_rig.hpp (byte 0: write piece size and model/script, then the client's
// bytes).

#include "tests/fuzz/fake_server_rig.hpp"

namespace {

constexpr std::string_view model = R"toml(protocol = "smtp"
summary = "fuzz: default SMTP model"
[server]
mode = "model"
)toml";

constexpr std::string_view script = R"toml(protocol = "smtp"
summary = "fuzz: SMTP script reading commands and DATA blocks"
[server]
mode = "script"
[[server.step]]
send = "220 fake.test ESMTP"
[[server.step]]
expect = "EHLO *"
send = ["250-fake.test", "250 PIPELINING"]
[[server.step]]
expect_re = "MAIL FROM:<[^>]*>.*"
send = "250 ok"
[[server.step]]
expect = "RCPT TO:*"
send = "250 ok"
[[server.step]]
expect = "DATA"
send = "354 go ahead"
[[server.step]]
read = "data"
expect_data = { contains = ["Subject:"] }
send = "250 queued"
[[server.step]]
expect = "*"
send = "354 again"
[[server.step]]
read = "data"
send = "250 queued"
[[server.step]]
read_bytes = 16
send = "221 bye"
)toml";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return ph::fuzz::run_fake_server({model, script}, data, size);
}
