#include "harness/protocols.hpp"

#include "harness/drivers/ftp_driver.hpp"
#include "harness/drivers/http_driver.hpp"
#include "harness/drivers/nntp_driver.hpp"
#include "harness/drivers/pop3_driver.hpp"
#include "harness/drivers/smtp_driver.hpp"

namespace ph::harness {

const std::vector<protocol_entry>& protocol_table() {
  static const drivers::smtp_driver smtp;
  static const drivers::pop3_driver pop3;
  static const drivers::nntp_driver nntp;
  static const drivers::ftp_driver ftp;
  static const drivers::http_driver http;
  // One row per protocol.
  // clang-format off
  static const std::vector<protocol_entry> table = {
      {"smtp", smtp},
      {"pop3", pop3},
      {"nntp", nntp},
      {"ftp", ftp},
      {"http", http},
  };
  // clang-format on
  return table;
}

const protocol_entry* find_protocol(std::string_view name) {
  for (const auto& row : protocol_table())
    if (row.name == name) return &row;
  return nullptr;
}

}  // namespace ph::harness
