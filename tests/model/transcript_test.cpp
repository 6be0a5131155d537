#include "harness/model/transcript.hpp"

#include <gtest/gtest.h>

namespace ph::harness {
namespace {

using namespace std::chrono_literals;

event data(direction dir, int channel, std::string bytes) {
  return event{event_kind::data, dir, channel, 0us, std::move(bytes)};
}

transcript sample() {
  transcript t;
  t.connection = 1;
  t.channels = {{"control", "127.0.0.1:1", "127.0.0.1:2"},
                {"data 1", "127.0.0.1:3", "127.0.0.1:4"}};
  t.events = {
      {event_kind::open, direction::client_to_server, 0, 0us, "127.0.0.1:1 -> 127.0.0.1:2"},
      data(direction::server_to_client, 0, "220 hi\r\n"),
      data(direction::client_to_server, 0, "EHL"),
      data(direction::client_to_server, 0, "O x\r\n"),
      data(direction::server_to_client, 1, "payload"),
      {event_kind::note, direction::server_to_client, 0, 0us, "drip"},
      data(direction::client_to_server, 1, "up"),
      {event_kind::close, direction::client_to_server, 0, 0us, ""},
  };
  return t;
}

TEST(Transcript, StreamConcatenatesDataOfOneSideAndChannel) {
  const transcript t = sample();
  EXPECT_EQ(t.stream(direction::client_to_server), "EHLO x\r\n");
  EXPECT_EQ(t.stream(direction::server_to_client), "220 hi\r\n");
  EXPECT_EQ(t.stream(direction::server_to_client, 1), "payload");
  EXPECT_EQ(t.stream(direction::client_to_server, 1), "up");
  EXPECT_EQ(t.stream(direction::client_to_server, 7), "");
}

TEST(Transcript, StreamIgnoresNonDataEvents) {
  const transcript t = sample();
  // The note and open texts must never leak into the byte stream the rules read.
  EXPECT_EQ(t.stream(direction::server_to_client).find("drip"), std::string::npos);
  EXPECT_EQ(t.stream(direction::client_to_server).find("->"), std::string::npos);
}

TEST(Transcript, BytesCountsAllChannelsOfOneSide) {
  const transcript t = sample();
  EXPECT_EQ(t.bytes(direction::client_to_server), 8u + 2u);
  EXPECT_EQ(t.bytes(direction::server_to_client), 8u + 7u);
  EXPECT_EQ(transcript{}.bytes(direction::client_to_server), 0u);
}

TEST(Transcript, StreamKeepsBinaryBytes) {
  transcript t;
  t.events = {data(direction::client_to_server, 0, std::string("\0\xff\r", 3))};
  EXPECT_EQ(t.stream(direction::client_to_server), std::string("\0\xff\r", 3));
  EXPECT_EQ(t.bytes(direction::client_to_server), 3u);
}

TEST(Transcript, EventKindNames) {
  EXPECT_EQ(to_string(event_kind::open), "open");
  EXPECT_EQ(to_string(event_kind::data), "data");
  EXPECT_EQ(to_string(event_kind::tls_start), "tls-start");
  EXPECT_EQ(to_string(event_kind::tls_ready), "tls-ready");
  EXPECT_EQ(to_string(event_kind::tls_failed), "tls-failed");
  EXPECT_EQ(to_string(event_kind::close), "close");
  EXPECT_EQ(to_string(event_kind::reset), "reset");
  EXPECT_EQ(to_string(event_kind::note), "note");
}

}  // namespace
}  // namespace ph::harness
