#include "harness/rules/pop3/pop3_rules.hpp"

#include <gtest/gtest.h>

#include <random>
#include <set>
#include <string>

#include "tests/rules/pop3_test_support.hpp"
#include "tests/rules/rule_test_support.hpp"

namespace ph::harness::rules::pop3 {
namespace {

using namespace test;

void expect_no_failure(const transcript& t, const context& ctx = {}) {
  for (const auto& r : judge(rule_testing::rules_of("pop3"), {t}, ctx))
    EXPECT_NE(r.result, outcome::fail) << r.rule->id << " " << describe(r);
}

TEST(Pop3Rules, CatalogueHasUniqueIdsAndMetadata) {
  const auto list = rules();
  EXPECT_GE(list.size(), 15u);
  std::set<std::string> ids;
  for (const rule* r : list) {
    const rule_info& info = r->info();
    EXPECT_TRUE(ids.insert(info.id).second) << info.id;
    EXPECT_EQ(info.id.rfind("POP3-", 0), 0u) << info.id;
    EXPECT_EQ(info.protocol, "pop3");
    EXPECT_FALSE(info.rfc.empty()) << info.id;
    EXPECT_FALSE(info.summary.empty()) << info.id;
    EXPECT_FALSE(info.level_text.empty()) << info.id;
  }
  EXPECT_EQ(rule_testing::rules_of("pop3").size(), list.size());
}

TEST(Pop3Rules, CleanSessionHasNoFailure) {
  expect_no_failure(clean_session().get());
  expect_no_failure(clean_session(true).get());
}

TEST(Pop3Rules, CleanApopSessionWithOracleHasNoFailure) {
  scenario sc;
  client_step apop;
  apop.op = "apop";
  apop.args = {{"user", "mrose"}, {"password", std::string(apop_secret)}};
  sc.client = {apop};
  transcript_builder b;
  b.greet().client("APOP mrose " + std::string(apop_digest) + "\r\n").server("+OK\r\n");
  b.client("STAT\r\n").server("+OK 1 10\r\n").client("RETR 1\r\n").server("+OK\r\nx\r\n.\r\n");
  b.client("QUIT\r\n").server("+OK\r\n").server_close();
  expect_no_failure(b.get(), context{&sc});
}

// A poplib-style session: no CAPA, USER/PASS, LIST, RETR, QUIT; the client closes last.
TEST(Pop3Rules, MinimalPlaintextSessionHasNoFailure) {
  transcript_builder b;
  b.server("+OK ready\r\n").login();
  b.client("LIST\r\n").server("+OK\r\n1 10\r\n.\r\n");
  b.client("RETR 1\r\n").server("+OK\r\nhello\r\n.\r\n");
  b.client("QUIT\r\n").server("+OK bye\r\n").client_close();
  expect_no_failure(b.get());
}

TEST(Pop3Rules, ImplicitTlsSessionHasNoFailure) {
  transcript_builder b;
  b.tls_start().tls_ready().greet().capa({"USER", "SASL PLAIN"});
  b.client("AUTH PLAIN AGFsaWNlAHNlY3JldA==\r\n").server("+OK\r\n");
  b.client("UIDL\r\n").server("+OK\r\n1 abc\r\n.\r\n");
  b.client("DELE 1\r\n").server("+OK\r\n").client("QUIT\r\n").server("+OK\r\n").client_close();
  expect_no_failure(b.get());
}

TEST(Pop3Rules, TruncatedTranscriptsNeverCrash) {
  const transcript full = clean_session().get();
  for (std::size_t n = 0; n <= full.events.size(); ++n) {
    transcript t = full;
    t.events.resize(n);
    for (const auto& r : judge(rule_testing::rules_of("pop3"), {t}, {}))
      EXPECT_NE(r.rule, nullptr);
    if (n < full.events.size() && full.events[n].bytes.size() > 1) {
      t.events.push_back(full.events[n]);
      t.events.back().bytes.resize(full.events[n].bytes.size() / 2);
      for (const auto& r : judge(rule_testing::rules_of("pop3"), {t}, {}))
        EXPECT_NE(r.rule, nullptr);
    }
  }
}

TEST(Pop3Rules, JunkTranscriptsNeverCrash) {
  std::mt19937 rng(1939);
  const std::string alphabet = "+-OKERR .\r\n\r\nUSERPASSTLSAUTHRETRDELEQUIT 0123\x01\xff<>=";
  for (int round = 0; round < 300; ++round) {
    transcript_builder b;
    const int events = static_cast<int>(rng() % 20);
    for (int e = 0; e < events; ++e) {
      std::string bytes;
      const std::size_t len = rng() % 40;
      for (std::size_t i = 0; i < len; ++i)
        bytes += alphabet[rng() % alphabet.size()];
      switch (rng() % 8) {
        case 0:
          b.tls_start();
          break;
        case 1:
          (rng() % 2 ? b.tls_ready() : b.tls_failed());
          break;
        case 2:
          (rng() % 2 ? b.client_close() : b.server_close());
          break;
        case 3:
        case 4:
          b.server(bytes);
          break;
        default:
          b.client(bytes);
      }
    }
    for (const auto& r : judge(rule_testing::rules_of("pop3"), {b.get()}, {}))
      EXPECT_NE(r.rule, nullptr);
  }
}

}  // namespace
}  // namespace ph::harness::rules::pop3
