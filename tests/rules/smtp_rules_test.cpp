#include "harness/rules/smtp/smtp_rules.hpp"

#include <gtest/gtest.h>

#include <random>
#include <set>
#include <string>
#include <vector>

#include "tests/rules/rule_test_support.hpp"
#include "tests/rules/smtp_test_support.hpp"

namespace ph::harness::rules::smtp {
namespace {

using namespace test;

std::string failures(const std::vector<rule_result>& results) {
  std::string out;
  for (const auto& r : results)
    if (r.result == outcome::fail) out += describe(r) + " (" + r.rule->id + ")\n";
  return out;
}

std::vector<rule_result> judge_one(const transcript& t) {
  return judge(rule_testing::rules_of("smtp"), std::vector<transcript>{t}, context{});
}

TEST(SmtpRules, CatalogueIdsInOrder) {
  const std::vector<std::string> expected = {"SMTP-CRLF",           "SMTP-DATA-SMUGGLE",
                                             "SMTP-DOT-STUFF",      "SMTP-DATA-END",
                                             "SMTP-DATA-354",       "SMTP-GREETING-WAIT",
                                             "SMTP-LOCKSTEP",       "SMTP-PIPE-GROUP",
                                             "SMTP-PIPE-STATUS",    "SMTP-EHLO-FIRST",
                                             "SMTP-HELO-FALLBACK",  "SMTP-EHLO-ARG",
                                             "SMTP-PATH-SYNTAX",    "SMTP-FQDN",
                                             "SMTP-ASCII-ENVELOPE", "SMTP-LEN-CMD",
                                             "SMTP-LEN-TEXT",       "SMTP-PARAMS-ADVERTISED",
                                             "SMTP-ONE-TXN",        "SMTP-8BIT",
                                             "SMTP-SIZE",           "SMTP-STARTTLS-HANDSHAKE",
                                             "SMTP-STARTTLS-RESET", "SMTP-STARTTLS-ONCE",
                                             "SMTP-AUTH-STATE",     "SMTP-AUTH-IR",
                                             "SMTP-AUTH-PLAIN-FMT", "SMTP-AUTH-CLEARTEXT",
                                             "SMTP-QUIT",           "SMTP-LOCALPART-CASE",
                                             "SMTP-RETURN-PATH",    "SMTP-IMF-REQUIRED",
                                             "SMTP-IMF-SENDER",     "SMTP-IMF-MSGID",
                                             "SMTP-IMF-FIELDS",     "SMTP-IMF-DATE",
                                             "SMTP-IMF-ASCII"};
  const auto list = rule_testing::rules_of("smtp");
  ASSERT_EQ(list.size(), expected.size());
  for (std::size_t i = 0; i < list.size(); ++i) {
    const rule_info& info = list[i]->info();
    EXPECT_EQ(info.id, expected[i]);
    EXPECT_EQ(info.protocol, "smtp");
    EXPECT_FALSE(info.rfc.empty());
    EXPECT_FALSE(info.level_text.empty());
    EXPECT_FALSE(info.summary.empty());
  }
}

TEST(SmtpRules, LevelsFollowTheCatalogue) {
  std::set<std::string> should = {"SMTP-GREETING-WAIT", "SMTP-HELO-FALLBACK", "SMTP-LEN-CMD",
                                  "SMTP-AUTH-STATE", "SMTP-RETURN-PATH"};
  for (const rule* r : rules())
    EXPECT_EQ(r->info().lvl, should.count(r->info().id) ? level::should : level::must)
        << r->info().id;
}

TEST(SmtpRules, CleanSessionHasNoFailure) {
  const auto results = judge_one(clean_session().get());
  EXPECT_EQ(failures(results), "");
  std::size_t passed = 0;
  for (const auto& r : results)
    passed += r.result == outcome::pass;
  EXPECT_GE(passed, 30u);
}

TEST(SmtpRules, CleanLockstepSessionHasNoFailure) {
  const auto b = session_with_content(clean_message_wire());
  EXPECT_EQ(failures(judge_one(b.get())), "");
}

TEST(SmtpRules, ImplicitTlsSessionHasNoFailure) {
  transcript_builder b;
  b.tls_start().tls_ready().greet_ehlo({"AUTH PLAIN", "8BITMIME"});
  b.client("AUTH PLAIN AGFsaWNlAHNlY3JldA==\r\n").server("235 ok\r\n");
  b.client("MAIL FROM:<alice@client.example>\r\n").server("250 ok\r\n");
  b.client("RCPT TO:<bob@server.example>\r\n").server("250 ok\r\n");
  b.client("DATA\r\n").server("354 go\r\n").client(clean_message_wire() + ".\r\n");
  finish(b);
  EXPECT_EQ(failures(judge_one(b.get())), "");
  expect_pass(run("SMTP-GREETING-WAIT", b.get()));
  expect_pass(run("SMTP-AUTH-CLEARTEXT", b.get()));
}

// What Python's smtplib sends: lower-case verbs, "size=" in lower case, QUIT then close.
TEST(SmtpRules, SmtplibStyleSessionHasNoFailure) {
  transcript_builder b;
  b.server("220 mx.server.example ESMTP\r\n").client("ehlo client.example\r\n");
  b.ehlo_reply({"SIZE 1000000", "AUTH LOGIN PLAIN"});
  b.client("AUTH LOGIN YWxpY2U=\r\n").server("334 UGFzc3dvcmQ6\r\n");
  b.client("c2VjcmV0\r\n").server("235 ok\r\n");
  b.client("mail FROM:<alice@client.example> size=" + std::to_string(clean_message_size()) +
           "\r\n");
  b.server("250 ok\r\n").client("rcpt TO:<bob@server.example>\r\n").server("250 ok\r\n");
  b.client("data\r\n").server("354 go\r\n").client(clean_message_wire() + ".\r\n");
  b.server("250 queued\r\n").client("quit\r\n").server("221 bye\r\n").client_close();
  for (const auto& r : judge_one(b.get())) {
    if (r.rule->id == "SMTP-AUTH-CLEARTEXT") {
      EXPECT_EQ(r.result, outcome::fail);  // a real SHOULD NOT: LOGIN without TLS
      EXPECT_EQ(r.rule->lvl, level::should);
    } else {
      EXPECT_NE(r.result, outcome::fail) << r.rule->id << ": " << describe(r);
    }
  }
}

TEST(SmtpRules, UnexercisedRulesAreNotApplicable) {
  transcript_builder b;
  b.server("220 mx ESMTP\r\n").server_close();
  for (const auto& r : judge_one(b.get()))
    EXPECT_EQ(r.result, outcome::not_applicable) << r.rule->id << ": " << describe(r);
  for (const auto& r : judge_one(transcript{}))
    EXPECT_EQ(r.result, outcome::not_applicable) << r.rule->id;
}

TEST(SmtpRules, JudgeMergesConnections) {
  transcript good = clean_session().get();
  good.connection = 1;
  transcript_builder bad_b = up_to_data();
  bad_b.client("Subject: x\r\n\r\nhi\r\n.\r\n").server("250 queued\r\n").client_close();
  transcript bad = bad_b.get();
  bad.connection = 2;
  const auto results = judge(rule_testing::rules_of("smtp"), {good, bad}, context{});
  const rule_result* quit = nullptr;
  const rule_result* tls = nullptr;
  for (const auto& r : results) {
    if (r.rule->id == "SMTP-QUIT") quit = &r;
    if (r.rule->id == "SMTP-STARTTLS-HANDSHAKE") tls = &r;
  }
  ASSERT_NE(quit, nullptr);
  ASSERT_EQ(quit->result, outcome::fail);
  ASSERT_EQ(quit->evidence.size(), 1u);
  EXPECT_EQ(quit->evidence[0].connection, 2);
  EXPECT_EQ(quit->evidence[0].event, 11);
  ASSERT_NE(tls, nullptr);
  EXPECT_EQ(tls->result, outcome::pass);  // passed on one, not applicable on the other
}

TEST(SmtpRules, JudgeKeepsTheStrongerLevelAcrossConnections) {
  auto ehlo = [](const std::string& name, int conn) {
    transcript_builder b;
    b.server("220 mx\r\n").client("EHLO " + name + "\r\n").server("250 mx\r\n");
    transcript t = b.get();
    t.connection = conn;
    return t;
  };
  const auto results = judge(rule_testing::rules_of("smtp"),
                             {ehlo("192.0.2.7", 1), ehlo("localhost", 2)}, context{});
  for (const auto& r : results) {
    if (r.rule->id != "SMTP-EHLO-ARG") continue;
    ASSERT_EQ(r.result, outcome::fail);
    EXPECT_EQ(r.rule->lvl, level::must);
    ASSERT_EQ(r.evidence.size(), 2u);
    EXPECT_EQ(r.evidence[0].connection, 1);
    EXPECT_EQ(r.evidence[1].connection, 2);
  }
}

TEST(SmtpRules, RandomTranscriptsNeverCrash) {
  std::mt19937 rng(4242);
  const std::vector<std::string> pieces = {"220 mx\r\n",
                                           "250-mx\r\n250-PIPELINING\r\n250 AUTH PLAIN\r\n",
                                           "354 go\r\n",
                                           "334 \r\n",
                                           "EHLO a.example\r\n",
                                           "MAIL FROM:<a@b.example> SIZE=x BODY=8BITMIME\r\n",
                                           "DATA\r\n",
                                           "AUTH PLAIN\r\n",
                                           "STARTTLS\r\n",
                                           "\r\n.\r\n",
                                           ".",
                                           "\n",
                                           "\r",
                                           "Date: x\r\n",
                                           "BDAT 99999999999 LAST\r\n",
                                           "BDAT 3\r\n",
                                           "\xff\xfe",
                                           "RCPT TO:<\"a\\",
                                           "[IPv6:::",
                                           "::"};
  const auto& all = rules();
  for (int round = 0; round < 200; ++round) {
    transcript t;
    const int n = static_cast<int>(rng() % 30);
    for (int i = 0; i < n; ++i) {
      event e;
      e.kind = rng() % 6 == 0 ? static_cast<event_kind>(rng() % 8) : event_kind::data;
      e.dir = rng() % 2 ? direction::client_to_server : direction::server_to_client;
      const int k = static_cast<int>(rng() % 4) + 1;
      for (int j = 0; j < k; ++j)
        e.bytes += pieces[rng() % pieces.size()];
      t.events.push_back(std::move(e));
    }
    for (const rule* r : all) {
      const rule_result res = r->check(t, context{});
      for (const auto& ev : res.evidence)
        EXPECT_LT(ev.event, static_cast<int>(t.events.size()));
    }
  }
}

TEST(SmtpRules, TruncatedCleanSessionsNeverCrash) {
  const transcript full = clean_session().get();
  for (std::size_t keep = 0; keep <= full.events.size(); ++keep) {
    transcript t = full;
    t.events.resize(keep);
    if (keep > 0 && !t.events.back().bytes.empty())
      t.events.back().bytes.resize(t.events.back().bytes.size() / 2);
    for (const auto& r : judge_one(t))
      for (const auto& ev : r.evidence)
        EXPECT_LT(ev.event, static_cast<int>(keep));
  }
}

}  // namespace
}  // namespace ph::harness::rules::smtp
