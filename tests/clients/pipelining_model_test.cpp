// The pipelined bulk calls (POP3 retr_all, NNTP article_all) against the model fake servers on
// loopback: the same content as one command at a time, several commands in flight (seen in the
// server's transcript), and errors that leave the dialogue in step.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "clients/nntp/client.hpp"
#include "clients/pop3/client.hpp"
#include "fakeservers/fake_server.hpp"
#include "harness/protocols.hpp"

namespace nntp = ph::clients::nntp;
namespace pop3 = ph::clients::pop3;
using namespace std::chrono_literals;

namespace {

std::unique_ptr<ph::fakeservers::fake_server> model(const std::string& protocol) {
  const std::string text =
      "protocol = \"" + protocol + "\"\nsummary = \"pipelining\"\n[server]\nmode = \"model\"\n";
  auto scen = ph::parse_scenario(text, "<test>", "test/" + protocol);
  return std::make_unique<ph::fakeservers::fake_server>(
      *ph::harness::find_protocol(protocol)->dialect, scen,
      ph::fakeservers::server_options{.session_timeout = 10s});
}

// Lines of `bytes` that start with `prefix`.
int lines_starting(const std::string& bytes, const std::string& prefix) {
  int n = 0;
  for (auto at = bytes.find(prefix); at != std::string::npos; at = bytes.find(prefix, at + 1))
    if (at == 0 || bytes[at - 1] == '\n') ++n;
  return n;
}

// The most `verb` commands the client had sent and the server not yet answered (status lines
// starting with `answer`, counted from the first such command on): more than one means they
// were pipelined.
int most_in_flight(const ph::transcript& t, const std::string& verb, const std::string& answer) {
  int sent = 0, answered = 0, most = 0;
  for (const auto& e : t.events) {
    if (e.kind != ph::event_kind::data) continue;
    if (e.dir == ph::direction::client_to_server)
      sent += lines_starting(e.bytes, verb);
    else if (sent > 0)
      answered += lines_starting(e.bytes, answer);
    most = std::max(most, sent - answered);
  }
  return most;
}

// A client of the given kind connected to the model server, with a pipeline window.
template <class Client, class Options>
Client connected(std::uint16_t port, std::size_t window) {
  Options o;
  o.timeout = 5s;
  o.pipeline_window = window;
  Client client(o);
  client.connect("127.0.0.1", port);
  return client;
}

}  // namespace

TEST(Pop3ClientModel, RetrAllMatchesRetrAndPipelines) {
  auto server = model("pop3");
  auto client = connected<pop3::client, pop3::options>(server->start(), 3);
  client.capa();
  ASSERT_TRUE(client.has_capability("PIPELINING"));
  client.user("test");
  client.pass("test");
  const auto all = client.retr_all({1, 2, 3, 4});
  ASSERT_EQ(all.size(), 4u);
  for (std::uint64_t n = 1; n <= 4; ++n) {
    const auto one = client.retr(n);
    EXPECT_EQ(all[n - 1].lines, one.lines) << "message " << n;
    EXPECT_EQ(all[n - 1].octets, one.octets) << "message " << n;
  }
  // A missing message mid-list: every response is read, so the session stays in step.
  EXPECT_THROW(client.retr_all({1, 9, 2}), pop3::response_error);
  EXPECT_EQ(client.stat().count, 4u);
  client.quit();
  server->stop();
  const auto conns = server->connections();
  ASSERT_EQ(conns.size(), 1u);
  EXPECT_GE(most_in_flight(conns[0].transcript, "RETR ", "+OK"), 2);
}

TEST(NntpClientModel, ArticleAllMatchesArticleAndPipelines) {
  auto server = model("nntp");
  const auto port = server->start();
  auto client = connected<nntp::client, nntp::options>(port, 4);
  client.group("local.test");
  const auto numbers = client.listgroup("local.test");
  ASSERT_EQ(numbers.size(), 6u);
  const auto all = client.article_all(numbers);
  ASSERT_EQ(all.size(), numbers.size());
  for (std::size_t i = 0; i < numbers.size(); ++i) {
    const auto one = client.article(numbers[i]);
    EXPECT_EQ(all[i].number, numbers[i]);
    EXPECT_EQ(all[i].message_id, one.message_id);
    EXPECT_EQ(all[i].lines, one.lines) << "article " << numbers[i];
  }
  // Article 3's body has dot-stuffed lines: they come back un-stuffed.
  bool unstuffed = false;
  for (const auto& l : all[2].lines)
    unstuffed |= l == ".hidden dot line";
  EXPECT_TRUE(unstuffed);
  // A number that is gone (423) mid-list: the rest is read, the dialogue stays in step.
  try {
    client.article_all({1, 99, 2});
    ADD_FAILURE() << "no error for a missing article";
  } catch (const nntp::temporary_error& e) {
    EXPECT_EQ(e.code(), 423);
  }
  EXPECT_EQ(client.stat(2).number, 2);
  // A window of one is lock-step and still correct.
  auto one_at_a_time = connected<nntp::client, nntp::options>(port, 1);
  one_at_a_time.group("local.test");
  EXPECT_EQ(one_at_a_time.article_all(numbers).size(), numbers.size());
  one_at_a_time.quit();
  client.quit();
  server->stop();
  const auto conns = server->connections();
  ASSERT_EQ(conns.size(), 2u);
  EXPECT_GE(most_in_flight(conns[0].transcript, "ARTICLE ", "220 "), 2);
  EXPECT_EQ(most_in_flight(conns[1].transcript, "ARTICLE ", "220 "), 1);
}
