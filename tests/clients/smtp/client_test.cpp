#include "clients/smtp/client.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <system_error>

#include "tests/clients/scripted_peer.hpp"

namespace smtp = ph::clients::smtp;
namespace net = ph::clients::net;
using ph::tests::peer_connection;
using ph::tests::scripted_peer;
using namespace std::chrono_literals;

namespace {

constexpr std::string_view ehlo_line = "EHLO [127.0.0.1]";

// The greeting, then the EHLO exchange with the given reply lines.
void greet(peer_connection& c, std::string_view ehlo_reply) {
  c.send("220 fake.test ESMTP\r\n");
  c.expect(ehlo_line);
  c.send(ehlo_reply);
}

void bye(peer_connection& c) {
  c.expect("QUIT");
  c.send("221 bye\r\n");
  c.until_close();
}

smtp::options fast(std::chrono::milliseconds timeout = 5s) {
  smtp::options o;
  o.timeout = timeout;
  return o;
}

// Runs f, which must throw E; returns the exception.
template <class E, class F>
E thrown(F&& f) {
  try {
    f();
  } catch (const E& e) {
    return e;
  } catch (const std::exception& e) {
    ADD_FAILURE() << "threw another exception: " << e.what();
    throw;
  }
  ADD_FAILURE() << "did not throw";
  throw std::runtime_error("did not throw");
}

}  // namespace

TEST(SmtpClient, GreetingAndEhloSplitOneBytePerSegment) {
  scripted_peer peer([](peer_connection& c) {
    c.drip("220-fake.test ESMTP\r\n220 ready\r\n");
    c.expect(ehlo_line);
    c.drip("250-fake.test\r\n250-PIPELINING\r\n250 SIZE 1000\r\n");
    bye(c);
  });
  smtp::client client(fast());
  const auto greeting = client.connect("127.0.0.1", peer.port());
  EXPECT_EQ(greeting.code, 220);
  EXPECT_EQ(greeting.text(), "fake.test ESMTP\nready");
  const auto r = client.ehlo();
  EXPECT_EQ(r.code, 250);
  EXPECT_TRUE(client.has_extn("pipelining"));
  EXPECT_EQ(client.extension_params("SIZE"), "1000");
  EXPECT_EQ(client.quit().code, 221);
  EXPECT_FALSE(client.is_connected());
  peer.join();
  EXPECT_EQ(peer.error(), "");
}

TEST(SmtpClient, MultiLineEhloFeatures) {
  scripted_peer peer([](peer_connection& c) {
    greet(c,
          "250-fake.test greets [127.0.0.1]\r\n250-pipelining\r\n250-Size 0\r\n"
          "250-AUTH=LOGIN\r\n250-auth PLAIN login\r\n250-8BITMIME\r\n250\r\n");
    bye(c);
  });
  smtp::client client(fast());
  client.connect("127.0.0.1", peer.port());
  EXPECT_EQ(client.local_hostname(), "[127.0.0.1]");
  EXPECT_FALSE(client.does_esmtp());
  client.ehlo_or_helo_if_needed();
  EXPECT_TRUE(client.does_esmtp());
  EXPECT_TRUE(client.has_extn("PIPELINING"));
  EXPECT_TRUE(client.has_extn("8bitmime"));
  EXPECT_EQ(client.extension_params("SIZE"), "0");
  EXPECT_EQ(client.extension_params("AUTH"), "LOGIN PLAIN");
  EXPECT_EQ(client.esmtp_features().size(), 4u);
  client.quit();
  peer.join();
  EXPECT_EQ(peer.error(), "");
}

TEST(SmtpClient, BareLfInReplyIsMalformed) {
  scripted_peer peer([](peer_connection& c) {
    c.send("220 fake.test\n");
    c.until_close();
  });
  smtp::client client(fast(10s));
  const auto e = thrown<std::system_error>([&] { client.connect("127.0.0.1", peer.port()); });
  EXPECT_EQ(e.code(), net::errc::malformed_reply);
  EXPECT_NE(std::string(e.what()).find("reading greeting"), std::string::npos) << e.what();
  EXPECT_FALSE(client.is_connected());
}

TEST(SmtpClient, StalledServerTimesOut) {
  scripted_peer peer([](peer_connection& c) {
    c.send("220 fake.test\r\n");
    c.expect(ehlo_line);
    c.until_close();  // never answers
  });
  smtp::client client(fast(300ms));
  client.connect("127.0.0.1", peer.port());
  const auto e = thrown<std::system_error>([&] { client.ehlo(); });
  EXPECT_EQ(e.code(), net::errc::timed_out);
  EXPECT_EQ(std::string(e.what()).rfind("reading reply to EHLO: ", 0), 0u) << e.what();
  EXPECT_NE(std::string(e.what()).find("timed out after 300 ms"), std::string::npos) << e.what();
  EXPECT_FALSE(client.is_connected());
  peer.join();
  EXPECT_EQ(peer.error(), "");
}

TEST(SmtpClient, CloseMidReplyIsConnectionClosed) {
  scripted_peer peer([](peer_connection& c) {
    c.send("220 fake.test\r\n");
    c.expect(ehlo_line);
    c.send("250-fake.test\r\n250-PIPEL");
    c.close();
  });
  smtp::client client(fast());
  client.connect("127.0.0.1", peer.port());
  const auto e = thrown<std::system_error>([&] { client.ehlo(); });
  EXPECT_EQ(e.code(), net::errc::connection_closed);
  EXPECT_FALSE(client.is_connected());
}

TEST(SmtpClient, PipelinedSendmailWithOneRecipientRefused) {
  const std::string msg = "Subject: t\r\n\r\n.dot line\nbody\n";
  const std::string normalised = "Subject: t\r\n\r\n.dot line\r\nbody\r\n";
  scripted_peer peer([](peer_connection& c) {
    greet(c, "250-fake.test\r\n250-PIPELINING\r\n250-SIZE 100000\r\n250 8BITMIME\r\n");
    // The whole group arrives before any reply is sent (RFC 2920).
    c.line();
    c.line();
    c.line();
    c.expect("DATA");
    c.send("250 2.1.0 ok\r\n250 2.1.5 ok\r\n550 5.1.1 no such user\r\n354 go ahead\r\n");
    c.data_block();
    c.send("250 2.0.0 queued\r\n");
    bye(c);
  });
  smtp::client client(fast());
  client.connect("127.0.0.1", peer.port());
  const auto refused = client.sendmail("a@x.test", {"b@x.test", "c@x.test"}, msg);
  ASSERT_EQ(refused.size(), 1u);
  EXPECT_EQ(refused.at("c@x.test").code, 550);
  EXPECT_EQ(refused.at("c@x.test").text(), "5.1.1 no such user");
  client.quit();
  peer.join();
  EXPECT_EQ(peer.error(), "");
  EXPECT_EQ(peer.received(),
            "EHLO [127.0.0.1]\r\n"
            "MAIL FROM:<a@x.test> SIZE=" +
                std::to_string(normalised.size()) +
                "\r\n"
                "RCPT TO:<b@x.test>\r\n"
                "RCPT TO:<c@x.test>\r\n"
                "DATA\r\n"
                "Subject: t\r\n\r\n..dot line\r\nbody\r\n.\r\n"
                "QUIT\r\n");
}

TEST(SmtpClient, PipelinedAllRefusedButData354SendsLoneDot) {
  scripted_peer peer([](peer_connection& c) {
    greet(c, "250-fake.test\r\n250 PIPELINING\r\n");
    c.line();
    c.line();
    c.expect("DATA");
    c.send("250 ok\r\n550 no\r\n354 go ahead\r\n");
    c.expect(".");
    c.send("554 no valid recipients\r\n");
    c.expect("RSET");
    c.send("250 reset\r\n");
    bye(c);
  });
  smtp::client client(fast());
  client.connect("127.0.0.1", peer.port());
  const auto e = thrown<smtp::recipients_refused>(
      [&] { client.sendmail("a@x.test", {"b@x.test"}, "Subject: x\r\n\r\nsecret body\r\n"); });
  ASSERT_EQ(e.recipients().size(), 1u);
  EXPECT_EQ(e.recipients().at("b@x.test").code, 550);
  client.quit();
  peer.join();
  EXPECT_EQ(peer.error(), "");
  EXPECT_EQ(peer.received(),
            "EHLO [127.0.0.1]\r\nMAIL FROM:<a@x.test>\r\nRCPT TO:<b@x.test>\r\nDATA\r\n"
            ".\r\nRSET\r\nQUIT\r\n");
}

TEST(SmtpClient, LockstepAllRecipientsRefusedSendsRset) {
  scripted_peer peer([](peer_connection& c) {
    greet(c, "250 fake.test\r\n");
    c.expect("MAIL FROM:<a@x.test>");
    c.send("250 ok\r\n");
    c.expect("RCPT TO:<b@x.test>");
    c.send("550 no\r\n");
    c.expect("RCPT TO:<c@x.test>");
    c.send("553 bad\r\n");
    c.expect("RSET");
    c.send("250 reset\r\n");
    bye(c);
  });
  smtp::client client(fast());
  client.connect("127.0.0.1", peer.port());
  const auto e = thrown<smtp::recipients_refused>([&] {
    client.sendmail("a@x.test", {"b@x.test", "c@x.test"}, "x");
  });
  ASSERT_EQ(e.recipients().size(), 2u);
  EXPECT_EQ(e.recipients().at("b@x.test").code, 550);
  EXPECT_EQ(e.recipients().at("c@x.test").code, 553);
  EXPECT_TRUE(client.is_connected());
  client.quit();
  peer.join();
  EXPECT_EQ(peer.error(), "");
}

TEST(SmtpClient, SenderRefusedSendsRset) {
  scripted_peer peer([](peer_connection& c) {
    greet(c, "250 fake.test\r\n");
    c.expect("MAIL FROM:<>");
    c.send("550 5.7.1 null sender refused\r\n");
    c.expect("RSET");
    c.send("250 reset\r\n");
    bye(c);
  });
  smtp::client client(fast());
  client.connect("127.0.0.1", peer.port());
  const auto e = thrown<smtp::sender_refused>([&] { client.sendmail("", {"b@x.test"}, "x"); });
  EXPECT_EQ(e.code(), 550);
  EXPECT_EQ(e.text(), "5.7.1 null sender refused");
  EXPECT_EQ(e.sender(), "");
  EXPECT_NE(std::string(e.what()).find("550 5.7.1 null sender refused"), std::string::npos);
  client.quit();
  peer.join();
  EXPECT_EQ(peer.error(), "");
}

TEST(SmtpClient, DataRefusedAndFinalReplyRefused) {
  scripted_peer peer([](peer_connection& c) {
    greet(c, "250 fake.test\r\n");
    c.expect("MAIL FROM:<a@x.test>");
    c.send("250 ok\r\n");
    c.expect("RCPT TO:<b@x.test>");
    c.send("250 ok\r\n");
    c.expect("DATA");
    c.send("451 try later\r\n");
    c.expect("RSET");
    c.send("250 reset\r\n");
    c.expect("MAIL FROM:<a@x.test>");
    c.send("250 ok\r\n");
    c.expect("RCPT TO:<b@x.test>");
    c.send("250 ok\r\n");
    c.expect("DATA");
    c.send("354 go\r\n");
    c.data_block();
    c.send("552 too big\r\n");
    c.expect("RSET");
    c.send("250 reset\r\n");
    bye(c);
  });
  smtp::client client(fast());
  client.connect("127.0.0.1", peer.port());
  EXPECT_EQ(
      thrown<smtp::data_error>([&] { client.sendmail("a@x.test", {"b@x.test"}, "x"); }).code(),
      451);
  EXPECT_EQ(
      thrown<smtp::data_error>([&] { client.sendmail("a@x.test", {"b@x.test"}, "x"); }).code(),
      552);
  client.quit();
  peer.join();
  EXPECT_EQ(peer.error(), "");
}

TEST(SmtpClient, Reply421ClosesTheConnection) {
  scripted_peer peer([](peer_connection& c) {
    greet(c, "250 fake.test\r\n");
    c.expect("MAIL FROM:<a@x.test>");
    c.send("250 ok\r\n");
    c.expect("RCPT TO:<b@x.test>");
    c.send("421 4.3.2 shutting down\r\n");
    if (!c.until_close().empty()) throw std::runtime_error("client sent more after 421");
  });
  smtp::client client(fast());
  client.connect("127.0.0.1", peer.port());
  const auto e = thrown<smtp::recipients_refused>([&] {
    client.sendmail("a@x.test", {"b@x.test", "c@x.test"}, "x");
  });
  EXPECT_EQ(e.recipients().size(), 2u);
  EXPECT_EQ(e.recipients().at("c@x.test").code, 421);
  EXPECT_FALSE(client.is_connected());
  EXPECT_EQ(client.quit().code, 0);  // nothing left to quit
  peer.join();
  EXPECT_EQ(peer.error(), "");
}

TEST(SmtpClient, Reply421ToMailIsSenderRefusedWithoutRset) {
  scripted_peer peer([](peer_connection& c) {
    greet(c, "250 fake.test\r\n");
    c.expect("MAIL FROM:<a@x.test>");
    c.send("421 4.3.2 bye\r\n");
    if (!c.until_close().empty()) throw std::runtime_error("client sent more after 421");
  });
  smtp::client client(fast());
  client.connect("127.0.0.1", peer.port());
  EXPECT_EQ(
      thrown<smtp::sender_refused>([&] { client.sendmail("a@x.test", {"b@x.test"}, "x"); }).code(),
      421);
  EXPECT_FALSE(client.is_connected());
  peer.join();
  EXPECT_EQ(peer.error(), "");
}

TEST(SmtpClient, Greeting554SendsOnlyQuitThenConnectError) {
  scripted_peer peer([](peer_connection& c) {
    c.send("554 5.3.2 no service for you\r\n");
    c.expect("QUIT");
    c.send("221 bye\r\n");
    c.until_close();
  });
  smtp::client client(fast());
  const auto e = thrown<smtp::connect_error>([&] { client.connect("127.0.0.1", peer.port()); });
  EXPECT_EQ(e.code(), 554);
  EXPECT_FALSE(client.is_connected());
  peer.join();
  EXPECT_EQ(peer.error(), "");
  EXPECT_EQ(peer.received(), "QUIT\r\n");
}

TEST(SmtpClient, HeloFallbackWhenEhloNotRecognised) {
  scripted_peer peer([](peer_connection& c) {
    greet(c, "502 5.5.1 command not implemented\r\n");
    c.expect("HELO [127.0.0.1]");
    c.send("250 fake.test\r\n");
    c.expect("MAIL FROM:<a@x.test>");  // no SIZE or BODY: no extensions after HELO
    c.send("250 ok\r\n");
    c.expect("RCPT TO:<b@x.test>");
    c.send("250 ok\r\n");
    c.expect("DATA");
    c.send("354 go\r\n");
    c.data_block();
    c.send("250 queued\r\n");
    bye(c);
  });
  smtp::client client(fast());
  client.connect("127.0.0.1", peer.port());
  EXPECT_TRUE(client.sendmail("a@x.test", {"b@x.test"}, "hi").empty());
  EXPECT_FALSE(client.does_esmtp());
  client.quit();
  peer.join();
  EXPECT_EQ(peer.error(), "");
}

TEST(SmtpClient, HeloErrorWhenBothRefused) {
  scripted_peer peer([](peer_connection& c) {
    greet(c, "500 no\r\n");
    c.expect("HELO [127.0.0.1]");
    c.send("550 go away\r\n");
    bye(c);
  });
  smtp::client client(fast());
  client.connect("127.0.0.1", peer.port());
  EXPECT_EQ(thrown<smtp::helo_error>([&] { client.ehlo_or_helo_if_needed(); }).code(), 550);
  client.quit();
  peer.join();
  EXPECT_EQ(peer.error(), "");
}

TEST(SmtpClient, CommandInjectionRefusedBeforeSending) {
  scripted_peer peer([](peer_connection& c) {
    c.send("220 fake.test\r\n");
    c.expect("QUIT");
    c.send("221 bye\r\n");
    c.until_close();
  });
  smtp::client client(fast());
  client.connect("127.0.0.1", peer.port());
  EXPECT_THROW(client.mail("a@x.test>\r\nRCPT TO:<evil@x.test"), smtp::error);
  EXPECT_THROW(client.rcpt("b@x.test\n"), smtp::error);
  EXPECT_THROW(client.docmd("NOOP\r\nQUIT"), smtp::error);
  EXPECT_THROW(client.vrfy("x\ry"), smtp::error);
  EXPECT_THROW(client.sendmail("a@x.test", {"b\r\n@x.test"}, "x"), smtp::error);
  EXPECT_THROW(client.sendmail("a@x.test", {}, "x"), smtp::error);
  EXPECT_EQ(client.quit().code, 221);
  peer.join();
  EXPECT_EQ(peer.error(), "");
  EXPECT_EQ(peer.received(), "QUIT\r\n");
}

TEST(SmtpClient, VerbsReturnNegativeReplies) {
  scripted_peer peer([](peer_connection& c) {
    c.send("220 fake.test\r\n");
    c.expect("NOOP");
    c.send("250 ok\r\n");
    c.expect("VRFY bob");
    c.send("252 cannot verify\r\n");
    c.expect("MAIL FROM:<a@x.test> BODY=7BIT");
    c.send("503 5.5.1 EHLO first\r\n");
    c.expect("RCPT TO:<b@x.test>");
    c.send("550 no\r\n");
    c.expect("DATA");
    c.send("554 no valid recipients\r\n");
    c.expect("XFOO bar baz");
    c.send("500 unrecognised\r\n");
    c.expect("RSET");
    c.send("250 ok\r\n");
    bye(c);
  });
  smtp::client client(fast());
  client.connect("127.0.0.1", peer.port());
  EXPECT_EQ(client.noop().code, 250);
  EXPECT_EQ(client.vrfy("bob").code, 252);
  EXPECT_EQ(client.mail("Alice <a@x.test>", {"BODY=7BIT"}).code, 503);
  EXPECT_EQ(client.rcpt("<b@x.test>").code, 550);
  EXPECT_EQ(client.data("never sent").code, 554);
  EXPECT_EQ(client.docmd("XFOO", "bar baz").code, 500);
  EXPECT_EQ(client.rset().code, 250);
  client.quit();
  peer.join();
  EXPECT_EQ(peer.error(), "");
}

TEST(SmtpClient, SizeLimitCheckedBeforeMail) {
  scripted_peer peer([](peer_connection& c) {
    greet(c, "250-fake.test\r\n250 SIZE 10\r\n");
    bye(c);
  });
  smtp::client client(fast());
  client.connect("127.0.0.1", peer.port());
  EXPECT_THROW(client.sendmail("a@x.test", {"b@x.test"}, std::string(11, 'x')), smtp::error);
  client.quit();
  peer.join();
  EXPECT_EQ(peer.error(), "");
  EXPECT_EQ(peer.received(), "EHLO [127.0.0.1]\r\nQUIT\r\n");
}

TEST(SmtpClient, EightBitAndUtf8Parameters) {
  scripted_peer peer([](peer_connection& c) {
    greet(c, "250-fake.test\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n");
    c.expect("MAIL FROM:<jörg@x.test> SMTPUTF8 BODY=8BITMIME");
    c.send("250 ok\r\n");
    c.expect("RCPT TO:<b@x.test>");
    c.send("250 ok\r\n");
    c.expect("DATA");
    c.send("354 go\r\n");
    c.data_block();
    c.send("250 queued\r\n");
    c.expect("MAIL FROM:<a@x.test> BODY=8BITMIME");
    c.send("250 ok\r\n");
    c.expect("RCPT TO:<b@x.test>");
    c.send("250 ok\r\n");
    c.expect("DATA");
    c.send("354 go\r\n");
    c.data_block();
    c.send("250 queued\r\n");
    bye(c);
  });
  smtp::client client(fast());
  client.connect("127.0.0.1", peer.port());
  client.sendmail("jörg@x.test", {"b@x.test"}, "Subject: x\r\n\r\nGrüße\r\n");
  client.sendmail("a@x.test", {"b@x.test"}, "Subject: x\r\n\r\nGrüße\r\n");
  client.quit();
  peer.join();
  EXPECT_EQ(peer.error(), "");
}

TEST(SmtpClient, EightBitOrUtf8WithoutExtensionNotSupported) {
  scripted_peer peer([](peer_connection& c) {
    greet(c, "250-fake.test\r\n250 PIPELINING\r\n");
    bye(c);
  });
  smtp::client client(fast());
  client.connect("127.0.0.1", peer.port());
  EXPECT_THROW(client.sendmail("a@x.test", {"b@x.test"}, "\r\nGrüße\r\n"), smtp::not_supported);
  EXPECT_THROW(client.sendmail("a@x.test", {"jörg@x.test"}, "x"), smtp::not_supported);
  EXPECT_THROW(client.sendmail("a@x.test", {"b@x.test"}, "Subject: Grüße\r\n\r\nx"),
               smtp::not_supported);
  client.quit();
  peer.join();
  EXPECT_EQ(peer.error(), "");
  EXPECT_EQ(peer.received(), "EHLO [127.0.0.1]\r\nQUIT\r\n");
}

TEST(SmtpClient, SendMessageUsesBccOnlyInEnvelope) {
  std::string block;
  scripted_peer peer([&block](peer_connection& c) {
    greet(c, "250 fake.test\r\n");
    c.expect("MAIL FROM:<alice@x.test>");
    c.send("250 ok\r\n");
    for (auto rcpt : {"bob@x.test", "carol@x.test", "dave@x.test"}) {
      c.expect(std::string("RCPT TO:<") + rcpt + ">");
      c.send("250 ok\r\n");
    }
    c.expect("DATA");
    c.send("354 go\r\n");
    block = c.data_block();
    c.send("250 queued\r\n");
    bye(c);
  });
  smtp::client client(fast());
  client.connect("127.0.0.1", peer.port());
  smtp::message m;
  m.from = "Alice <alice@x.test>";
  m.to = {"Bob <bob@x.test>"};
  m.cc = {"carol@x.test"};
  m.bcc = {"dave@x.test"};
  m.subject = "hi";
  m.body = ".leading dot\n";
  EXPECT_TRUE(client.send_message(m).empty());
  client.quit();
  peer.join();
  EXPECT_EQ(peer.error(), "");
  EXPECT_EQ(block.find("dave"), std::string::npos) << block;
  EXPECT_NE(block.find("\r\nTo: Bob <bob@x.test>\r\n"), std::string::npos) << block;
  EXPECT_NE(block.find("\r\n\r\n..leading dot\r\n.\r\n"), std::string::npos) << block;
}

TEST(SmtpClient, AuthPlainExactPayload) {
  scripted_peer peer([](peer_connection& c) {
    greet(c, "250-fake.test\r\n250 AUTH LOGIN PLAIN\r\n");
    c.expect("AUTH PLAIN AHVzZXIAcGFzcw==");  // base64("\0user\0pass")
    c.send("235 2.7.0 authenticated\r\n");
    bye(c);
  });
  smtp::client client(fast());
  client.connect("127.0.0.1", peer.port());
  EXPECT_EQ(client.login("user", "pass").code, 235);
  client.quit();
  peer.join();
  EXPECT_EQ(peer.error(), "");
}

TEST(SmtpClient, AuthCramMd5Rfc2195Exchange) {
  scripted_peer peer([](peer_connection& c) {
    greet(c, "250-fake.test\r\n250 AUTH PLAIN CRAM-MD5\r\n");
    c.expect("AUTH CRAM-MD5");
    c.send("334 PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+\r\n");
    c.expect("dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw");
    c.send("235 ok\r\n");
    bye(c);
  });
  smtp::client client(fast());
  client.connect("127.0.0.1", peer.port());
  EXPECT_EQ(client.login("tim", "tanstaaftanstaaf").code, 235);
  client.quit();
  peer.join();
  EXPECT_EQ(peer.error(), "");
}

TEST(SmtpClient, AuthInvalidChallengeAnsweredWithStarThenNextMechanism) {
  scripted_peer peer([](peer_connection& c) {
    greet(c, "250-fake.test\r\n250 AUTH LOGIN CRAM-MD5\r\n");
    c.expect("AUTH CRAM-MD5");
    c.send("334 not*base64!\r\n");
    c.expect("*");  // RFC 4954 §4
    c.send("501 5.7.0 cancelled\r\n");
    c.expect("AUTH LOGIN");
    c.send("334 VXNlcm5hbWU6\r\n");
    c.expect("dXNlcg==");
    c.send("334 UGFzc3dvcmQ6\r\n");
    c.expect("cGFzcw==");
    c.send("235 ok\r\n");
    bye(c);
  });
  smtp::client client(fast());
  client.connect("127.0.0.1", peer.port());
  EXPECT_EQ(client.login("user", "pass").code, 235);
  client.quit();
  peer.join();
  EXPECT_EQ(peer.error(), "");
}

TEST(SmtpClient, AuthFailureAndUnsupported) {
  scripted_peer peer([](peer_connection& c) {
    greet(c, "250-fake.test\r\n250 AUTH PLAIN XOAUTH2\r\n");
    c.expect("AUTH PLAIN AHVzZXIAd3Jvbmc=");
    c.send("535 5.7.8 bad credentials\r\n");
    bye(c);
  });
  smtp::client client(fast());
  client.connect("127.0.0.1", peer.port());
  const auto e = thrown<smtp::auth_error>([&] { client.login("user", "wrong"); });
  EXPECT_EQ(e.code(), 535);
  EXPECT_THROW(client.login("user", "pass", "LOGIN"), smtp::not_supported);    // not advertised
  EXPECT_THROW(client.login("user", "pass", "XOAUTH2"), smtp::not_supported);  // not implemented
  client.quit();
  peer.join();
  EXPECT_EQ(peer.error(), "");
}

TEST(SmtpClient, StarttlsReissuesEhloAndDiscardsInjectedBytes) {
  static const auto cert = ph::tests::make_self_signed("mail.test");
  scripted_peer peer([](peer_connection& c) {
    greet(c, "250-fake.test\r\n250-AUTH LOGIN\r\n250 STARTTLS\r\n");
    c.expect("STARTTLS");
    // Response injection (RFC 3207 §4.2): plaintext after the 220 in the same segment.
    c.send("220 2.0.0 go ahead\r\n250-injected\r\n250 AUTH PLAIN\r\n");
    c.start_tls(cert);
    c.expect(ehlo_line);
    c.send("250-fake.test\r\n250 AUTH PLAIN CRAM-MD5\r\n");
    c.expect("AUTH CRAM-MD5");
    c.send("334 PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+\r\n");
    c.expect("dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw");
    c.send("235 ok\r\n");
    bye(c);
  });
  auto options = fast();
  options.tls.ca_pem = cert.cert_pem;
  options.tls.server_name = "mail.test";
  smtp::client client(options);
  client.connect("127.0.0.1", peer.port());
  EXPECT_EQ(client.starttls().code, 220);
  EXPECT_TRUE(client.tls_active());
  EXPECT_FALSE(client.has_extn("STARTTLS"));     // pre-TLS knowledge is gone
  EXPECT_THROW(client.starttls(), smtp::error);  // never twice (sends EHLO first)
  EXPECT_EQ(client.login("tim", "tanstaaftanstaaf").code, 235);
  EXPECT_EQ(client.quit().code, 221);
  peer.join();
  EXPECT_EQ(peer.error(), "");
}

TEST(SmtpClient, StarttlsRejectsCertificateForAnotherName) {
  static const auto cert = ph::tests::make_self_signed("mail.test");
  scripted_peer peer([](peer_connection& c) {
    greet(c, "250-fake.test\r\n250 STARTTLS\r\n");
    c.expect("STARTTLS");
    c.send("220 go ahead\r\n");
    try {
      c.start_tls(cert);
    } catch (const std::exception&) {
      return;  // the client aborted the handshake: expected
    }
    // A handshake the server considers done must still carry no client data.
    if (!c.until_close().empty()) throw std::runtime_error("client sent data over bad TLS");
  });
  auto options = fast();
  options.tls.ca_pem = cert.cert_pem;
  options.tls.server_name = "smtp.other.test";
  smtp::client client(options);
  client.connect("127.0.0.1", peer.port());
  const auto e = thrown<std::system_error>([&] { client.starttls(); });
  EXPECT_EQ(e.code(), net::errc::tls_failed);
  EXPECT_NE(std::string(e.what()).find("STARTTLS"), std::string::npos) << e.what();
  EXPECT_FALSE(client.is_connected());
  peer.join();
  EXPECT_EQ(peer.error(), "");
}

TEST(SmtpClient, StarttlsNotAdvertised) {
  scripted_peer peer([](peer_connection& c) {
    greet(c, "250-fake.test\r\n250 PIPELINING\r\n");
    bye(c);
  });
  smtp::client client(fast());
  client.connect("127.0.0.1", peer.port());
  EXPECT_THROW(client.starttls(), smtp::not_supported);
  client.quit();
  peer.join();
  EXPECT_EQ(peer.error(), "");
  EXPECT_EQ(peer.received(), "EHLO [127.0.0.1]\r\nQUIT\r\n");
}

TEST(SmtpClient, ImplicitTlsConnect) {
  static const auto cert = ph::tests::make_self_signed("mail.test");
  scripted_peer peer([](peer_connection& c) {
    c.start_tls(cert);
    c.send("220 fake.test ESMTP\r\n");
    c.expect("EHLO client.example.org");
    c.send("250 fake.test\r\n");
    bye(c);
  });
  auto options = fast();
  options.tls.ca_pem = cert.cert_pem;
  options.tls.server_name = "mail.test";
  options.local_hostname = "client.example.org";
  smtp::client client(options);
  EXPECT_EQ(client.connect_tls("127.0.0.1", peer.port()).code, 220);
  EXPECT_TRUE(client.tls_active());
  EXPECT_EQ(client.ehlo().code, 250);
  EXPECT_EQ(client.quit().code, 221);
  peer.join();
  EXPECT_EQ(peer.error(), "");
}

TEST(SmtpClient, MovableAndQuitWhenServerGone) {
  scripted_peer peer([](peer_connection& c) {
    c.send("220 fake.test\r\n");
    c.close();
  });
  smtp::client first(fast());
  first.connect("127.0.0.1", peer.port());
  smtp::client second = std::move(first);
  peer.join();
  EXPECT_NO_THROW(second.quit());  // transport errors after sending QUIT are swallowed
  EXPECT_FALSE(second.is_connected());
}
