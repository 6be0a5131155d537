#include "fakeservers/engine/session.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <stdexcept>

#include <boost/asio/io_context.hpp>

namespace ph::fakeservers {
namespace {

using namespace std::chrono_literals;

// Counts the session's calls, as a protocol's extra connections would close them.
struct counting_extra final : session::extra {
  explicit counting_extra(int& expired) : expired_(expired) {}
  void expire() override { ++expired_; }
  int& expired_;
};

// A session on one end of a loopback connection, and the client's end.
struct rig {
  explicit rig(std::chrono::milliseconds timeout) {
    asio::ip::tcp::acceptor acceptor(io, {asio::ip::make_address("127.0.0.1"), 0});
    client.connect(acceptor.local_endpoint());
    s.emplace(acceptor.accept(), tls_context("server"), scen, rec, timeout);
  }
  asio::io_context io;
  asio::ip::tcp::socket client{io};
  ph::scenario scen = ph::parse_scenario(
      "protocol = \"smtp\"\nsummary = \"t\"\n[server]\nmode = \"script\"\n", "t.toml", "t");
  connection_record rec;
  std::optional<session> s;
};

TEST(SessionExtra, AbortExpiresTheExtraConnections) {
  rig r(10s);
  int expired = 0;
  r.s->attach(std::make_unique<counting_extra>(expired));
  r.s->abort("stopped");
  EXPECT_EQ(expired, 1);
  EXPECT_TRUE(r.s->expired());
}

TEST(SessionExtra, DeadlineExpiresTheExtraConnections) {
  rig r(1ms);
  int expired = 0;
  r.s->attach(std::make_unique<counting_extra>(expired));
  // The deadline's handler is the only work; it runs once the timer fires.
  r.io.run_for(10s);
  EXPECT_EQ(expired, 1);
  EXPECT_TRUE(r.s->expired());
}

TEST(SessionExtra, OneExtraPerSession) {
  rig r(10s);
  int expired = 0;
  session::extra& x = r.s->attach(std::make_unique<counting_extra>(expired));
  EXPECT_EQ(r.s->extras(), &x);
  EXPECT_THROW(r.s->attach(std::make_unique<counting_extra>(expired)), std::logic_error);
  EXPECT_EQ(r.s->extras(), &x);
}

TEST(SessionExtra, ChannelsRecordBesideTheControlChannel) {
  rig r(10s);
  ph::channel_info ch;
  ch.label = "side 1";
  const int index = r.s->add_channel(ch);
  EXPECT_EQ(index, 1);
  r.s->record_on(index, ph::event_kind::data, ph::direction::server_to_client, "hello");
  const auto& t = r.rec.transcript;
  ASSERT_EQ(t.channels.size(), 2u);
  EXPECT_EQ(t.channels[1].label, "side 1");
  ASSERT_FALSE(t.events.empty());
  EXPECT_EQ(t.events.back().channel, 1);
  EXPECT_EQ(t.events.back().bytes, "hello");
  EXPECT_EQ(r.s->local_address().to_string(), "127.0.0.1");
}

}  // namespace
}  // namespace ph::fakeservers
