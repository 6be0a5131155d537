// Micro-benchmarks of the hot paths: reply parsing (client), dot-stuffing (server), rule
// evaluation per KB of transcript (judge) and transcript rendering (reports). Figures are
// for comparing builds, never asserted in tests.

#include <benchmark/benchmark.h>

#include "clients/smtp/message.hpp"
#include "clients/smtp/reply.hpp"
#include "fakeservers/engine/session.hpp"
#include "harness/rules/rule.hpp"
#include "harness/rules/smtp/smtp_rules.hpp"
#include "reports/transcript_text.hpp"

namespace {

using namespace ph;

std::string body_of(std::size_t bytes) {
  std::string out;
  for (int i = 0; out.size() < bytes; ++i)
    out += (i % 7 == 0 ? ".dotted line " : "plain line of text ") + std::to_string(i) + "\r\n";
  return out;
}

void BM_ClientReplyParse(benchmark::State& state) {
  const std::vector<std::string> lines = {
      "250-fake.test greets you", "250-PIPELINING", "250-8BITMIME",
      "250-SIZE 10485760",        "250-STARTTLS",   "250 SMTPUTF8"};
  for (auto _ : state) {
    clients::smtp::reply_parser p;
    for (const auto& l : lines)
      p.feed(l);
    benchmark::DoNotOptimize(p.take());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ClientReplyParse);

void BM_ClientDotStuff(benchmark::State& state) {
  const std::string body = body_of(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state)
    benchmark::DoNotOptimize(clients::smtp::dot_stuff(body));
  state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_ClientDotStuff)->Arg(1 << 10)->Arg(1 << 20);

void BM_ServerUnstuff(benchmark::State& state) {
  const std::string block =
      fakeservers::dot_block(body_of(static_cast<std::size_t>(state.range(0))));
  for (auto _ : state)
    benchmark::DoNotOptimize(fakeservers::unstuff_dot_block(block));
  state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_ServerUnstuff)->Arg(1 << 10)->Arg(1 << 20);

ph::transcript smtp_session(std::size_t body_bytes) {
  using ph::direction;
  ph::transcript t;
  t.connection = 1;
  t.channels.push_back({"control", "127.0.0.1:1", "127.0.0.1:2"});
  auto add = [&](direction d, std::string bytes) {
    t.events.push_back(
        {ph::event_kind::data, d, 0, std::chrono::microseconds(t.events.size()), std::move(bytes)});
  };
  add(direction::server_to_client, "220 fake.test ESMTP\r\n");
  add(direction::client_to_server, "EHLO client.example.org\r\n");
  add(direction::server_to_client, "250-fake.test\r\n250-PIPELINING\r\n250 8BITMIME\r\n");
  add(direction::client_to_server,
      "MAIL FROM:<a@client.example.org>\r\nRCPT TO:<b@example.org>\r\nDATA\r\n");
  add(direction::server_to_client, "250 ok\r\n250 ok\r\n354 go\r\n");
  add(direction::client_to_server,
      "From: a@client.example.org\r\nTo: b@example.org\r\nSubject: bench\r\nDate: Sun, 22 Nov 2026 "
      "03:08:21 +0000\r\nMessage-ID: <1@client.example.org>\r\n\r\n" +
          fakeservers::dot_block(body_of(body_bytes)));
  add(direction::server_to_client, "250 queued\r\n");
  add(direction::client_to_server, "QUIT\r\n");
  add(direction::server_to_client, "221 bye\r\n");
  return t;
}

void BM_JudgeSmtpPerKB(benchmark::State& state) {
  const std::vector<ph::transcript> conns = {
      smtp_session(static_cast<std::size_t>(state.range(0)) << 10)};
  for (auto _ : state)
    benchmark::DoNotOptimize(harness::rules::judge(harness::rules::smtp::rules(), conns, {}));
  state.SetBytesProcessed(state.iterations() * (state.range(0) << 10));
}
BENCHMARK(BM_JudgeSmtpPerKB)->Arg(1)->Arg(100);

// Every rule parsing the transcript for itself (no shared parse cache), for comparison.
void BM_JudgeSmtpPerKBEachRuleParses(benchmark::State& state) {
  const ph::transcript t = smtp_session(static_cast<std::size_t>(state.range(0)) << 10);
  for (auto _ : state)
    for (const auto* r : harness::rules::smtp::rules())
      benchmark::DoNotOptimize(r->check(t, {}));
  state.SetBytesProcessed(state.iterations() * (state.range(0) << 10));
}
BENCHMARK(BM_JudgeSmtpPerKBEachRuleParses)->Arg(1)->Arg(100);

void BM_RenderTranscript(benchmark::State& state) {
  ph::scenario_result r;
  r.id = "bench/render";
  r.protocol = "smtp";
  r.connections = {smtp_session(static_cast<std::size_t>(state.range(0)) << 10)};
  for (auto _ : state)
    benchmark::DoNotOptimize(reports::render_transcript(r, {}));
  state.SetBytesProcessed(state.iterations() * (state.range(0) << 10));
}
BENCHMARK(BM_RenderTranscript)->Arg(1)->Arg(100);

}  // namespace

BENCHMARK_MAIN();
