#include "harness/rules/ftp/ftp_rules.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "tests/rules/ftp_test_support.hpp"

namespace ph::harness::rules::ftp {
namespace {

using namespace test;

// Greeting and login: events 0-4.
transcript_builder logged_in() {
  transcript_builder b;
  b.greet().login();
  return b;
}

scenario with_steps(nlohmann::json steps) {
  scenario sc;
  sc.protocol = "ftp";
  for (auto& st : steps) {
    client_step cs;
    cs.op = st["op"].get<std::string>();
    if (st.contains("args")) cs.args = st["args"];
    sc.client.push_back(cs);
  }
  return sc;
}

TEST(FtpRules, CatalogueHasUniqueIdsAndAtLeastTwentyRules) {
  std::set<std::string> ids;
  for (const rule* r : rules()) {
    EXPECT_EQ(r->info().protocol, "ftp");
    EXPECT_FALSE(r->info().rfc.empty());
    EXPECT_TRUE(ids.insert(r->info().id).second) << r->info().id;
  }
  EXPECT_GE(ids.size(), 20u);
}

TEST(FtpRules, CleanSessionHasNoFailure) {
  const transcript_builder b = clean_session();
  const scenario sc = with_steps(nlohmann::json::parse(
      R"([{"op":"login"},{"op":"retr","args":{"path":"a.bin"}},{"op":"stor","args":{"path":"up.bin"}}])"));
  for (const context& ctx : {context{}, context{&sc}})
    for (const rule* r : rules()) {
      const rule_result res = r->check(b.get(), ctx);
      EXPECT_NE(res.result, outcome::fail) << r->info().id << " " << describe(res);
    }
}

TEST(FtpCrlf, BareLfFails) {
  transcript_builder b = logged_in();
  b.client("PWD\n").server("257 \"/\"\r\n");
  expect_fail(run("FTP-CRLF", b.get()), "FTP-CRLF", 5);
  expect_pass(run("FTP-CRLF", logged_in().get()));
}

TEST(FtpArgNoCrlf, InjectedCommandFails) {
  transcript_builder b = logged_in();
  b.cmd("RETR a", "550 no").cmd("DELE b", "250 deleted");
  const scenario sc =
      with_steps(nlohmann::json::parse(R"([{"op":"retr","args":{"path":"a\r\nDELE b"}}])"));
  expect_fail(run("FTP-ARG-NOCRLF", b.get(), context{&sc}), "FTP-ARG-NOCRLF", 7);
  expect_pass(run("FTP-ARG-NOCRLF", logged_in().get(), context{&sc}));
  expect_na(run("FTP-ARG-NOCRLF", b.get()));
}

TEST(FtpTelnet, UndoubledIacAndNegotiationFail) {
  transcript_builder b = logged_in();
  b.cmd("RETR \xff.txt", "550 no");
  expect_fail(run("FTP-TELNET", b.get()), "FTP-TELNET", 5);
  transcript_builder n = logged_in();
  n.cmd("\xff\xfb\x01NOOP", "200 ok");
  expect_fail(run("FTP-TELNET", n.get()), "FTP-TELNET", 5);
  transcript_builder ok = logged_in();
  ok.cmd("RETR \xff\xff.txt", "550 no");
  expect_pass(run("FTP-TELNET", ok.get()));
}

TEST(FtpGreeting, CommandAfter120Fails) {
  transcript_builder b;
  b.server("120 ready in 5 minutes\r\n").client("USER a\r\n").server("220 ready\r\n");
  b.server("331 pass\r\n");
  expect_fail(run("FTP-GREETING", b.get()), "FTP-GREETING", 1, level::should);
  transcript_builder ok;
  ok.server("120 soon\r\n").greet().login();
  expect_pass(run("FTP-GREETING", ok.get()));
}

TEST(FtpLockstep, PipelinedLoginFails) {
  transcript_builder b;
  b.greet().client("USER a\r\nPASS b\r\n").server("331 pass\r\n230 ok\r\n");
  expect_fail(run("FTP-LOCKSTEP", b.get()), "FTP-LOCKSTEP", 1, level::should);
  expect_pass(run("FTP-LOCKSTEP", logged_in().get()));
}

TEST(FtpSecondary, CommandBefore226Fails) {
  transcript_builder b = logged_in();
  b.cmd("EPSV", "229 (|||5000|)").open_data().on(0).cmd("RETR f", "150 go");
  b.on(1).server("x").server_close().on(0).client("RETR g\r\n");  // event 12
  b.server("226 done\r\n");
  expect_fail(run("FTP-SECONDARY", b.get()), "FTP-SECONDARY", 12, level::should);
  transcript_builder ok = logged_in();
  ok.retr("f", "x");
  expect_pass(run("FTP-SECONDARY", ok.get()));
}

TEST(FtpUserPass, PassAfter230Fails) {
  transcript_builder b;
  b.greet().cmd("USER anonymous", "230 logged in").cmd("PASS x", "503 already");
  expect_fail(run("FTP-USER-PASS", b.get()), "FTP-USER-PASS", 3);
  transcript_builder a;
  a.greet().cmd("USER a", "331 p").cmd("PASS b", "230 ok").cmd("ACCT c", "202 n/a");
  expect_fail(run("FTP-USER-PASS", a.get()), "FTP-USER-PASS", 5);
  expect_pass(run("FTP-USER-PASS", logged_in().get()));
}

TEST(FtpType, BadGrammarFailsAndBinaryUnderAsciiWarns) {
  transcript_builder b = logged_in();
  b.cmd("TYPE B", "504 no");
  expect_fail(run("FTP-TYPE", b.get()), "FTP-TYPE", 5);
  transcript_builder t = logged_in();
  t.retr("f.bin", "data");  // events 5..12, RETR at 7
  const scenario sc =
      with_steps(nlohmann::json::parse(R"([{"op":"retr","args":{"path":"f.bin"}}])"));
  expect_fail(run("FTP-TYPE", t.get(), context{&sc}), "FTP-TYPE", 8, level::should);
  transcript_builder ok = logged_in();
  ok.cmd("TYPE I", "200 ok").retr("f.bin", "data");
  expect_pass(run("FTP-TYPE", ok.get(), context{&sc}));
}

TEST(FtpAsciiEol, BareLfUnderTypeAFails) {
  transcript_builder b = logged_in();
  b.cmd("TYPE A", "200 ok").stor("t.txt", "line\nline\n");
  expect_fail(run("FTP-ASCII-EOL", b.get()), "FTP-ASCII-EOL", 12, level::should);
  transcript_builder ok = logged_in();
  ok.cmd("TYPE A", "200 ok").stor("t.txt", "line\r\nline\r\n");
  expect_pass(run("FTP-ASCII-EOL", ok.get()));
}

TEST(FtpPort, BadNumberFailsAndForeignAddressWarns) {
  transcript_builder b = logged_in();
  b.cmd("PORT 10,0,0,1,300,2", "501 bad");
  expect_fail(run("FTP-PORT", b.get()), "FTP-PORT", 5);
  transcript_builder n = logged_in();
  n.cmd("PORT 192,168,1,10,195,80", "200 ok");
  expect_fail(run("FTP-PORT", n.get()), "FTP-PORT", 5, level::should);
  transcript_builder ok = logged_in();
  ok.cmd("PORT 127,0,0,1,195,80", "200 ok");
  expect_pass(run("FTP-PORT", ok.get()));
}

TEST(FtpEprt, MismatchedProtocolAndDoubleSpaceFail) {
  transcript_builder b = logged_in();
  b.cmd("EPRT |1|2001:db8::5|5282|", "522 (1,2)");
  expect_fail(run("FTP-EPRT", b.get()), "FTP-EPRT", 5);
  transcript_builder s = logged_in();
  s.cmd("EPRT  |2|::1|5282|", "501 bad");
  expect_fail(run("FTP-EPRT", s.get()), "FTP-EPRT", 5);
  transcript_builder ok = logged_in();
  ok.cmd("EPRT |1|127.0.0.1|5282|", "200 ok").cmd("EPRT |2|::1|5283|", "200 ok");
  expect_pass(run("FTP-EPRT", ok.get()));
}

TEST(FtpEpsvUse, PasvWithoutEpsvFails) {
  transcript_builder b = logged_in();
  b.cmd("PASV", "227 Entering Passive Mode (127,0,0,1,4,1)");
  expect_fail(run("FTP-EPSV-USE", b.get()), "FTP-EPSV-USE", 5);
  transcript_builder ok = logged_in();
  ok.cmd("EPSV", "502 not implemented").cmd("PASV", "227 (127,0,0,1,4,1)");
  expect_pass(run("FTP-EPSV-USE", ok.get()));
}

TEST(FtpEpsvAll, PasvAfterEpsvAllFails) {
  transcript_builder b = logged_in();
  b.cmd("EPSV ALL", "200 ok").cmd("PASV", "501 no");
  expect_fail(run("FTP-EPSV-ALL", b.get()), "FTP-EPSV-ALL", 7);
  transcript_builder ok = logged_in();
  ok.cmd("EPSV ALL", "200 ok").cmd("EPSV", "229 (|||5000|)");
  expect_pass(run("FTP-EPSV-ALL", ok.get()));
}

TEST(FtpFreshData, TwoTransfersAfterOneEpsvFail) {
  transcript_builder b = logged_in();
  b.retr("a", "x");  // events 5..12
  b.cmd("RETR b", "425 no data connection");
  expect_fail(run("FTP-FRESH-DATA", b.get()), "FTP-FRESH-DATA", 13, level::should);
  transcript_builder ok = logged_in();
  ok.retr("a", "x").retr("b", "y");
  expect_pass(run("FTP-FRESH-DATA", ok.get()));
}

TEST(FtpRest, CommandBetweenRestAndRetrFails) {
  transcript_builder b = logged_in();
  b.cmd("REST 4096", "350 ok").cmd("TYPE I", "200 ok");
  expect_fail(run("FTP-REST", b.get()), "FTP-REST", 7);
  transcript_builder k = logged_in();
  k.cmd("REST 4k", "501 bad");
  expect_fail(run("FTP-REST", k.get()), "FTP-REST", 5);
  transcript_builder w = logged_in();
  w.cmd("REST 10", "350 ok").retr("f", "x");  // EPSV at 7 between REST and RETR
  expect_fail(run("FTP-REST", w.get()), "FTP-REST", 7, level::should);
  transcript_builder ok = logged_in();
  ok.cmd("EPSV", "229 (|||5000|)").cmd("REST 10", "350 ok").cmd("RETR f", "150 go");
  expect_pass(run("FTP-REST", ok.get()));
}

// RFC 959 §4.1.3: a restart marker serves one transfer; when that transfer fails before any
// 1xx, a retry without a fresh REST would start from offset 0 while the client expects 10.
TEST(FtpRest, RetryAfterAFailedRestartWithoutAFreshRestFails) {
  transcript_builder b = logged_in();
  b.cmd("REST 10", "350 restarting at 10").cmd("RETR f", "550 no such file");
  b.cmd("RETR f", "550 no such file");
  const rule_result r = run("FTP-REST", b.get());
  expect_fail(r, "FTP-REST", 9);
  EXPECT_NE(r.message.find("without a fresh REST"), std::string::npos) << describe(r);
  transcript_builder ok = logged_in();
  ok.cmd("REST 10", "350 restarting at 10").cmd("RETR f", "550 no such file");
  ok.cmd("REST 10", "350 restarting at 10").cmd("RETR f", "150 go");
  expect_pass(run("FTP-REST", ok.get()));
}

// Only a restarted transfer refused before any 1xx leaves its marker in doubt; a retry
// without REST is fine after a plain refusal, after a restart that started (1xx) and after
// one that completed.
TEST(FtpRest, RetryWithoutRestPassesWhenNoMarkerIsInDoubt) {
  transcript_builder plain = logged_in();
  plain.cmd("REST 10", "350 restarting at 10").cmd("RETR f", "150 go\r\n226 done");
  plain.cmd("RETR g", "550 no such file").cmd("RETR g", "550 no such file");
  expect_pass(run("FTP-REST", plain.get()));
  transcript_builder started = logged_in();
  started.cmd("REST 10", "350 restarting at 10").cmd("RETR f", "150 go\r\n426 aborted");
  started.cmd("RETR f", "150 go\r\n226 done");
  expect_pass(run("FTP-REST", started.get()));
  transcript_builder done = logged_in();
  done.cmd("REST 10", "350 restarting at 10").cmd("RETR f", "226 done");
  done.cmd("RETR g", "150 go\r\n226 done");
  expect_pass(run("FTP-REST", done.get()));
}

TEST(FtpRnfrRnto, OtherCommandBetweenFails) {
  transcript_builder b = logged_in();
  b.cmd("RNFR a", "350 ready").cmd("TYPE I", "200 ok").cmd("RNTO b", "503 bad sequence");
  expect_fail(run("FTP-RNFR-RNTO", b.get()), "FTP-RNFR-RNTO", 7);
  transcript_builder ok = logged_in();
  ok.cmd("RNFR a", "350 ready").cmd("RNTO b", "250 renamed");
  expect_pass(run("FTP-RNFR-RNTO", ok.get()));
}

TEST(FtpSizeType, SizeUnderAsciiResumeUnderBinaryFails) {
  transcript_builder b = logged_in();
  b.cmd("SIZE f", "213 100").cmd("TYPE I", "200 ok").cmd("REST 50", "350 ok");
  b.cmd("RETR f", "150 go");  // RETR at 11
  expect_fail(run("FTP-SIZE-TYPE", b.get()), "FTP-SIZE-TYPE", 11, level::should);
  transcript_builder ok = logged_in();
  ok.cmd("TYPE I", "200 ok").cmd("SIZE f", "213 100").cmd("REST 50", "350 ok");
  ok.cmd("RETR f", "150 go");
  expect_pass(run("FTP-SIZE-TYPE", ok.get()));
}

TEST(FtpFeatUse, UnlistedExtensionFails) {
  transcript_builder b = logged_in();
  b.client("FEAT\r\n").server("211-Features:\r\n SIZE\r\n211 End\r\n");
  b.cmd("MLSD", "150 go");
  expect_fail(run("FTP-FEAT-USE", b.get()), "FTP-FEAT-USE", 7, level::should);
  transcript_builder a = logged_in();
  a.cmd("FEAT ALL", "501 no");
  expect_fail(run("FTP-FEAT-USE", a.get()), "FTP-FEAT-USE", 5, level::should);
  expect_pass(run("FTP-FEAT-USE", clean_session().get()));
}

TEST(FtpHostOrder, HostAfterLoginFails) {
  transcript_builder b = logged_in();
  b.cmd("HOST ftp.example.com", "503 already logged in");
  expect_fail(run("FTP-HOST-ORDER", b.get()), "FTP-HOST-ORDER", 5);
  transcript_builder ok;
  ok.greet().cmd("HOST ftp.example.com", "220 welcome").login();
  expect_pass(run("FTP-HOST-ORDER", ok.get()));
}

TEST(FtpAuthTls, PlaintextAfter234Fails) {
  transcript_builder b;
  b.greet().cmd("AUTH TLS", "234 go").tls_start().client("USER a\r\n").tls_failed();
  expect_fail(run("FTP-AUTH-TLS", b.get()), "FTP-AUTH-TLS", 4);
  transcript_builder u;
  u.greet().login().cmd("AUTH TLS", "234 go").tls_start().tls_ready().cmd("CWD /", "250 ok");
  expect_fail(run("FTP-AUTH-TLS", u.get()), "FTP-AUTH-TLS", 9);
  transcript_builder s;
  s.greet().cmd("AUTH SSL", "234 go").tls_start().tls_ready().login();
  expect_fail(run("FTP-AUTH-TLS", s.get()), "FTP-AUTH-TLS", 1, level::should);
  expect_pass(run("FTP-AUTH-TLS", clean_session().get()));
}

TEST(FtpPbszProt, ProtWithoutPbszFails) {
  transcript_builder b;
  b.greet().cmd("AUTH TLS", "234 go").tls_start().tls_ready().cmd("PROT P", "503 PBSZ first");
  expect_fail(run("FTP-PBSZ-PROT", b.get()), "FTP-PBSZ-PROT", 5);
  transcript_builder p;
  p.greet().cmd("PBSZ 0", "503 no");
  expect_fail(run("FTP-PBSZ-PROT", p.get()), "FTP-PBSZ-PROT", 1);
  expect_pass(run("FTP-PBSZ-PROT", clean_session().get()));
}

// PROT in the clear also lacks its PBSZ (the session split resets PBSZ per security state),
// so the verdict is FAIL either way; the message names the cause the client must fix first.
TEST(FtpPbszProt, ProtBeforeTheHandshakeSaysSo) {
  transcript_builder b;
  b.greet().cmd("PROT P", "503 AUTH first");
  const rule_result r = run("FTP-PBSZ-PROT", b.get());
  expect_fail(r, "FTP-PBSZ-PROT", 1);
  EXPECT_EQ(r.message.rfind("PROT sent before the TLS handshake", 0), 0u) << describe(r);
  // After a failed handshake the connection is still in the clear.
  transcript_builder f;
  f.greet().cmd("AUTH TLS", "234 go").tls_start().tls_failed().cmd("PROT P", "503 no");
  const rule_result rf = run("FTP-PBSZ-PROT", f.get());
  expect_fail(rf, "FTP-PBSZ-PROT", 5);
  EXPECT_EQ(rf.message.rfind("PROT sent before the TLS handshake", 0), 0u) << describe(rf);
}

TEST(FtpDataTlsRole, PlaintextOnProtectedDataChannelFails) {
  transcript_builder b = logged_in();
  b.cmd("EPSV", "229 (|||5000|)").open_data(false).tls_start().client("hello").tls_failed();
  expect_fail(run("FTP-DATA-TLS-ROLE", b.get()), "FTP-DATA-TLS-ROLE", 9);
  transcript_builder w = logged_in();
  w.cmd("EPRT |1|127.0.0.1|5000|", "200 ok").open_data(false).tls_start().tls_failed();
  expect_fail(run("FTP-DATA-TLS-ROLE", w.get()), "FTP-DATA-TLS-ROLE", 9);
  expect_pass(run("FTP-DATA-TLS-ROLE", clean_session().get()));
}

TEST(FtpAbor, BareAborDuringTransferWarns) {
  transcript_builder b = logged_in();
  b.cmd("EPSV", "229 (|||5000|)").open_data().on(0).cmd("RETR big", "150 go");
  b.client("ABOR\r\n").server("426 aborted\r\n226 abort ok\r\n");  // ABOR at 10
  expect_fail(run("FTP-ABOR", b.get()), "FTP-ABOR", 10, level::should);
  transcript_builder ok = logged_in();
  ok.cmd("EPSV", "229 (|||5000|)").open_data().on(0).cmd("RETR big", "150 go");
  ok.client(
        "\xff\xf4\xff\xf2"
        "ABOR\r\n")
      .server("426 aborted\r\n226 abort ok\r\n");
  expect_pass(run("FTP-ABOR", ok.get()));
  expect_pass(run("FTP-LOCKSTEP", ok.get()));
  expect_pass(run("FTP-TELNET", ok.get()));
}

TEST(FtpCleartext, PasswordAfterTlsRequiredFails) {
  transcript_builder b;
  b.greet().cmd("USER bob", "530 TLS required").cmd("USER bob", "331 pass");
  b.cmd("PASS secret", "230 ok");
  expect_fail(run("FTP-CLEARTEXT", b.get()), "FTP-CLEARTEXT", 5);
  expect_pass(run("FTP-CLEARTEXT", clean_session().get()));
  expect_na(run("FTP-CLEARTEXT", logged_in().get()));
}

TEST(FtpCleartext, RetryAfterLoginFailureIsNotATlsRequirement) {
  transcript_builder b;
  b.greet().cmd("USER bob", "331 pass").cmd("PASS bad", "530 Login authentication failed");
  b.cmd("USER bob", "331 pass").cmd("PASS good", "230 ok");
  expect_na(run("FTP-CLEARTEXT", b.get()));
}

TEST(FtpArgNoCrlf, FileContentWithCrlfIsNotAnArgument) {
  transcript_builder b = logged_in();
  b.stor("f", "x\r\nQUIT\r\n").cmd("QUIT", "221 bye");
  const scenario sc = with_steps(
      nlohmann::json::parse(R"([{"op":"stor","args":{"path":"f","data":"x\r\nQUIT\r\n"}}])"));
  expect_na(run("FTP-ARG-NOCRLF", b.get(), context{&sc}));
}

// curl's order: EPSV, then TYPE I and SIZE, then RETR on the connection opened after 229.
TEST(FtpRules, CurlStyleRetrHasNoFailure) {
  transcript_builder b = logged_in();
  b.cmd("PWD", "257 \"/\"").cmd("EPSV", "229 (|||5000|)").open_data();
  b.on(0).cmd("TYPE I", "200 ok").cmd("SIZE f", "213 1").cmd("RETR f", "150 go");
  b.on(1).server("x").server_close().on(0).server("226 done\r\n").cmd("QUIT", "221 bye");
  for (const rule* r : rules()) {
    const rule_result res = r->check(b.get(), {});
    EXPECT_NE(res.result, outcome::fail) << r->info().id << " " << describe(res);
  }
}

// ftplib's FTP_TLS over IPv4: PASV (a real FTP-EPSV-USE break), otherwise clean.
TEST(FtpRules, FtplibStyleSessionBreaksOnlyEpsvUse) {
  transcript_builder b;
  b.greet().cmd("AUTH TLS", "234 go").tls_start().tls_ready().login();
  b.cmd("PBSZ 0", "200 ok").cmd("PROT P", "200 ok").cmd("TYPE I", "200 ok");
  b.cmd("PASV", "227 Entering Passive Mode (127,0,0,1,4,1)").open_data().tls_start().tls_ready();
  b.on(0).cmd("RETR f", "150 go").on(1).server("x").server_close();
  b.on(0).server("226 ok\r\n").cmd("QUIT", "221 bye");
  for (const rule* r : rules()) {
    const rule_result res = r->check(b.get(), {});
    if (r->info().id == "FTP-EPSV-USE")
      EXPECT_EQ(res.result, outcome::fail);
    else
      EXPECT_NE(res.result, outcome::fail) << r->info().id << " " << describe(res);
  }
}

}  // namespace
}  // namespace ph::harness::rules::ftp
