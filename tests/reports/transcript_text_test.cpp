#include "reports/transcript_text.hpp"

#include <gtest/gtest.h>

#include "reports/encoding.hpp"
#include "tests/reports/sample_results.hpp"

namespace ph::reports {
namespace {

using namespace testing;

std::vector<std::string> rows(const std::string& text) {
  std::vector<std::string> out;
  for (std::size_t start = 0; start < text.size();) {
    const std::size_t stop = text.find('\n', start);
    out.push_back(text.substr(start, stop - start));
    start = stop + 1;
  }
  return out;
}

TEST(TranscriptText, HeaderAndVisibleLineEndings) {
  const auto r = result_with({s(0, "220 fake.test ESMTP\r\n"), c(311, "EHLO client.test\r\n")});
  EXPECT_EQ(render_transcript(r, {}),
            "# smtp/sample · conn 1 · control · 127.0.0.1:40122 → 127.0.0.1:39001\n"
            "   0.000 S: 220 fake.test ESMTP␍␊\n"
            "   0.311 C: EHLO client.test␍␊\n");
}

TEST(TranscriptText, CoalescedEventGivesRowsWithTheSameStamp) {
  const auto out = rows(render_transcript(
      result_with({s(402, "250-fake.test\r\n250-8BITMIME\r\n250 SIZE 100\r\n")}), {}));
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(out[1], "   0.402 S: 250-fake.test␍␊");
  EXPECT_EQ(out[2], "   0.402 S: 250-8BITMIME␍␊");
  EXPECT_EQ(out[3], "   0.402 S: 250 SIZE 100␍␊");
}

TEST(TranscriptText, SplitLineShowsContinuationRows) {
  const auto out = rows(
      render_transcript(result_with({c(1000, "MAIL FR"), s(1100, "x"), c(1500, "OM:<a@test>\r\nRC"),
                                     c(2250, "PT TO:<b@test>\r\n"), s(2300, "\r\n")}),
                        {}));
  ASSERT_EQ(out.size(), 7u);
  EXPECT_EQ(out[1], "   1.000 C: MAIL FR");
  EXPECT_EQ(out[2], "   1.100 S: x");
  EXPECT_EQ(out[3], "   1.500 C+ OM:<a@test>␍␊");
  EXPECT_EQ(out[4], "   1.500 C: RC");
  EXPECT_EQ(out[5], "   2.250 C+ PT TO:<b@test>␍␊");
  EXPECT_EQ(out[6], "   2.300 S+ ␍␊");
}

TEST(TranscriptText, ControlBytesTabsAndBinary) {
  const auto out = rows(
      render_transcript(result_with({c(0, std::string("a\tb\0\x1b\xff\xc3\xa9\r\n", 10))}), {}));
  ASSERT_GE(out.size(), 2u);
  EXPECT_EQ(out[1], "   0.000 C: a␉b\\x00\\x1B\\xFFé␍␊");
}

TEST(TranscriptText, MarkersForTlsClosesResetsAndNotes) {
  const auto out = rows(render_transcript(
      result_with({
          ev(event_kind::open, direction::client_to_server, 0, ""),
          ev(event_kind::tls_start, direction::server_to_client, 1000, ""),
          ev(event_kind::tls_ready, direction::server_to_client, 2000, "TLSv1.3"),
          ev(event_kind::note, direction::server_to_client, 3000, "drip 1 byte per write"),
          ev(event_kind::tls_failed, direction::server_to_client, 3500, "bad\r\nrecord"),
          ev(event_kind::reset, direction::server_to_client, 3600, ""),
          ev(event_kind::close, direction::client_to_server, 4000, ""),
      }),
      {}));
  ASSERT_EQ(out.size(), 8u);
  EXPECT_EQ(out[1], "   0.000 -- channel opened --");
  EXPECT_EQ(out[2], "   1.000 -- TLS handshake started --");
  EXPECT_EQ(out[3], "   2.000 -- TLS established: TLSv1.3 --");
  EXPECT_EQ(out[4], "   3.000 -- note: drip 1 byte per write --");
  EXPECT_EQ(out[5], "   3.500 -- TLS handshake failed: bad␍␊record --");
  EXPECT_EQ(out[6], "   3.600 -- server reset the connection --");
  EXPECT_EQ(out[7], "   4.000 -- client closed --");
}

TEST(TranscriptText, OneBlockPerChannelAndConnection) {
  auto r = result_with({c(0, "PASV\r\n", 0), s(10, "payload", 1), s(20, "227 ok\r\n", 0)}, "ftp");
  r.connections[0].channels.push_back({"data 1", "127.0.0.1:5", "127.0.0.1:6"});
  r.connections.push_back(one_connection({c(5, "QUIT\r\n")}));
  r.connections.back().connection = 2;
  const auto out = rows(render_transcript(r, {}));
  const std::vector<std::string> want = {
      "# ftp/sample · conn 1 · control · 127.0.0.1:40122 → 127.0.0.1:39001",
      "   0.000 C: PASV␍␊",
      "   0.020 S: 227 ok␍␊",
      "",
      "# ftp/sample · conn 1 · data 1 · 127.0.0.1:5 → 127.0.0.1:6",
      "   0.010 S: payload",
      "",
      "# ftp/sample · conn 2 · control · 127.0.0.1:40122 → 127.0.0.1:39001",
      "   0.005 C: QUIT␍␊",
  };
  EXPECT_EQ(out, want);
}

TEST(TranscriptText, NoConnections) {
  ph::scenario_result r;
  r.id = "smtp/none";
  EXPECT_EQ(render_transcript(r, {}), "# smtp/none · no connections recorded\n");
}

TEST(TranscriptText, LongEventIsSummarisedWithItsHash) {
  std::string body;
  for (int i = 0; i < 1000; ++i)
    body += "line " + std::to_string(i) + "\r\n";
  const auto r = result_with({c(7000, body)});
  const auto out = rows(render_transcript(r, {}));
  const render_options defaults;
  ASSERT_EQ(out.size(), 1 + defaults.head_rows + 1);
  EXPECT_EQ(out[1], "   7.000 C: line 0␍␊");
  std::size_t shown = 0;
  for (std::size_t i = 0; i < defaults.head_rows; ++i)
    shown += ("line " + std::to_string(i) + "\r\n").size();
  EXPECT_EQ(out.back(), "   7.000 C  … " + std::to_string(body.size() - shown) +
                            " more bytes (sha256 " + sha256_hex(body) + ")");

  render_options full;
  full.full_data = true;
  EXPECT_EQ(rows(render_transcript(r, full)).size(), 1001u);
}

TEST(TranscriptText, HugeSingleLineIsCut) {
  const std::string blob(10 * 1024 * 1024, 'x');
  const auto out = rows(render_transcript(result_with({s(0, blob)}), {}));
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[1], "   0.000 S: " + std::string(4096, 'x'));
  EXPECT_NE(out[2].find("… " + std::to_string(blob.size() - 4096) + " more bytes (sha256 "),
            std::string::npos);
}

TEST(TranscriptText, SmallEventIsNotSummarised) {
  std::string body;
  for (int i = 0; i < 200; ++i)
    body += "x\r\n";
  EXPECT_EQ(rows(render_transcript(result_with({c(0, body)}), {})).size(), 201u);
}

TEST(TranscriptText, RedactsByDefault) {
  auto r = result_with({
      c(0, "AUTH PLAIN AGJvYgBodW50ZXIy\r\n"),
      s(1, "334 \r\n"),
      c(2, "hunter2\r\n"),
      s(3, "235 ok\r\n"),
      c(4, "my password is hunter2\r\n"),
  });
  r.secrets = {"hunter2"};
  const auto out = rows(render_transcript(r, {}));
  ASSERT_GE(out.size(), 6u);
  EXPECT_EQ(out[1], "   0.000 C: AUTH PLAIN ***␍␊");
  EXPECT_EQ(out[3], "   0.002 C: ***␍␊");
  EXPECT_EQ(out[5], "   0.004 C: my password is ***␍␊");

  render_options keep;
  keep.redact = false;
  const std::string raw = render_transcript(r, keep);
  EXPECT_NE(raw.find("AUTH PLAIN AGJvYgBodW50ZXIy␍␊"), std::string::npos);
  EXPECT_NE(raw.find("my password is hunter2"), std::string::npos);
}

TEST(TranscriptText, ElidedTranscriptSaysWhereAndWhatWasDropped) {
  auto r = result_with({});
  ph::transcript& t = r.connections.front();
  t.events.clear();
  ph::transcript_recorder rec(t, 2 * ph::transcript_recorder::event_cost + 10);
  rec.add(s(0, "220 hi\r\n"));
  const std::string ehlo = "EHLO " + std::string(100, 'x') + "\r\n";
  rec.add(c(1000, ehlo));
  rec.add(c(2000, "QUIT\r\n"));
  rec.finish();
  ASSERT_TRUE(t.elided);
  const auto out = rows(render_transcript(r, {}));
  ASSERT_EQ(out.size(), 5u);  // header, 220, the kept start of EHLO, the note, the summary
  EXPECT_EQ(out[2], "   1.000 C: EH");
  EXPECT_EQ(out[3], "   1.000 -- note: " + visible(t.elided->describe()) + " --");
  EXPECT_EQ(out[4], "# smtp/sample · conn 1 · elided at event 2: " + t.elided->describe());
  EXPECT_NE(out[4].find("dropped 111 client bytes (sha256 " +
                        sha256_hex(ehlo.substr(2) + "QUIT\r\n") + ")"),
            std::string::npos)
      << out[4];
}

}  // namespace
}  // namespace ph::reports
