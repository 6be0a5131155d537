// The NNTP model server: a reader server (RFC 3977; RFC 4642 STARTTLS; RFC 4643 AUTHINFO
// USER/PASS; RFC 2980 XOVER) over a compiled [server.model]. The state is a fresh copy per
// connection. Its parsing is its own: nothing here is shared with clients/ or harness/rules/.

#include "fakeservers/nntp/nntp_model.hpp"

#include <algorithm>
#include <ctime>
#include <span>

#include <fmt/format.h>

#include "fakeservers/engine/script.hpp"
#include "fakeservers/model/command_table.hpp"
#include "fakeservers/nntp/nntp_articles.hpp"
#include "fakeservers/nntp/nntp_syntax.hpp"

namespace ph::fakeservers::nntp {

namespace {

// Before AUTHINFO, a server with auth_required answers 480 to all but a few commands.
enum state : unsigned { open, needs_auth };

class model_session final : public line_model {
 public:
  model_session(session& s, const model_config& cfg, const override_state&)
      : s_(s), cfg_(cfg), groups_(cfg.groups) {}

  awaitable<bool> greet() override {
    co_await s_.send_line(cfg_.greeting);
    // RFC 3977 §5.1.1: after 400 or 502 the server closes the connection.
    if (cfg_.greeting.starts_with("400") || cfg_.greeting.starts_with("502")) {
      co_await s_.close();
      co_return false;
    }
    co_return true;
  }

  awaitable<bool> answer(const std::string& raw) override {
    const std::string text = strip_eol(raw);
    auto words = split_ws(text);
    command cmd;
    cmd.line = text;
    cmd.verb = words.empty() ? "" : upper(words[0]);
    cmd.args.assign(words.begin() + (words.empty() ? 0 : 1), words.end());
    if (cmd.verb != "AUTHINFO") user_.reset();  // RFC 4643 §2.3.1: PASS must follow USER
    const unsigned st = cfg_.auth_required && !authed_ ? needs_auth : open;
    bool more = co_await dispatch<model_session>(*this, commands(), cmd, st);
    co_return more;
  }

  awaitable<void> reply(std::string line) { co_await s_.send_line(line); }

  // An unknown command, or any but the few allowed before AUTHINFO (RFC 4643 §2.2).
  awaitable<void> refuse(const command&, const command_row<model_session>*) {
    if (cfg_.auth_required && !authed_) co_return co_await reply("480 Authentication required");
    co_await reply("500 Unknown command");
  }

 private:
  static std::span<const command_row<model_session>> commands();

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
    for (auto& g : groups_)
      if (g.name == name) return &g;
    return nullptr;
  }

  const article_def* find_message_id(const std::string& id) const {
    for (const auto& g : groups_)
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

  std::string overview_line(const article_def& a, std::int64_t number) const {
    return nntp::overview_line(a, number, cfg_, groups_);
  }

  awaitable<void> capabilities_cmd(const command&) {
    co_await block("101 Capability list:", capabilities());
  }

  awaitable<void> mode(const command& cmd) {
    if (cmd.args.size() != 1 || upper(cmd.args[0]) != "READER")
      co_return co_await reply("501 Unknown MODE variant");
    reader_ = true;
    const char* text = posting_allowed() ? "200 Posting allowed" : "201 Posting prohibited";
    co_await reply(text);
  }

  awaitable<void> date(const command&) {
    // GCC 12 mis-destroys a conditional's string temporary inside co_await: name it first.
    std::string date = cfg_.date.empty() ? now() : cfg_.date;
    co_await reply("111 " + date);
  }

  awaitable<void> help(const command&) { co_await block("100 Help text follows", help_lines()); }

  awaitable<void> quit(const command&) {
    co_await reply("205 Bye");
    co_await s_.close();
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

  awaitable<void> group(const command& cmd) {
    const auto& args = cmd.args;
    auto* g = find_group(args[0]);
    if (!g) co_return co_await reply("411 No such newsgroup");
    select(*g);
    co_await reply(group_status(*g));
  }

  awaitable<void> listgroup(const command& cmd) {
    const auto& args = cmd.args;
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
  awaitable<void> next_last(const command& cmd) {
    const bool next = cmd.verb == "NEXT";
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
  awaitable<void> retrieve(const command& cmd) {
    const std::string& verb = cmd.verb;
    const auto& args = cmd.args;
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
  awaitable<void> over(const command& cmd) {
    const std::string& verb = cmd.verb;
    const auto& args = cmd.args;
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
  awaitable<void> list(const command& cmd) {
    const auto& args = cmd.args;
    std::string keyword = args.empty() ? "ACTIVE" : upper(args[0]);
    std::string pattern = args.size() == 2 ? args[1] : "*";
    std::vector<std::string> lines;
    if (keyword == "ACTIVE") {
      for (const auto& g : groups_)
        if (wildmat(pattern, g.name)) lines.push_back(active_line(g));
      co_return co_await block("215 list of newsgroups follows", lines);
    }
    if (keyword == "NEWSGROUPS") {
      for (const auto& g : groups_)
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

  awaitable<void> newgroups(const command& cmd) {
    const auto& args = cmd.args;
    auto when = since(args, 0);
    if (!when) co_return co_await reply("501 Syntax: NEWGROUPS [yy]yymmdd hhmmss [GMT]");
    std::vector<std::string> lines;
    for (const auto& g : groups_)
      if (g.created >= *when) lines.push_back(active_line(g));
    co_await block("231 list of new newsgroups follows", lines);
  }

  awaitable<void> newnews(const command& cmd) {
    const auto& args = cmd.args;
    auto when = since(args, 1);
    if (args.empty() || !when)
      co_return co_await reply("501 Syntax: NEWNEWS wildmat [yy]yymmdd hhmmss [GMT]");
    std::vector<std::string> ids;
    for (const auto& g : groups_) {
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
  awaitable<void> post(const command&) {
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
  awaitable<void> ihave(const command& cmd) {
    const auto& args = cmd.args;
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
  awaitable<void> authinfo(const command& cmd) {
    const auto& args = cmd.args;
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
  awaitable<void> starttls(const command&) {
    if (s_.tls_active() || authed_ || !offers("STARTTLS"))
      co_return co_await reply("502 STARTTLS not available");
    co_await reply("382 Continue with TLS negotiation");
    co_await s_.start_tls();
  }

  session& s_;
  const model_config& cfg_;
  std::vector<group_def> groups_;  // this connection's copy: POST and IHAVE file articles
  group_def* group_ = nullptr;
  std::int64_t current_ = 0;
  bool authed_ = false;
  bool reader_ = false;
  std::optional<std::string> user_;
  int posted_ = 0;
};

constexpr unsigned open_only = 1u << open;

// clang-format off
std::span<const command_row<model_session>> model_session::commands() {
  static const command_row<model_session> table[] = {
    {"CAPABILITIES", any_state, &model_session::capabilities_cmd},
    {"MODE",         any_state, &model_session::mode},
    {"GROUP",        open_only, &model_session::group, {1, 1, "501 Syntax: GROUP newsgroup"}},
    {"LISTGROUP",    open_only, &model_session::listgroup,
                                {0, 2, "501 Syntax: LISTGROUP [newsgroup [range]]"}},
    {"NEXT",         open_only, &model_session::next_last, {0, 0, "501 Syntax: NEXT"}},
    {"LAST",         open_only, &model_session::next_last, {0, 0, "501 Syntax: LAST"}},
    {"ARTICLE",      open_only, &model_session::retrieve,
                                {0, 1, "501 Syntax: ARTICLE [message-id|number]"}},
    {"HEAD",         open_only, &model_session::retrieve,
                                {0, 1, "501 Syntax: HEAD [message-id|number]"}},
    {"BODY",         open_only, &model_session::retrieve,
                                {0, 1, "501 Syntax: BODY [message-id|number]"}},
    {"STAT",         open_only, &model_session::retrieve,
                                {0, 1, "501 Syntax: STAT [message-id|number]"}},
    {"OVER",         open_only, &model_session::over, {0, 1, "501 Syntax: OVER [range]"}},
    {"XOVER",        open_only, &model_session::over, {0, 1, "501 Syntax: XOVER [range]"}},
    {"LIST",         open_only, &model_session::list, {0, 2, "501 Syntax: LIST [keyword [wildmat]]"}},
    {"NEWGROUPS",    open_only, &model_session::newgroups},
    {"NEWNEWS",      open_only, &model_session::newnews},
    {"POST",         open_only, &model_session::post, {0, 0, "501 Syntax: POST"}},
    {"IHAVE",        open_only, &model_session::ihave},
    {"DATE",         any_state, &model_session::date},
    {"HELP",         any_state, &model_session::help},
    {"AUTHINFO",     any_state, &model_session::authinfo},
    {"STARTTLS",     any_state, &model_session::starttls, {0, 0, "501 Syntax: STARTTLS"}},
    {"QUIT",         any_state, &model_session::quit, {}, true},
  };
  return table;
}
// clang-format on

}  // namespace

std::shared_ptr<const model_server> compile_model(const ph::scenario& scen) {
  return std::make_shared<const line_model_server<model_config, model_session>>(parse_model(scen));
}

}  // namespace ph::fakeservers::nntp
