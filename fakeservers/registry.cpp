// The protocols the fake servers speak: adding one is a dialect plus a row here.

#include "fakeservers/engine/dialect.hpp"
#include "fakeservers/ftp/ftp_dialect.hpp"
#include "fakeservers/http/http_dialect.hpp"
#include "fakeservers/nntp/nntp_dialect.hpp"
#include "fakeservers/pop3/pop3_dialect.hpp"
#include "fakeservers/smtp/smtp_dialect.hpp"

namespace ph::fakeservers {

namespace {

struct dialect_row {
  std::string_view protocol;
  const dialect& d;
};

const http::http_dialect http_server;

// One row per protocol.
// clang-format off
const dialect_row registry[] = {
    {"smtp", smtp::server()},
    {"pop3", pop3::server()},
    {"nntp", nntp::server()},
    {"ftp", ftp::server()},
    {"http", http_server},
};
// clang-format on

}  // namespace

const dialect* find_dialect(std::string_view protocol) {
  for (const auto& row : registry)
    if (row.protocol == protocol) return &row.d;
  return nullptr;
}

std::vector<std::string> protocols() {
  std::vector<std::string> out;
  for (const auto& row : registry)
    out.emplace_back(row.protocol);
  return out;
}

}  // namespace ph::fakeservers
