// news_search against an in-process model-mode NNTP fake server: the page lists exactly the
// matching articles, with every field HTML-escaped and news: links.

#include <sys/wait.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "fakeservers/fake_server.hpp"
#include "harness/protocols.hpp"
#include "vocabulary/scenario.hpp"

namespace {

constexpr const char* model_scenario = R"toml(
protocol = "nntp"
summary  = "news_search example's server"

[server]
mode = "model"

[[server.model.groups]]
name = "comp.lang.cpp"

[[server.model.groups.articles]]
subject = "Templates <T> & \"concepts\""
from = "Ann <ann@example.com>"
date = "Tue, 02 Jan 2024 10:00:00 +0000"
message_id = "<t1@example.com>"

[[server.model.groups.articles]]
subject = "Coroutines"
from = "Bob <bob@example.com>"
message_id = "<c2@example.com>"

[[server.model.groups.articles]]
subject = "Re: TEMPLATES again"
from = "O'Brien <ob@example.com>"
message_id = "<t3%x@example.com>"

[[server.model.groups]]
name = "local.empty"
)toml";

struct run_result {
  int exit_code = -1;
  std::string html;
};

class NewsSearch : public ::testing::Test {
 protected:
  void SetUp() override {
    scen_ = ph::parse_scenario(model_scenario, "news_search_test.toml", "examples/news-search");
    server_ = std::make_unique<ph::fakeservers::fake_server>(
        *ph::harness::find_protocol("nntp")->dialect, scen_, ph::fakeservers::server_options{});
    port_ = server_->start();
    dir_ =
        std::filesystem::temp_directory_path() /
        ("news_search_test." + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
         "." + std::to_string(port_));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    server_->stop();
    std::filesystem::remove_all(dir_);
  }

  run_result run(const std::string& args) {
    const auto out = dir_ / "out.html";
    std::filesystem::remove(out);
    const std::string cmd = std::string(PH_NEWS_SEARCH_EXE) + " " + args + " " + out.string() +
                            " > " + (dir_ / "stdout").string() + " 2>&1";
    const int status = std::system(cmd.c_str());
    run_result r;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    std::ifstream in(out, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    r.html = ss.str();
    return r;
  }

  ph::scenario scen_;
  std::unique_ptr<ph::fakeservers::fake_server> server_;
  std::uint16_t port_ = 0;
  std::filesystem::path dir_;
};

}  // namespace

TEST_F(NewsSearch, ListsMatchingArticlesEscaped) {
  const auto r = run("127.0.0.1 " + std::to_string(port_) + " comp.lang.cpp template");
  ASSERT_EQ(r.exit_code, 0) << r.html;
  EXPECT_NE(r.html.find("<td><a href=\"news:t1@example.com\">Templates &lt;T&gt; &amp; "
                        "&quot;concepts&quot;</a></td><td>Ann &lt;ann@example.com&gt;</td>"
                        "<td>Tue, 02 Jan 2024 10:00:00 +0000</td>"),
            std::string::npos)
      << r.html;
  EXPECT_NE(r.html.find("<a href=\"news:t3%25x@example.com\">Re: TEMPLATES again</a></td>"
                        "<td>O&#39;Brien &lt;ob@example.com&gt;</td>"),
            std::string::npos)
      << r.html;
  EXPECT_EQ(r.html.find("Coroutines"), std::string::npos);
  EXPECT_NE(r.html.find("<p>2 matching article(s).</p>"), std::string::npos);
}

TEST_F(NewsSearch, EmptyGroupGivesAnEmptyPage) {
  const auto r = run("127.0.0.1 " + std::to_string(port_) + " local.empty anything");
  ASSERT_EQ(r.exit_code, 0);
  EXPECT_NE(r.html.find("<p>0 matching article(s).</p>"), std::string::npos) << r.html;
  EXPECT_EQ(r.html.find("<table>"), std::string::npos);
}

TEST_F(NewsSearch, UnknownGroupExitsWithOne) {
  EXPECT_EQ(run("127.0.0.1 " + std::to_string(port_) + " no.such.group x").exit_code, 1);
}

TEST_F(NewsSearch, UsageErrorsExitWithTwo) {
  EXPECT_EQ(run("127.0.0.1 notaport g w").exit_code, 2);
  EXPECT_EQ(run("127.0.0.1").exit_code, 2);
}
