#include "clients/nntp/client.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <system_error>

#include "tests/clients/scripted_peer.hpp"

namespace nntp = ph::clients::nntp;
namespace net = ph::clients::net;
using ph::tests::peer_connection;
using ph::tests::scripted_peer;
using namespace std::chrono_literals;

namespace {

nntp::options fast(std::chrono::milliseconds timeout = 5s) {
  nntp::options o;
  o.timeout = timeout;
  return o;
}

void bye(peer_connection& c) {
  c.expect("QUIT");
  c.send("205 bye\r\n");
  c.until_close();
}

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

TEST(NntpClient, SplitResponsesOneBytePerSegment) {
  scripted_peer peer([](peer_connection& c) {
    c.drip("201 read only\r\n");
    c.expect("GROUP misc.test");
    c.drip("211 2 1 2 misc.test\r\n");
    c.expect("LISTGROUP");
    c.drip("211 2 1 2 misc.test list follows\r\n1\r\n2\r\n.\r\n");
    c.expect("ARTICLE 1");
    c.drip("220 1 <1@x> article\r\nSubject: a\r\n\r\n..dot\r\n.\r\n");
    bye(c);
  });
  nntp::client client(fast());
  const auto greeting = client.connect("127.0.0.1", peer.port());
  EXPECT_EQ(greeting.code, 201);
  EXPECT_FALSE(client.posting_allowed());
  const auto g = client.group("misc.test");
  EXPECT_EQ(g.count, 2);
  EXPECT_EQ(g.last, 2);
  EXPECT_EQ(client.listgroup(), (std::vector<std::int64_t>{1, 2}));
  const auto a = client.article(1);
  EXPECT_EQ(a.message_id, "<1@x>");
  EXPECT_EQ(a.lines, (std::vector<std::string>{"Subject: a", "", ".dot"}));
  EXPECT_EQ(client.quit().code, 205);
  peer.join();
  EXPECT_EQ(peer.error(), "");
}

TEST(NntpClient, AuthRequiredThenAuthinfoWaitsFor381) {
  scripted_peer peer([](peer_connection& c) {
    c.send("200 ok\r\n");
    c.expect("GROUP secret");
    c.send("480 authentication required\r\n");
    c.expect("AUTHINFO USER fred");
    // Anything pipelined after USER would already be here; PASS must wait for 381.
    std::this_thread::sleep_for(50ms);
    c.send("381 password please\r\n");
    c.expect("AUTHINFO PASS flintstone");
    c.send("281 welcome\r\n");
    c.expect("GROUP secret");
    c.send("211 0 1 0 secret\r\n");
    bye(c);
  });
  nntp::client client(fast());
  client.connect("127.0.0.1", peer.port());
  EXPECT_EQ(thrown<nntp::temporary_error>([&] { client.group("secret"); }).code(), 480);
  EXPECT_EQ(client.authinfo("fred", "flintstone").code, 281);
  EXPECT_EQ(client.group("secret").name, "secret");
  client.quit();
  peer.join();
  EXPECT_EQ(peer.error(), "");
}

TEST(NntpClient, BadPasswordIsTemporaryError) {
  scripted_peer peer([](peer_connection& c) {
    c.send("200 ok\r\n");
    c.expect("AUTHINFO USER fred");
    c.send("381 password please\r\n");
    c.expect("AUTHINFO PASS wrong");
    c.send("481 no\r\n");
    bye(c);
  });
  nntp::client client(fast());
  client.connect("127.0.0.1", peer.port());
  EXPECT_EQ(thrown<nntp::temporary_error>([&] { client.authinfo("fred", "wrong"); }).code(), 481);
  client.quit();
  peer.join();
  EXPECT_EQ(peer.error(), "");
}

TEST(NntpClient, NoSuchGroupArticleOrMessageIdAreTemporaryErrors) {
  scripted_peer peer([](peer_connection& c) {
    c.send("200 ok\r\n");
    c.expect("GROUP nope");
    c.send("411 no such group\r\n");
    c.expect("ARTICLE 9");
    c.send("423 no article with that number\r\n");
    c.expect("STAT <gone@x>");
    c.send("430 no article with that message-id\r\n");
    c.expect("NEXT");
    c.send("412 no group selected\r\n");
    bye(c);
  });
  nntp::client client(fast());
  client.connect("127.0.0.1", peer.port());
  const auto e411 = thrown<nntp::temporary_error>([&] { client.group("nope"); });
  EXPECT_EQ(e411.code(), 411);
  EXPECT_EQ(e411.text(), "no such group");
  EXPECT_EQ(thrown<nntp::temporary_error>([&] { client.article(9); }).code(), 423);
  EXPECT_EQ(thrown<nntp::temporary_error>([&] { client.stat(std::string("<gone@x>")); }).code(),
            430);
  EXPECT_EQ(thrown<nntp::temporary_error>([&] { client.next(); }).code(), 412);
  EXPECT_TRUE(client.is_connected());
  client.quit();
  peer.join();
  EXPECT_EQ(peer.error(), "");
}

TEST(NntpClient, ServiceDiscontinuedMidSessionCloses) {
  scripted_peer peer([](peer_connection& c) {
    c.send("200 ok\r\n");
    c.expect("DATE");
    c.send("400 service discontinued\r\n");
    c.close();
  });
  nntp::client client(fast());
  client.connect("127.0.0.1", peer.port());
  EXPECT_EQ(thrown<nntp::temporary_error>([&] { client.date(); }).code(), 400);
  EXPECT_FALSE(client.is_connected());
  peer.join();
  EXPECT_EQ(peer.error(), "");
}

TEST(NntpClient, RefusedGreetingThrows) {
  scripted_peer peer([](peer_connection& c) {
    c.send("502 go away\r\n");
    c.until_close();
  });
  nntp::client client(fast());
  EXPECT_EQ(thrown<nntp::permanent_error>([&] { client.connect("127.0.0.1", peer.port()); }).code(),
            502);
  EXPECT_FALSE(client.is_connected());
  peer.join();
}

TEST(NntpClient, StalledServerTimesOut) {
  scripted_peer peer([](peer_connection& c) {
    c.send("200 ok\r\n");
    c.expect("HELP");
    c.send("100 help follows\r\nsome text\r\n");  // and never the "."
    c.until_close();
  });
  nntp::client client(fast(200ms));
  client.connect("127.0.0.1", peer.port());
  const auto e = thrown<std::system_error>([&] { client.help(); });
  EXPECT_EQ(e.code(), net::errc::timed_out);
  EXPECT_FALSE(client.is_connected());
  peer.join();
  EXPECT_EQ(peer.error(), "");
}

TEST(NntpClient, OverUsesOverviewFmtOrTheDefault) {
  scripted_peer peer([](peer_connection& c) {
    c.send("200 ok\r\n");
    c.expect("LIST OVERVIEW.FMT");
    c.send(
        "215 format\r\nSubject:\r\nFrom:\r\nDate:\r\nMessage-ID:\r\nReferences:\r\n:bytes\r\n"
        ":lines\r\nXref:full\r\n.\r\n");
    c.expect("OVER 1-");
    c.send("224 overview\r\n1\tHello\tme\t\t<1@x>\t\t10\t2\tXref: h g:1\r\n.\r\n");
    c.expect("XOVER 2-3");  // the format is asked once per connection
    c.send("224 overview\r\n.\r\n");
    bye(c);
  });
  nntp::client client(fast());
  client.connect("127.0.0.1", peer.port());
  const auto list = client.over("1-");
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].subject, "Hello");
  EXPECT_EQ(list[0].extra.at("xref"), "h g:1");
  EXPECT_TRUE(client.xover("2-3").empty());
  client.quit();
  peer.join();
  EXPECT_EQ(peer.error(), "");
}

TEST(NntpClient, OverWithoutOverviewFmtUsesDefault) {
  scripted_peer peer([](peer_connection& c) {
    c.send("200 ok\r\n");
    c.expect("LIST OVERVIEW.FMT");
    c.send("503 not supported\r\n");
    c.expect("OVER <1@x>");
    c.send("224 overview\r\n0\tHello\tme\td\t<1@x>\t\t10\t2\r\n.\r\n");
    bye(c);
  });
  nntp::client client(fast());
  client.connect("127.0.0.1", peer.port());
  const auto list = client.over_message_id("<1@x>");
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].number, 0);
  EXPECT_EQ(list[0].lines, 2);
  client.quit();
  peer.join();
  EXPECT_EQ(peer.error(), "");
}

TEST(NntpClient, PostSendsOnlyAfter340AndDotStuffs) {
  scripted_peer peer([](peer_connection& c) {
    c.send("200 ok\r\n");
    c.expect("POST");
    c.send("440 posting not permitted\r\n");
    c.expect("POST");
    c.send("340 send it\r\n");
    const std::string block = c.data_block();
    if (block != "From: a@b\r\nNewsgroups: misc.test\r\nSubject: s\r\n\r\n..dot\r\n.\r\n")
      throw std::runtime_error("bad block: " + block);
    c.send("240 article received\r\n");
    bye(c);
  });
  nntp::client client(fast());
  client.connect("127.0.0.1", peer.port());
  const std::string art = "From: a@b\nNewsgroups: misc.test\nSubject: s\n\n.dot\n";
  EXPECT_EQ(thrown<nntp::temporary_error>([&] { client.post(art); }).code(), 440);
  EXPECT_EQ(client.post(art).code, 240);
  EXPECT_THROW(client.post("Subject: s\n\nbody\n"), nntp::error);
  client.quit();
  peer.join();
  EXPECT_EQ(peer.error(), "");
}

TEST(NntpClient, IhaveRefusedSendsNoArticle) {
  scripted_peer peer([](peer_connection& c) {
    c.send("200 ok\r\n");
    c.expect("IHAVE <i@x>");
    c.send("435 not wanted\r\n");
    bye(c);
  });
  nntp::client client(fast());
  client.connect("127.0.0.1", peer.port());
  EXPECT_EQ(thrown<nntp::temporary_error>([&] { client.ihave("<i@x>", "Path: x\n\nb\n"); }).code(),
            435);
  client.quit();
  peer.join();
  EXPECT_EQ(peer.error(), "");
  EXPECT_EQ(peer.received(), "IHAVE <i@x>\r\nQUIT\r\n");
}

TEST(NntpClient, RefusesInjectionAndLongLinesLocally) {
  scripted_peer peer([](peer_connection& c) {
    c.send("200 ok\r\n");
    bye(c);
  });
  nntp::client client(fast());
  client.connect("127.0.0.1", peer.port());
  EXPECT_THROW(client.group("a\r\nQUIT"), nntp::error);
  EXPECT_THROW(client.authinfo("u\nx", "p"), nntp::error);
  EXPECT_THROW(client.authinfo("u", std::string(600, 'p')), nntp::error);
  EXPECT_THROW(client.article(std::string("no-brackets@x")), nntp::error);
  EXPECT_THROW(client.over(std::string("1-x")), nntp::error);
  client.quit();
  peer.join();
  EXPECT_EQ(peer.error(), "");
  EXPECT_EQ(peer.received(), "QUIT\r\n");
}

TEST(NntpClient, NewnewsAndNewgroupsSendGmtDates) {
  using namespace std::chrono;
  scripted_peer peer([](peer_connection& c) {
    c.send("200 ok\r\n");
    c.expect("NEWGROUPS 20240102 030405 GMT");
    c.send("231 list\r\nalt.new 5 1 y\r\n.\r\n");
    c.expect("NEWNEWS misc.* 20240102 030405 GMT");
    c.send("230 list\r\n<a@x>\r\n.\r\n");
    c.expect("DATE");
    c.send("111 20240102030405\r\n");
    bye(c);
  });
  nntp::client client(fast());
  client.connect("127.0.0.1", peer.port());
  const auto since = sys_days{year{2024} / 1 / 2} + 3h + 4min + 5s;
  const auto groups = client.newgroups(since);
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(groups[0].name, "alt.new");
  EXPECT_EQ(client.newnews("misc.*", since), std::vector<std::string>{"<a@x>"});
  EXPECT_EQ(client.date(), "20240102030405");
  client.quit();
  peer.join();
  EXPECT_EQ(peer.error(), "");
}

TEST(NntpClient, StarttlsNeedsTheCapability) {
  scripted_peer peer([](peer_connection& c) {
    c.send("200 ok\r\n");
    c.expect("CAPABILITIES");
    c.send("101 caps\r\nVERSION 2\r\nREADER\r\n.\r\n");
    bye(c);
  });
  nntp::client client(fast());
  client.connect("127.0.0.1", peer.port());
  EXPECT_THROW(client.starttls(), nntp::not_supported);
  client.quit();
  peer.join();
  EXPECT_EQ(peer.error(), "");
}

TEST(NntpClient, StarttlsUpgradesAndForgetsCapabilities) {
  const auto cert = ph::tests::make_self_signed("news.test");
  scripted_peer peer([&cert](peer_connection& c) {
    c.send("200 ok\r\n");
    c.expect("CAPABILITIES");
    c.send("101 caps\r\nVERSION 2\r\nSTARTTLS\r\n.\r\n");
    c.expect("STARTTLS");
    c.send("382 go ahead\r\n");
    c.start_tls(cert);
    c.expect("CAPABILITIES");
    c.send("101 caps\r\nVERSION 2\r\nAUTHINFO USER\r\n.\r\n");
    bye(c);
  });
  nntp::options o = fast();
  o.tls.ca_pem = cert.cert_pem;
  o.tls.server_name = "news.test";
  nntp::client client(o);
  client.connect("127.0.0.1", peer.port());
  EXPECT_EQ(client.starttls().code, 382);
  EXPECT_TRUE(client.tls_active());
  EXPECT_TRUE(client.capabilities().contains("AUTHINFO"));
  EXPECT_THROW(client.starttls(), nntp::error);
  client.quit();
  peer.join();
  EXPECT_EQ(peer.error(), "");
}

TEST(NntpClient, UnexpectedCodeIsProtocolError) {
  scripted_peer peer([](peer_connection& c) {
    c.send("200 ok\r\n");
    c.expect("GROUP g");
    c.send("224 not what GROUP gets\r\n");
    c.until_close();
  });
  nntp::client client(fast());
  client.connect("127.0.0.1", peer.port());
  EXPECT_EQ(thrown<std::system_error>([&] { client.group("g"); }).code(),
            net::errc::malformed_reply);
  peer.join();
}
