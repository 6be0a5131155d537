#include "vocabulary/transcript.hpp"

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

// --- transcript_recorder: a connection's transcript under a byte limit ---------------------

constexpr std::size_t cost = transcript_recorder::event_cost;

TEST(TranscriptRecorder, KeepsEverythingUnderTheLimit) {
  transcript t;
  transcript_recorder rec(t, 10 * cost);
  rec.add_channel({"control", "c", "s"});
  rec.add(data(direction::server_to_client, 0, "220 hi\r\n"));
  rec.add(data(direction::client_to_server, 0, "QUIT\r\n"));
  rec.finish();
  EXPECT_FALSE(t.elided);
  EXPECT_EQ(t.events.size(), 2u);
  EXPECT_EQ(t.channels.size(), 1u);
}

TEST(TranscriptRecorder, CutsTheCrossingEventAndNamesWhatItDropped) {
  transcript t;
  transcript_recorder rec(t, 3 * cost + 100);
  rec.add(data(direction::server_to_client, 0, "220 hi\r\n"));  // cost + 8
  const std::string line(1000, 'A');
  rec.add(data(direction::client_to_server, 0, line));  // crosses the limit
  rec.add(data(direction::server_to_client, 0, "500 too long\r\n"));
  rec.add(data(direction::client_to_server, 0, "QUIT\r\n"));
  rec.add({event_kind::close, direction::client_to_server, 0, 0us, "client closed"});
  rec.finish();
  rec.finish();  // idempotent

  ASSERT_TRUE(t.elided);
  const elision& el = *t.elided;
  // What is left once the greeting and the crossing event itself are charged.
  const std::size_t kept = 3 * cost + 100 - (cost + 8) - cost;
  ASSERT_EQ(t.events.size(), 3u);  // 220, the kept start of the line, the marking note
  EXPECT_EQ(t.events[1].bytes, line.substr(0, kept));
  EXPECT_EQ(el.event, 2);
  EXPECT_EQ(t.events[2].kind, event_kind::note);
  EXPECT_EQ(t.events[2].bytes, el.describe());
  EXPECT_EQ(el.limit, 3 * cost + 100);
  EXPECT_EQ(el.client_bytes, line.size() - kept + 6);
  EXPECT_EQ(el.client_sha256, sha256_hex(line.substr(kept) + "QUIT\r\n"));
  EXPECT_EQ(el.server_bytes, 14u);
  EXPECT_EQ(el.server_sha256, sha256_hex("500 too long\r\n"));
  EXPECT_EQ(el.events, 3u);  // the 500, QUIT and the close were not recorded
  EXPECT_NE(el.describe().find(el.client_sha256), std::string::npos);
}

TEST(TranscriptRecorder, ManySmallEventsAreBoundedToo) {
  transcript t;
  transcript_recorder rec(t, 100 * cost);
  for (int i = 0; i < 100000; ++i)
    rec.add(data(direction::client_to_server, 0, "x"));
  rec.finish();
  ASSERT_TRUE(t.elided);
  EXPECT_LE(t.events.size(), 101u);
  EXPECT_EQ(t.elided->client_bytes + t.bytes(direction::client_to_server), 100000u);
  EXPECT_EQ(t.elided->client_sha256, sha256_hex(std::string(t.elided->client_bytes, 'x')));
}

TEST(TranscriptRecorder, AChannelPastTheLimitEndsTheRecording) {
  transcript t;
  transcript_recorder rec(t, 2 * cost);
  EXPECT_EQ(rec.add_channel({"control", "c", "s"}), 0);
  rec.add(data(direction::client_to_server, 0, "PASV\r\n"));
  EXPECT_EQ(rec.add_channel({"data 1", "c", "s"}), 1);  // does not fit: not stored
  rec.add(data(direction::server_to_client, 1, "payload"));
  rec.finish();
  ASSERT_TRUE(t.elided);
  EXPECT_EQ(t.channels.size(), 1u);
  for (const auto& e : t.events)
    EXPECT_LT(e.channel, 1);
  EXPECT_EQ(t.elided->server_bytes, 7u);
}

TEST(TranscriptRecorder, ZeroMeansNoLimit) {
  transcript t;
  transcript_recorder rec(t, 0);
  rec.add(data(direction::client_to_server, 0, std::string(1 << 20, 'z')));
  rec.finish();
  EXPECT_FALSE(t.elided);
  EXPECT_EQ(t.bytes(direction::client_to_server), std::size_t{1} << 20);
}

TEST(Digest, Sha256IncrementalEqualsWhole) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  sha256 h;
  h.update("a");
  h.update("");
  h.update("bc");
  EXPECT_EQ(h.hex(), sha256_hex("abc"));
  h.update("abc");  // hex() ended the first hash; this is a new one
  EXPECT_EQ(h.hex(), sha256_hex("abc"));
}

}  // namespace
}  // namespace ph::harness
