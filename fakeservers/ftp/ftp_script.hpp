#pragma once
// FTP in script mode: the [[server.step]] keys of the data channel (data_port, data_listen,
// data_delay_ms, data_never_connect, data_tls, data_send, data_send_size, data_expect,
// data_stall, data_close, data_reset; scenarios/README.md), which the script engine hands to
// this dialect, and the PORT/EPRT parser the model server shares.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "fakeservers/engine/dialect.hpp"

namespace ph::fakeservers::ftp {

// The active-mode target named by a "PORT h1,h2,h3,h4,p1,p2" (RFC 959 §4.1.2) or
// "EPRT |af|addr|port|" (RFC 2428 §2) command line; nullopt when malformed.
std::optional<std::pair<std::string, std::uint16_t>> parse_active_target(std::string_view line);

// The data channel's step keys (the `script_keys` of FTP's dialect).
const step_keys& data_step_keys();

}  // namespace ph::fakeservers::ftp
