#include "fakeservers/nntp/nntp_config.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "fakeservers/model/model_config.hpp"

namespace ph::fakeservers::nntp {

namespace {

std::vector<group_def> default_groups() {
  group_def g{.name = "local.test",
              .description = "protoharness test group",
              .posting = true,
              .created = "20240101000000",
              .articles = {}};
  auto add = [&](std::string subject, std::string refs, std::string body) {
    article_def a;
    a.number = static_cast<std::int64_t>(g.articles.size()) + 1;
    a.message_id = fmt::format("<ph.{}@fake.test>", a.number);
    a.subject = std::move(subject);
    a.references = std::move(refs);
    a.body = std::move(body);
    a.date = fmt::format("Mon, 01 Jan 2024 12:{:02}:00 +0000", a.number);
    a.arrived = fmt::format("2024010112{:02}00", a.number);
    g.articles.push_back(std::move(a));
  };
  add("First article", "", "Hello from protoharness.\nSecond line.\n");
  add("Re: First article", "<ph.1@fake.test>", "A reply.\n");
  add("Dots", "", "Below, a line that starts with a dot.\n.hidden dot line\n..two dots\nend\n");
  add("Empty lines", "", "\nThe body starts with an empty line.\n\n");
  add("Re: Re: First article", "<ph.1@fake.test> <ph.2@fake.test>", "Another reply.\n");
  add("Last article", "", "The end.\n");
  g.articles[5].from = "Other <other@fake.test>";
  group_def empty{.name = "local.empty",
                  .description = "an empty group",
                  .posting = true,
                  .created = "20240601000000",
                  .articles = {}};
  return {g, empty};
}

std::string str(const ph::scenario& scen, const json& v, const std::string& at) {
  if (!v.is_string()) scen.fail(at, "expected a string");
  return v;
}

bool is_timestamp(const std::string& s) {
  return s.size() == 14 &&
         std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
}

article_def parse_article(const ph::scenario& scen, const json& j, const std::string& ptr,
                          std::int64_t default_number, const std::string& group) {
  if (!j.is_object()) scen.fail(ptr, "an article is a table");
  article_def a;
  a.number = default_number;
  for (const auto& [key, v] : j.items()) {
    std::string at = ptr + "/" + key;
    if (key == "number") {
      if (!v.is_number_integer() || v.get<std::int64_t>() < 1)
        scen.fail(at, "number must be an integer >= 1");
      a.number = v;
    } else if (key == "message_id") {
      a.message_id = str(scen, v, at);
      if (a.message_id.size() < 3 || a.message_id.front() != '<' || a.message_id.back() != '>')
        scen.fail(at, "message_id must look like <id@host>");
    } else if (key == "from") {
      a.from = str(scen, v, at);
    } else if (key == "subject") {
      a.subject = str(scen, v, at);
    } else if (key == "date") {
      a.date = str(scen, v, at);
    } else if (key == "references") {
      a.references = str(scen, v, at);
    } else if (key == "body") {
      a.body = str(scen, v, at);
    } else if (key == "arrived") {
      a.arrived = str(scen, v, at);
      if (!is_timestamp(a.arrived)) scen.fail(at, "arrived must be yyyymmddhhmmss (UTC)");
    } else if (key == "headers") {
      if (!v.is_object()) scen.fail(at, "headers must be a table of Name = \"value\"");
      for (const auto& [name, value] : v.items())
        a.headers.emplace_back(name, str(scen, value, at + "/" + name));
    } else {
      scen.fail(at, fmt::format("unknown NNTP article key '{}' (number, message_id, from, "
                                "subject, date, references, body, headers, arrived)",
                                key));
    }
  }
  if (a.message_id.empty()) a.message_id = fmt::format("<{}.{}@fake.test>", group, a.number);
  return a;
}

group_def parse_group(const ph::scenario& scen, const json& j, const std::string& ptr) {
  if (!j.is_object()) scen.fail(ptr, "a group is a table");
  group_def g;
  for (const auto& [key, v] : j.items()) {
    std::string at = ptr + "/" + key;
    if (key == "name") {
      g.name = str(scen, v, at);
    } else if (key == "description") {
      g.description = str(scen, v, at);
    } else if (key == "posting") {
      if (!v.is_boolean()) scen.fail(at, "posting must be true or false");
      g.posting = v;
    } else if (key == "created") {
      g.created = str(scen, v, at);
      if (!is_timestamp(g.created)) scen.fail(at, "created must be yyyymmddhhmmss (UTC)");
    } else if (key != "articles") {
      scen.fail(at, fmt::format("unknown NNTP group key '{}' (name, description, posting, "
                                "created, articles)",
                                key));
    }
  }
  if (g.name.empty() || g.name.find_first_of(" \t,") != std::string::npos)
    scen.fail(ptr, "a group needs a name without spaces or commas");
  if (j.contains("articles")) {
    const json& arr = j["articles"];
    if (!arr.is_array()) scen.fail(ptr + "/articles", "articles must be an array of tables");
    std::int64_t next = 1;
    for (std::size_t i = 0; i < arr.size(); ++i) {
      auto a = parse_article(scen, arr[i], ptr + "/articles/" + std::to_string(i), next, g.name);
      if (!g.articles.empty() && a.number <= g.articles.back().number)
        scen.fail(ptr + "/articles/" + std::to_string(i), "article numbers must ascend");
      next = a.number + 1;
      g.articles.push_back(std::move(a));
    }
  }
  return g;
}

}  // namespace

model_config parse_model(const ph::scenario& scen) {
  model_config m;
  const json model = model_table(scen);
  bool groups_given = false;
  for (const auto& [key, v] : model.items()) {
    std::string at = "/server/model/" + key;
    if (key == "hostname") {
      m.hostname = str(scen, v, at);
    } else if (key == "greeting") {
      m.greeting = str(scen, v, at);
    } else if (key == "posting_allowed" || key == "auth_required") {
      if (!v.is_boolean()) scen.fail(at, key + " must be true or false");
      (key == "posting_allowed" ? m.posting_allowed : m.auth_required) = v;
    } else if (key == "users") {
      if (!v.is_object()) scen.fail(at, "users must be a table of name = \"password\"");
      m.users.clear();
      for (const auto& [name, pw] : v.items())
        m.users[name] = str(scen, pw, at + "/" + name);
    } else if (key == "capabilities") {
      m.capabilities = string_array(scen, v, at);
    } else if (key == "overview_fmt") {
      m.overview_fmt = string_array(scen, v, at);
    } else if (key == "date") {
      m.date = str(scen, v, at);
      if (!is_timestamp(m.date)) scen.fail(at, "date must be yyyymmddhhmmss (UTC)");
    } else if (key == "groups") {
      if (!v.is_array()) scen.fail(at, "groups must be an array of tables");
      groups_given = true;
      for (std::size_t i = 0; i < v.size(); ++i)
        m.groups.push_back(parse_group(scen, v[i], at + "/" + std::to_string(i)));
    } else {
      scen.fail(at, fmt::format("unknown NNTP model key '{}' (hostname, greeting, "
                                "posting_allowed, auth_required, users, capabilities, "
                                "overview_fmt, date, groups)",
                                key));
    }
  }
  if (!groups_given) m.groups = default_groups();
  if (m.greeting.empty())
    m.greeting = m.posting_allowed
                     ? "200 " + m.hostname + " protoharness NNTP ready (posting allowed)"
                     : "201 " + m.hostname + " protoharness NNTP ready (no posting)";
  // Cross-posted articles (the same message-id in several groups) know all their groups.
  std::map<std::string, std::vector<std::string>> where;
  for (const auto& g : m.groups)
    for (const auto& a : g.articles)
      where[a.message_id].push_back(g.name);
  for (auto& g : m.groups)
    for (auto& a : g.articles)
      a.newsgroups = where[a.message_id];
  return m;
}

}  // namespace ph::fakeservers::nntp
