// The names drivers give what a client call throws, as step outcomes report them.

#include <stdexcept>
#include <system_error>

#include <gtest/gtest.h>

#include "clients/net/errors.hpp"
#include "clients/nntp/errors.hpp"
#include "clients/pop3/errors.hpp"
#include "clients/smtp/errors.hpp"
#include "harness/driver.hpp"
#include "harness/protocols.hpp"

namespace ph::harness {
namespace {

template <class Error>
nlohmann::json named(std::string_view protocol, const Error& error) {
  return find_protocol(protocol)->client_driver->describe_error(std::make_exception_ptr(error));
}

TEST(DriverErrorNames, ClientErrorsThatAreNotReplies) {
  namespace smtp = ph::clients::smtp;
  namespace pop3 = ph::clients::pop3;
  namespace nntp = ph::clients::nntp;
  const nlohmann::json not_supported = {{"error", "not_supported"}, {"message", "no AUTH"}};
  const nlohmann::json client_error = {{"error", "client_error"}, {"message", "bad"}};
  EXPECT_EQ(named("smtp", smtp::not_supported("no AUTH")), not_supported);
  EXPECT_EQ(named("pop3", pop3::not_supported("no AUTH")), not_supported);
  EXPECT_EQ(named("nntp", nntp::not_supported("no AUTH")), not_supported);
  EXPECT_EQ(named("smtp", smtp::error("bad")), client_error);
  EXPECT_EQ(named("pop3", pop3::error("bad")), client_error);
  EXPECT_EQ(named("nntp", nntp::error("bad")), client_error);
}

TEST(DriverErrorNames, TransportAndOtherFailuresAreNamedAlikeByEveryLineProtocol) {
  namespace net = ph::clients::net;
  for (const char* protocol : {"smtp", "pop3", "nntp", "ftp"}) {
    SCOPED_TRACE(protocol);
    EXPECT_EQ(named(protocol, std::system_error(net::errc::timed_out, "read"))["error"], "timeout");
    EXPECT_EQ(named(protocol, std::system_error(net::errc::connection_closed, "read"))["error"],
              "disconnected");
    EXPECT_EQ(named(protocol, std::system_error(net::errc::line_too_long, "read"))["error"],
              "protocol_error");
    EXPECT_EQ(named(protocol, std::system_error(net::errc::tls_failed, "tls"))["error"],
              "tls_error");
    EXPECT_EQ(named(protocol, std::system_error(net::errc::connect_failed, "c"))["error"],
              "connect_failed");
    EXPECT_EQ(named(protocol, std::system_error(std::make_error_code(std::errc::io_error), "x")),
              (nlohmann::json{{"error", "system_error"}, {"message", "x: Input/output error"}}));
    EXPECT_EQ(named(protocol, std::runtime_error("odd")),
              (nlohmann::json{{"error", "exception"}, {"message", "odd"}}));
  }
}

}  // namespace
}  // namespace ph::harness
