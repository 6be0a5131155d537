// The NNTP server side: article framing for scripts and a well-behaved reader model server
// (RFC 3977; RFC 4642 STARTTLS; RFC 4643 AUTHINFO USER/PASS; RFC 2980 XOVER).
// Its parsing is its own: nothing here is shared with clients/ or harness/rules/.

#include "fakeservers/nntp/nntp_dialect.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <ctime>
#include <map>

#include <fmt/format.h>

#include "fakeservers/engine/script.hpp"

namespace ph::fakeservers::nntp {

namespace {

std::string upper(std::string s) {
  for (auto& c : s)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string lower(std::string s) {
  for (auto& c : s)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

struct article_def {
  std::int64_t number = 0;
  std::string message_id;
  std::string from = "Tester <tester@fake.test>";
  std::string subject;
  std::string date = "Mon, 01 Jan 2024 12:00:00 +0000";
  std::string references;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers, in order
  std::string arrived = "20240101120000";                    // for NEWNEWS, UTC
  std::vector<std::string> newsgroups;                       // filled in from the groups
};

struct group_def {
  std::string name;
  std::string description;
  bool posting = true;
  std::string created = "20240101000000";  // for NEWGROUPS, UTC
  std::vector<article_def> articles;       // ascending by number
};

struct model_config {
  std::string hostname = "fake.test";
  std::string greeting;
  bool posting_allowed = true;
  bool auth_required = false;
  std::map<std::string, std::string> users = {{"test", "test"}};
  std::vector<std::string> capabilities;  // empty: derived from the state
  std::vector<std::string> overview_fmt = {
      "Subject:", "From:", "Date:", "Message-ID:", "References:", ":bytes", ":lines"};
  std::string date;  // DATE reply; empty: the current time
  std::vector<group_def> groups;
};

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

std::vector<std::string> strings(const harness::scenario& scen, const json& j,
                                 const std::string& ptr) {
  if (!j.is_array()) scen.fail(ptr, "expected an array of strings");
  std::vector<std::string> out;
  for (std::size_t i = 0; i < j.size(); ++i) {
    if (!j[i].is_string()) scen.fail(ptr + "/" + std::to_string(i), "expected a string");
    out.push_back(j[i]);
  }
  return out;
}

std::string str(const harness::scenario& scen, const json& v, const std::string& at) {
  if (!v.is_string()) scen.fail(at, "expected a string");
  return v;
}

bool is_timestamp(const std::string& s) {
  return s.size() == 14 &&
         std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
}

article_def parse_article(const harness::scenario& scen, const json& j, const std::string& ptr,
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

group_def parse_group(const harness::scenario& scen, const json& j, const std::string& ptr) {
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

model_config parse_model(const harness::scenario& scen) {
  model_config m;
  const json model = scen.server.value("model", json::object());
  if (!model.is_object()) scen.fail("/server/model", "[server.model] must be a table");
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
      m.capabilities = strings(scen, v, at);
    } else if (key == "overview_fmt") {
      m.overview_fmt = strings(scen, v, at);
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

// RFC 3977 §4: a wildmat is a comma-separated list of patterns, '!' negates, the last
// pattern that matches decides.
bool wildmat(const std::string& pattern, const std::string& text) {
  bool result = false;
  std::size_t start = 0;
  while (start <= pattern.size()) {
    auto comma = pattern.find(',', start);
    std::string p = pattern.substr(start, comma == std::string::npos ? comma : comma - start);
    bool negate = !p.empty() && p.front() == '!';
    if (negate) p.erase(0, 1);
    if (harness::glob_match(p, text, false)) result = !negate;
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return result;
}

// "yyyymmdd hhmmss" or "yymmdd hhmmss" (RFC 3977 §7.3: a two-digit year is in the current
// century unless that would be in the future) as "yyyymmddhhmmss"; nullopt when malformed.
std::optional<std::string> parse_since(const std::string& date, const std::string& time) {
  auto digits = [](const std::string& s) {
    return std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
  };
  if (!digits(date) || !digits(time) || time.size() != 6) return std::nullopt;
  if (date.size() == 8) return date + time;
  if (date.size() != 6) return std::nullopt;
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  int year = tm.tm_year + 1900;
  int yy = std::stoi(date.substr(0, 2));
  int century = year / 100 * 100;
  int full = century + yy > year ? century - 100 + yy : century + yy;
  return fmt::format("{:04}", full) + date.substr(2) + time;
}

std::vector<std::string> split_ws(const std::string& s) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t'))
      ++i;
    std::size_t j = i;
    while (j < s.size() && s[j] != ' ' && s[j] != '\t')
      ++j;
    if (j > i) out.push_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

std::optional<std::int64_t> parse_number(const std::string& s) {
  if (s.empty() || s.size() > 16 ||
      !std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c) != 0; }))
    return std::nullopt;
  return std::stoll(s);
}

struct range {
  std::int64_t low = 0, high = 0;  // inclusive; high < 0: no upper bound
};

// RFC 3977 §6.1.2: "n", "n-" or "n-m".
std::optional<range> parse_range(const std::string& s) {
  auto dash = s.find('-');
  if (dash == std::string::npos) {
    auto n = parse_number(s);
    if (!n) return std::nullopt;
    return range{*n, *n};
  }
  auto low = parse_number(s.substr(0, dash));
  if (!low) return std::nullopt;
  if (dash + 1 == s.size()) return range{*low, -1};
  auto high = parse_number(s.substr(dash + 1));
  if (!high) return std::nullopt;
  return range{*low, *high};
}

bool in_range(const range& r, std::int64_t n) {
  return n >= r.low && (r.high < 0 || n <= r.high);
}

// A POSTed/IHAVEd article's headers (unfolded, names lower-cased); nullopt when the header
// section is malformed (RFC 3977 §3.6: name ":" SP value, then an empty line).
std::optional<std::vector<std::pair<std::string, std::string>>> parse_headers(
    const std::string& text, std::string& body) {
  std::vector<std::pair<std::string, std::string>> out;
  std::size_t pos = 0;
  while (true) {
    auto eol = text.find("\r\n", pos);
    if (eol == std::string::npos) return std::nullopt;
    std::string line = text.substr(pos, eol - pos);
    pos = eol + 2;
    if (line.empty()) break;
    if (line.front() == ' ' || line.front() == '\t') {
      if (out.empty()) return std::nullopt;
      out.back().second += " " + line.substr(line.find_first_not_of(" \t"));
      continue;
    }
    auto colon = line.find(':');
    if (colon == std::string::npos || colon == 0) return std::nullopt;
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(" \t") == std::string::npos
                       ? value.size()
                       : value.find_first_not_of(" \t"));
    out.emplace_back(lower(line.substr(0, colon)), value);
  }
  body = text.substr(pos);
  return out;
}

std::string header_value(const std::vector<std::pair<std::string, std::string>>& headers,
                         const std::string& name) {
  for (const auto& [n, v] : headers)
    if (n == name) return v;
  return {};
}

class model_session {
 public:
  model_session(session& s, model_config cfg)
      : s_(s), cfg_(std::move(cfg)), overrides_(parse_overrides(s.scen())) {}

  awaitable<void> run() {
    co_await s_.send_line(cfg_.greeting);
    // RFC 3977 §5.1.1: after 400 or 502 the server closes the connection.
    if (cfg_.greeting.starts_with("400") || cfg_.greeting.starts_with("502")) {
      co_await s_.close();
      co_return;
    }
    while (true) {
      auto line = co_await s_.read_line();
      if (!line) co_return;
      s_.count_command();
      write_faults saved = s_.faults();
      bool answered = co_await apply_overrides(s_, overrides_, *line);
      if (!answered) {
        bool more = co_await handle(strip_eol(*line));
        s_.faults() = saved;
        if (!more) co_return;
      }
      s_.faults() = saved;
    }
  }

 private:
  awaitable<void> reply(std::string line) { co_await s_.send_line(line); }

  awaitable<void> block(std::string status, const std::vector<std::string>& lines) {
    std::string text;
    for (const auto& l : lines)
      text += l + "\r\n";
    co_await s_.send_line(status);
    co_await s_.send_dot_block(text);
  }

  awaitable<void> block_text(std::string status, const std::string& text) {
    co_await s_.send_line(status);
    co_await s_.send_dot_block(text);
  }

  bool posting_allowed() const { return cfg_.posting_allowed; }

  std::vector<std::string> capabilities() const {
    std::vector<std::string> caps = cfg_.capabilities;
    if (caps.empty()) {
      caps = {"VERSION 2", "READER"};
      if (posting_allowed()) caps.push_back("POST");
      caps.insert(caps.end(), {"IHAVE", "OVER MSGID", "LIST ACTIVE NEWSGROUPS OVERVIEW.FMT",
                               "NEWNEWS", "STARTTLS", "AUTHINFO USER"});
      caps.push_back("IMPLEMENTATION protoharness fake NNTP server");
    }
    // RFC 4642 §2.2.2 and RFC 4643 §2.2: STARTTLS and AUTHINFO are gone once used.
    std::vector<std::string> out;
    for (const auto& c : caps) {
      std::string label = upper(c.substr(0, c.find(' ')));
      if (label == "STARTTLS" && (s_.tls_active() || authed_)) continue;
      if (label == "AUTHINFO" && authed_) continue;
      // RFC 3977 §3.4.2: a mode-switching server offers READER only after MODE READER.
      if (label == "MODE-READER" && reader_) {
        out.push_back("READER");
        continue;
      }
      out.push_back(c);
    }
    return out;
  }

  bool offers(const std::string& label) const {
    for (const auto& c : capabilities())
      if (upper(c.substr(0, c.find(' '))) == label) return true;
    return false;
  }

  group_def* find_group(const std::string& name) {
    for (auto& g : cfg_.groups)
      if (g.name == name) return &g;
    return nullptr;
  }

  const article_def* find_message_id(const std::string& id) const {
    for (const auto& g : cfg_.groups)
      for (const auto& a : g.articles)
        if (a.message_id == id) return &a;
    return nullptr;
  }

  const article_def* find_number(std::int64_t n) const {
    if (!group_) return nullptr;
    for (const auto& a : group_->articles)
      if (a.number == n) return &a;
    return nullptr;
  }

  static std::string group_status(const group_def& g) {
    if (g.articles.empty()) return fmt::format("211 0 1 0 {}", g.name);
    return fmt::format("211 {} {} {} {}", g.articles.size(), g.articles.front().number,
                       g.articles.back().number, g.name);
  }

  static std::string active_line(const group_def& g) {
    std::int64_t low = g.articles.empty() ? 1 : g.articles.front().number;
    std::int64_t high = g.articles.empty() ? 0 : g.articles.back().number;
    return fmt::format("{} {} {} {}", g.name, high, low, g.posting ? 'y' : 'n');
  }

  static std::string head_text(const article_def& a) {
    std::string h;
    h += "Path: fake.test!not-for-mail\r\n";
    h += "From: " + a.from + "\r\n";
    std::string groups;
    for (const auto& n : a.newsgroups)
      groups += (groups.empty() ? "" : ",") + n;
    h += "Newsgroups: " + groups + "\r\n";
    h += "Subject: " + a.subject + "\r\n";
    h += "Date: " + a.date + "\r\n";
    h += "Message-ID: " + a.message_id + "\r\n";
    if (!a.references.empty()) h += "References: " + a.references + "\r\n";
    for (const auto& [n, v] : a.headers)
      h += n + ": " + v + "\r\n";
    return h;
  }

  // The body with CRLF line ends (and a final CRLF unless empty).
  static std::string body_text(const article_def& a) {
    std::string out;
    for (std::size_t i = 0; i < a.body.size(); ++i) {
      if (a.body[i] == '\n' && (i == 0 || a.body[i - 1] != '\r')) out += '\r';
      out += a.body[i];
    }
    if (!out.empty() && !out.ends_with("\r\n")) out += "\r\n";
    return out;
  }

  static std::size_t body_lines(const article_def& a) {
    auto b = body_text(a);
    return static_cast<std::size_t>(std::count(b.begin(), b.end(), '\n'));
  }

  // The number a (cross-posted) article has in group `name`.
  std::int64_t number_in(const std::string& name, const article_def& a) const {
    for (const auto& g : cfg_.groups)
      if (g.name == name)
        for (const auto& other : g.articles)
          if (other.message_id == a.message_id) return other.number;
    return a.number;
  }

  std::string header_for_overview(const article_def& a, const std::string& name) const {
    std::string n = lower(name);
    if (n == "subject") return a.subject;
    if (n == "from") return a.from;
    if (n == "date") return a.date;
    if (n == "message-id") return a.message_id;
    if (n == "references") return a.references;
    if (n == "newsgroups") {
      std::string g;
      for (const auto& x : a.newsgroups)
        g += (g.empty() ? "" : ",") + x;
      return g;
    }
    if (n == "xref") {
      // RFC 5536 §3.2.14: each group with the article's number in that group.
      std::string x = cfg_.hostname;
      for (const auto& gn : a.newsgroups)
        x += " " + gn + ":" + std::to_string(number_in(gn, a));
      return x;
    }
    for (const auto& [hn, v] : a.headers)
      if (lower(hn) == n) return v;
    return {};
  }

  // RFC 3977 §8.3.2: number, then the LIST OVERVIEW.FMT fields, tab-separated; TAB, CR and
  // LF in a value become spaces. Fields after the first seven carry their header name.
  std::string overview_line(const article_def& a, std::int64_t number) const {
    auto clean = [](std::string v) {
      for (auto& c : v)
        if (c == '\t' || c == '\r' || c == '\n') c = ' ';
      return v;
    };
    std::string line = std::to_string(number);
    for (std::size_t i = 0; i < cfg_.overview_fmt.size(); ++i) {
      std::string f = cfg_.overview_fmt[i];
      std::string lf = lower(f);
      std::string value;
      if (lf == ":bytes" || lf == "bytes:") {
        value = std::to_string(head_text(a).size() + 2 + body_text(a).size());
      } else if (lf == ":lines" || lf == "lines:") {
        value = std::to_string(body_lines(a));
      } else {
        bool full = lf.ends_with(":full");
        std::string name = f.substr(0, f.find(':'));
        value = clean(header_for_overview(a, name));
        if (full && !value.empty()) value = name + ": " + value;
      }
      line += "\t" + value;
    }
    return line;
  }

  bool needs_auth(const std::string& verb) const {
    if (!cfg_.auth_required || authed_) return false;
    static const std::vector<std::string> free = {"CAPABILITIES", "MODE", "AUTHINFO", "STARTTLS",
                                                  "QUIT",         "HELP", "DATE"};
    return std::find(free.begin(), free.end(), verb) == free.end();
  }

  awaitable<bool> handle(const std::string& text) {
    auto words = split_ws(text);
    std::string verb = words.empty() ? "" : upper(words[0]);
    std::vector<std::string> args(words.begin() + (words.empty() ? 0 : 1), words.end());
    if (verb != "AUTHINFO") user_.reset();  // RFC 4643 §2.3.1: PASS must follow USER
    if (needs_auth(verb)) {
      co_await reply("480 Authentication required");
      co_return true;
    }
    if (verb == "CAPABILITIES") {
      co_await block("101 Capability list:", capabilities());
    } else if (verb == "MODE" && args.size() == 1 && upper(args[0]) == "READER") {
      reader_ = true;
      const char* text = posting_allowed() ? "200 Posting allowed" : "201 Posting prohibited";
      co_await reply(text);
    } else if (verb == "GROUP") {
      co_await group(args);
    } else if (verb == "LISTGROUP") {
      co_await listgroup(args);
    } else if (verb == "NEXT" || verb == "LAST") {
      co_await next_last(verb == "NEXT", args);
    } else if (verb == "ARTICLE" || verb == "HEAD" || verb == "BODY" || verb == "STAT") {
      co_await retrieve(verb, args);
    } else if (verb == "OVER" || verb == "XOVER") {
      co_await over(verb, args);
    } else if (verb == "LIST") {
      co_await list(args);
    } else if (verb == "NEWGROUPS") {
      co_await newgroups(args);
    } else if (verb == "NEWNEWS") {
      co_await newnews(args);
    } else if (verb == "POST") {
      co_await post(args);
    } else if (verb == "IHAVE") {
      co_await ihave(args);
    } else if (verb == "DATE") {
      // GCC 12 mis-destroys a conditional's string temporary inside co_await: name it first.
      std::string date = cfg_.date.empty() ? now() : cfg_.date;
      co_await reply("111 " + date);
    } else if (verb == "HELP") {
      co_await block("100 Help text follows", help_lines());
    } else if (verb == "AUTHINFO") {
      co_await authinfo(args);
    } else if (verb == "STARTTLS") {
      co_await starttls(args);
    } else if (verb == "QUIT") {
      co_await reply("205 Bye");
      co_await s_.close();
      co_return false;
    } else if (verb == "MODE") {
      co_await reply("501 Unknown MODE variant");
    } else {
      co_await reply("500 Unknown command");
    }
    co_return true;
  }

  static std::vector<std::string> help_lines() {
    return {"CAPABILITIES",
            "MODE READER",
            "GROUP newsgroup",
            "LISTGROUP [newsgroup [range]]",
            "NEXT",
            "LAST",
            "ARTICLE|HEAD|BODY|STAT [message-id|number]",
            "OVER [range|message-id]",
            "XOVER [range]",
            "LIST [ACTIVE|NEWSGROUPS|OVERVIEW.FMT] [wildmat]",
            "NEWGROUPS [yy]yymmdd hhmmss [GMT]",
            "NEWNEWS wildmat [yy]yymmdd hhmmss [GMT]",
            "POST",
            "IHAVE message-id",
            "DATE",
            "HELP",
            "AUTHINFO USER name|PASS password",
            "STARTTLS",
            "QUIT"};
  }

  static std::string now() {
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    return fmt::format("{:04}{:02}{:02}{:02}{:02}{:02}", tm.tm_year + 1900, tm.tm_mon + 1,
                       tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  }

  // RFC 3977 §6.1.1: GROUP selects the group and sets the current article to its first.
  void select(group_def& g) {
    group_ = &g;
    current_ = g.articles.empty() ? 0 : g.articles.front().number;
  }

  awaitable<void> group(const std::vector<std::string>& args) {
    if (args.size() != 1) co_return co_await reply("501 Syntax: GROUP newsgroup");
    auto* g = find_group(args[0]);
    if (!g) co_return co_await reply("411 No such newsgroup");
    select(*g);
    co_await reply(group_status(*g));
  }

  awaitable<void> listgroup(const std::vector<std::string>& args) {
    if (args.size() > 2) co_return co_await reply("501 Syntax: LISTGROUP [newsgroup [range]]");
    group_def* g = group_;
    if (!args.empty()) {
      g = find_group(args[0]);
      if (!g) co_return co_await reply("411 No such newsgroup");
    }
    if (!g) co_return co_await reply("412 No newsgroup selected");
    range r{1, -1};
    if (args.size() == 2) {
      auto pr = parse_range(args[1]);
      if (!pr) co_return co_await reply("501 Bad range");
      r = *pr;
    }
    select(*g);
    std::vector<std::string> numbers;
    for (const auto& a : g->articles)
      if (in_range(r, a.number)) numbers.push_back(std::to_string(a.number));
    co_await block(group_status(*g) + " list follows", numbers);
  }

  // RFC 3977 §6.1.3, §6.1.4.
  awaitable<void> next_last(bool next, const std::vector<std::string>& args) {
    if (!args.empty()) {
      const char* text = next ? "501 Syntax: NEXT" : "501 Syntax: LAST";
      co_return co_await reply(text);
    }
    if (!group_) co_return co_await reply("412 No newsgroup selected");
    if (!find_number(current_)) co_return co_await reply("420 Current article number is invalid");
    const article_def* to = nullptr;
    if (next) {
      for (const auto& a : group_->articles)
        if (a.number > current_) {
          to = &a;
          break;
        }
      if (!to) co_return co_await reply("421 No next article in this group");
    } else {
      for (const auto& a : group_->articles)
        if (a.number < current_) to = &a;
      if (!to) co_return co_await reply("422 No previous article in this group");
    }
    current_ = to->number;
    co_await reply(fmt::format("223 {} {} retrieved", to->number, to->message_id));
  }

  // RFC 3977 §6.2: by message-id (number 0, pointer unchanged), by number (pointer moves)
  // or the current article.
  awaitable<void> retrieve(const std::string& verb, const std::vector<std::string>& args) {
    if (args.size() > 1) co_return co_await reply("501 Syntax: " + verb + " [message-id|number]");
    const article_def* a = nullptr;
    std::int64_t number = 0;
    if (!args.empty() && args[0].front() == '<') {
      a = find_message_id(args[0]);
      if (!a) co_return co_await reply("430 No article with that message-id");
    } else {
      if (!group_) co_return co_await reply("412 No newsgroup selected");
      if (args.empty()) {
        a = find_number(current_);
        if (!a) co_return co_await reply("420 Current article number is invalid");
      } else {
        auto n = parse_number(args[0]);
        if (!n) co_return co_await reply("501 Bad article number");
        a = find_number(*n);
        if (!a) co_return co_await reply("423 No article with that number");
        current_ = *n;
      }
      number = a->number;
    }
    if (verb == "ARTICLE")
      co_await block_text(fmt::format("220 {} {}", number, a->message_id),
                          head_text(*a) + "\r\n" + body_text(*a));
    else if (verb == "HEAD")
      co_await block_text(fmt::format("221 {} {}", number, a->message_id), head_text(*a));
    else if (verb == "BODY")
      co_await block_text(fmt::format("222 {} {}", number, a->message_id), body_text(*a));
    else
      co_await reply(fmt::format("223 {} {}", number, a->message_id));
  }

  // RFC 3977 §8.3 OVER; RFC 2980 §2.8 XOVER (range or the current article).
  awaitable<void> over(const std::string& verb, const std::vector<std::string>& args) {
    if (args.size() > 1) co_return co_await reply("501 Syntax: " + verb + " [range]");
    if (!args.empty() && args[0].front() == '<') {
      if (verb == "XOVER") co_return co_await reply("501 XOVER takes a range");
      const auto* a = find_message_id(args[0]);
      if (!a) co_return co_await reply("430 No article with that message-id");
      std::vector<std::string> one = {overview_line(*a, 0)};
      co_return co_await block("224 Overview information follows", one);
    }
    if (!group_) co_return co_await reply("412 No newsgroup selected");
    std::vector<std::string> lines;
    if (args.empty()) {
      const auto* a = find_number(current_);
      if (!a) co_return co_await reply("420 Current article number is invalid");
      lines.push_back(overview_line(*a, a->number));
    } else {
      auto r = parse_range(args[0]);
      if (!r) co_return co_await reply("501 Bad range");
      for (const auto& a : group_->articles)
        if (in_range(*r, a.number)) lines.push_back(overview_line(a, a.number));
      if (lines.empty()) co_return co_await reply("423 No articles in that range");
    }
    co_await block("224 Overview information follows", lines);
  }

  // RFC 3977 §7.6.
  awaitable<void> list(const std::vector<std::string>& args) {
    std::string keyword = args.empty() ? "ACTIVE" : upper(args[0]);
    if (args.size() > 2) co_return co_await reply("501 Syntax: LIST [keyword [wildmat]]");
    std::string pattern = args.size() == 2 ? args[1] : "*";
    std::vector<std::string> lines;
    if (keyword == "ACTIVE") {
      for (const auto& g : cfg_.groups)
        if (wildmat(pattern, g.name)) lines.push_back(active_line(g));
      co_return co_await block("215 list of newsgroups follows", lines);
    }
    if (keyword == "NEWSGROUPS") {
      for (const auto& g : cfg_.groups)
        if (wildmat(pattern, g.name)) lines.push_back(g.name + "\t" + g.description);
      co_return co_await block("215 list of newsgroups follows", lines);
    }
    if (keyword == "OVERVIEW.FMT") {
      if (args.size() == 2) co_return co_await reply("501 OVERVIEW.FMT takes no argument");
      co_return co_await block("215 Order of fields in overview database", cfg_.overview_fmt);
    }
    co_await reply("501 Unknown LIST keyword");
  }

  // "date time [GMT]" at args[from]; nullopt when malformed.
  static std::optional<std::string> since(const std::vector<std::string>& args, std::size_t from) {
    if (args.size() < from + 2 || args.size() > from + 3) return std::nullopt;
    if (args.size() == from + 3 && upper(args[from + 2]) != "GMT") return std::nullopt;
    return parse_since(args[from], args[from + 1]);
  }

  awaitable<void> newgroups(const std::vector<std::string>& args) {
    auto when = since(args, 0);
    if (!when) co_return co_await reply("501 Syntax: NEWGROUPS [yy]yymmdd hhmmss [GMT]");
    std::vector<std::string> lines;
    for (const auto& g : cfg_.groups)
      if (g.created >= *when) lines.push_back(active_line(g));
    co_await block("231 list of new newsgroups follows", lines);
  }

  awaitable<void> newnews(const std::vector<std::string>& args) {
    auto when = since(args, 1);
    if (args.empty() || !when)
      co_return co_await reply("501 Syntax: NEWNEWS wildmat [yy]yymmdd hhmmss [GMT]");
    std::vector<std::string> ids;
    for (const auto& g : cfg_.groups) {
      if (!wildmat(args[0], g.name)) continue;
      for (const auto& a : g.articles)
        if (a.arrived >= *when && std::find(ids.begin(), ids.end(), a.message_id) == ids.end())
          ids.push_back(a.message_id);
    }
    co_await block("230 list of new articles by message-id follows", ids);
  }

  // Files a received article; returns an error reply, or empty with `id` set.
  std::string accept(const std::string& raw, bool injected, std::string& id) {
    std::string text = unstuff_dot_block(raw);
    std::string body;
    auto headers = parse_headers(text, body);
    std::string code = injected ? "441" : "437";
    if (!headers) return code + " Malformed article headers";
    std::string from = header_value(*headers, "from");
    std::string groups = header_value(*headers, "newsgroups");
    std::string subject = header_value(*headers, "subject");
    // RFC 5537 §3.4.1 / RFC 5536 §3.1: From, Newsgroups and Subject are required.
    if (from.empty() || groups.empty() || subject.empty())
      return code + " Missing From, Newsgroups or Subject header";
    id = header_value(*headers, "message-id");
    if (!id.empty() && find_message_id(id)) return code + " Duplicate message-id";
    if (id.empty()) id = fmt::format("<ph.posted.{}@{}>", ++posted_, cfg_.hostname);
    std::vector<group_def*> targets;
    std::size_t start = 0;
    while (start <= groups.size()) {
      auto comma = groups.find(',', start);
      std::string name = groups.substr(start, comma == std::string::npos ? comma : comma - start);
      name.erase(0, name.find_first_not_of(" \t") == std::string::npos
                        ? name.size()
                        : name.find_first_not_of(" \t"));
      while (!name.empty() && (name.back() == ' ' || name.back() == '\t'))
        name.pop_back();
      auto* g = find_group(name);
      if (!g) return code + " No such newsgroup: " + name;
      if (injected && !g->posting) return "441 Posting to " + name + " is not allowed";
      targets.push_back(g);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    article_def a;
    a.message_id = id;
    a.from = from;
    a.subject = subject;
    a.date = header_value(*headers, "date");
    a.references = header_value(*headers, "references");
    a.body = body;
    a.arrived = now();
    for (auto* g : targets)
      a.newsgroups.push_back(g->name);
    for (auto* g : targets) {
      a.number = g->articles.empty() ? 1 : g->articles.back().number + 1;
      g->articles.push_back(a);
    }
    s_.note(fmt::format("model filed article {} ({} octets) in {} group(s)", id, text.size(),
                        targets.size()));
    return {};
  }

  // RFC 3977 §6.3.1.
  awaitable<void> post(const std::vector<std::string>& args) {
    if (!args.empty()) co_return co_await reply("501 Syntax: POST");
    if (!posting_allowed()) co_return co_await reply("440 Posting not permitted");
    co_await reply("340 Input article; end with <CR-LF>.<CR-LF>");
    auto raw = co_await s_.read_dot_block();
    if (!raw) co_return;
    std::string id;
    std::string error = accept(*raw, true, id);
    if (!error.empty()) co_return co_await reply(error);
    co_await reply("240 " + id + " Article received OK");
  }

  // RFC 3977 §6.3.2.
  awaitable<void> ihave(const std::vector<std::string>& args) {
    if (args.size() != 1 || args[0].front() != '<')
      co_return co_await reply("501 Syntax: IHAVE message-id");
    if (find_message_id(args[0])) co_return co_await reply("435 Article not wanted");
    co_await reply("335 Send it; end with <CR-LF>.<CR-LF>");
    auto raw = co_await s_.read_dot_block();
    if (!raw) co_return;
    std::string id;
    std::string error = accept(*raw, false, id);
    if (!error.empty()) co_return co_await reply(error);
    if (id != args[0]) s_.note("IHAVE message-id differs from the article's Message-ID");
    co_await reply("235 Article transferred OK");
  }

  // RFC 4643 §2.3.
  awaitable<void> authinfo(const std::vector<std::string>& args) {
    std::string sub = args.empty() ? "" : upper(args[0]);
    if (sub != "USER" && sub != "PASS") {
      user_.reset();
      std::string answer = sub == "SASL" || sub == "GENERIC"
                               ? "503 AUTHINFO " + sub + " not supported"
                               : "501 Syntax: AUTHINFO USER name | AUTHINFO PASS password";
      co_return co_await reply(answer);
    }
    if (authed_) co_return co_await reply("502 Already authenticated");
    if (args.size() != 2) {
      user_.reset();
      co_return co_await reply("501 Syntax: AUTHINFO " + sub + " argument");
    }
    if (sub == "USER") {
      user_ = args[1];
      co_return co_await reply("381 Password required");
    }
    if (!user_) co_return co_await reply("482 Authentication commands issued out of sequence");
    auto it = cfg_.users.find(*user_);
    bool ok = it != cfg_.users.end() && it->second == args[1];
    user_.reset();
    if (!ok) co_return co_await reply("481 Authentication failed");
    authed_ = true;
    co_await reply("281 Authentication accepted");
  }

  // RFC 4642 §2.2.
  awaitable<void> starttls(const std::vector<std::string>& args) {
    if (!args.empty()) co_return co_await reply("501 Syntax: STARTTLS");
    if (s_.tls_active() || authed_ || !offers("STARTTLS"))
      co_return co_await reply("502 STARTTLS not available");
    co_await reply("382 Continue with TLS negotiation");
    co_await s_.start_tls();
  }

  session& s_;
  model_config cfg_;
  std::vector<override_rule> overrides_;
  group_def* group_ = nullptr;
  std::int64_t current_ = 0;
  bool authed_ = false;
  bool reader_ = false;
  std::optional<std::string> user_;
  int posted_ = 0;
};

}  // namespace

void nntp_dialect::validate(const harness::scenario& scen) const {
  if (scen.server["mode"] == "model")
    parse_model(scen);
  else if (scen.server.contains("model"))
    scen.fail("/server/model", "[server.model] needs mode = \"model\"");
}

awaitable<void> nntp_dialect::serve_model(session& s) const {
  model_session m(s, parse_model(s.scen()));
  co_await m.run();
}

std::vector<std::string> nntp_dialect::block_kinds() const {
  return {"article"};
}

awaitable<std::optional<std::string>> nntp_dialect::read_block(session& s, std::string_view) const {
  // RFC 3977 §6.3.1, §3.1.1: an article ends at CRLF "." CRLF.
  co_return co_await s.read_dot_block();
}

std::string nntp_dialect::mismatch_reply() const {
  return "500 protoharness: not what the script expected";
}

line_limit nntp_dialect::command_line_limit() const {
  // RFC 3977 §3.1: a command line is at most 512 octets; 501 is the syntax-error reply.
  return {64 * 1024, "501 Command line too long", false};
}

}  // namespace ph::fakeservers::nntp
