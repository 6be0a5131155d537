#include "harness/protocols.hpp"

#include <fmt/format.h>

#include "fakeservers/ftp/ftp_dialect.hpp"
#include "fakeservers/http/http_dialect.hpp"
#include "fakeservers/nntp/nntp_dialect.hpp"
#include "fakeservers/pop3/pop3_dialect.hpp"
#include "fakeservers/smtp/smtp_dialect.hpp"
#include "harness/bench/workloads.hpp"
#include "harness/drivers/ftp_driver.hpp"
#include "harness/drivers/http_driver.hpp"
#include "harness/drivers/nntp_driver.hpp"
#include "harness/drivers/pop3_driver.hpp"
#include "harness/drivers/smtp_driver.hpp"
#include "harness/rules/ftp/ftp_rules.hpp"
#include "harness/rules/http/http_rules.hpp"
#include "harness/rules/nntp/nntp_rules.hpp"
#include "harness/rules/pop3/pop3_rules.hpp"
#include "harness/rules/smtp/smtp_rules.hpp"

namespace ph::harness {

const std::vector<protocol_row>& protocol_table() {
  // One row per protocol: adding a protocol is its folders and a row here.
  // clang-format off
  static const std::vector<protocol_row> table = {
      {.name = "smtp", .port = 25, .implicit_tls_port = 465, .server_greets = true,
       .dialect = &fakeservers::smtp::server(), .client_driver = &drivers::smtp_driver,
       .rules = &rules::smtp::rules, .workloads = &bench::smtp_workloads,
       .redaction = {.auth = true, .continuations = {"334"}}},
      {.name = "pop3", .port = 110, .implicit_tls_port = 995, .server_greets = true,
       .dialect = &fakeservers::pop3::server(), .client_driver = &drivers::pop3_driver,
       .rules = &rules::pop3::rules, .workloads = &bench::pop3_workloads,
       .redaction = {.auth = true, .pass = true, .apop = true, .continuations = {"+"}}},
      {.name = "nntp", .port = 119, .implicit_tls_port = 563, .server_greets = true,
       .dialect = &fakeservers::nntp::server(), .client_driver = &drivers::nntp_driver,
       .rules = &rules::nntp::rules, .workloads = &bench::nntp_workloads,
       .redaction = {.authinfo = true, .continuations = {"383"}}},
      {.name = "ftp", .port = 21, .implicit_tls_port = 990, .server_greets = true,
       .dialect = &fakeservers::ftp::server(), .client_driver = &drivers::ftp_driver,
       .rules = &rules::ftp::rules, .workloads = &bench::ftp_workloads,
       .redaction = {.auth = true, .pass = true, .continuations = {"334", "335"}}},
      {.name = "http", .port = 80, .implicit_tls_port = 443, .server_greets = false,
       .dialect = &fakeservers::http::server(), .client_driver = &drivers::http_driver,
       .rules = &rules::http::rules, .workloads = &bench::http_workloads,
       .redaction = {.http = true}},
  };
  // clang-format on
  return table;
}

const protocol_row* find_protocol(std::string_view name) {
  for (const auto& row : protocol_table())
    if (row.name == name) return &row;
  return nullptr;
}

std::string protocol_names() {
  std::vector<std::string_view> names;
  for (const auto& row : protocol_table())
    names.push_back(row.name);
  return fmt::format("{}", fmt::join(names, ", "));
}

std::vector<const rules::rule*> all_rules() {
  std::vector<const rules::rule*> out;
  for (const auto& row : protocol_table()) {
    auto r = row.rules();
    out.insert(out.end(), r.begin(), r.end());
  }
  return out;
}

}  // namespace ph::harness
