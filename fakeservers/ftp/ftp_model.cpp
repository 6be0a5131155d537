// The FTP model server over an in-memory virtual file tree: RFC 959 (commands, replies,
// ASCII type), RFC 2428 (EPRT/EPSV), RFC 3659 (SIZE, MDTM, REST STREAM, MLSD), RFC 2389
// (FEAT), RFC 4217 (AUTH TLS, PBSZ, PROT), RFC 2577 (security).
// Its parsing is its own: nothing here is shared with clients/ or harness/rules/.

#include "fakeservers/ftp/ftp_model.hpp"

#include <algorithm>
#include <cctype>
#include <span>
#include <utility>

#include <fmt/format.h>

#include "fakeservers/engine/script.hpp"
#include "fakeservers/ftp/ftp_connection.hpp"
#include "fakeservers/ftp/ftp_script.hpp"
#include "fakeservers/ftp/ftp_text.hpp"
#include "fakeservers/model/command_table.hpp"

namespace ph::fakeservers::ftp {

namespace {

enum state : unsigned { logged_out, logged_in };

class model_session final : public line_model, private connection {
 public:
  model_session(session& s, const model_config& cfg, const override_state&) : connection(s, cfg) {}

  using connection::reply;

  awaitable<bool> greet() override {
    co_await s_.send_line(cfg_.greeting);
    if (!cfg_.greeting.starts_with("220")) {
      co_await s_.close();  // RFC 959 §5.4: 421 (or 120) then the server is gone
      co_return false;
    }
    co_return true;
  }

  awaitable<bool> answer(const std::string& raw) override {
    command cmd;
    cmd.line = strip_eol(raw);
    // Telnet IP/Synch bytes before ABOR (RFC 959 §4.1.3) are skipped.
    std::string text = cmd.line;
    std::size_t start = 0;
    while (start < text.size() && (static_cast<unsigned char>(text[start]) >= 0x80))
      ++start;
    text.erase(0, start);
    auto sp = text.find(' ');
    cmd.verb = upper(text.substr(0, sp));
    cmd.rest = sp == std::string::npos ? "" : text.substr(sp + 1);
    if (cmd.verb.empty()) {
      co_await reply("500 Empty command");
      co_return true;
    }
    if (cmd.verb != "RNTO" && cmd.verb != "RNFR") rename_from_.clear();
    const unsigned st = logged_in_ ? logged_in : logged_out;
    bool more = co_await dispatch<model_session>(*this, commands(), cmd, st);
    co_return more;
  }

  awaitable<void> at_eof() override {
    data_.discard();
    co_return;
  }

  awaitable<void> refuse(const command& cmd, const command_row<model_session>*) {
    if (!logged_in_) co_return co_await reply("530 Please login with USER and PASS");
    co_await reply(fmt::format("502 Command {} not implemented", cmd.verb));
  }

 private:
  static std::span<const command_row<model_session>> commands();

  awaitable<void> quit(const command&) {
    co_await reply("221 Goodbye");
    data_.discard();
    co_await s_.close();
  }

  awaitable<void> noop(const command&) { co_await reply("200 NOOP ok"); }

  awaitable<void> feat(const command&) {
    // RFC 2389 §3.2: each feature line starts with a space.
    std::vector<std::string> lines = {"211-Features:"};
    for (const auto& f : cfg_.features)
      lines.push_back(" " + f);
    lines.push_back("211 End");
    co_await s_.send_lines(lines);
  }

  awaitable<void> syst(const command&) { co_await reply("215 UNIX Type: L8"); }

  awaitable<void> help(const command&) {
    std::vector<std::string> help = {
        "214-The following commands are recognized:",
        " USER PASS QUIT NOOP FEAT SYST HELP PWD CWD CDUP MKD RMD DELE",
        " RNFR RNTO SIZE MDTM TYPE MODE STRU PASV EPSV PORT EPRT LIST",
        " NLST MLSD RETR STOR APPE REST ABOR AUTH PBSZ PROT OPTS", "214 Help OK"};
    co_await s_.send_lines(help);
  }

  awaitable<void> auth(const command& cmd) {
    const std::string& arg = cmd.rest;
    if (!cfg_.tls) {
      co_await reply("502 AUTH not supported");
    } else if (s_.tls_active()) {
      co_await reply("503 TLS already active");
    } else if (upper(arg) == "TLS" || upper(arg) == "TLS-C" || upper(arg) == "SSL") {
      co_await reply("234 AUTH TLS successful");  // RFC 4217 §4
      co_await s_.start_tls();
      logged_in_ = false;  // RFC 4217 §4: AUTH resets the session
      user_.clear();
    } else {
      co_await reply("504 Unknown AUTH type");
    }
  }

  awaitable<void> pbsz(const command&) {
    if (!s_.tls_active())
      co_await reply("503 PBSZ requires AUTH TLS first");  // RFC 4217 §8
    else {
      pbsz_ = true;
      co_await reply("200 PBSZ=0");
    }
  }

  awaitable<void> prot(const command& cmd) {
    std::string level = upper(cmd.rest);
    if (!s_.tls_active() || !pbsz_)
      co_await reply("503 PROT requires AUTH TLS and PBSZ first");  // RFC 4217 §9
    else if (level == "P" || level == "C") {
      prot_private_ = level == "P";
      co_await reply(fmt::format("200 Protection level set to {}", level));
    } else if (level == "S" || level == "E")
      co_await reply("536 Protection level not supported");
    else
      co_await reply("504 Unknown protection level");
  }

  awaitable<void> opts(const command& cmd) {
    const char* text =
        upper(cmd.rest).starts_with("UTF8") ? "200 UTF8 mode on" : "501 Unknown option";
    co_await reply(text);
  }

  awaitable<void> user(const command& cmd) {
    const std::string& arg = cmd.rest;
    user_ = arg;
    logged_in_ = false;
    if (arg == "anonymous" || arg == "ftp") {
      if (!cfg_.anonymous)
        co_await reply("530 Anonymous access not allowed");
      else
        co_await reply("331 Anonymous login ok, send your e-mail address as password");
    } else {
      co_await reply(fmt::format("331 Password required for {}", arg));
    }
  }

  awaitable<void> pass(const command& cmd) {
    const std::string& arg = cmd.rest;
    if (user_.empty()) {
      co_await reply("503 Login with USER first");
    } else if ((user_ == "anonymous" || user_ == "ftp") && cfg_.anonymous) {
      logged_in_ = true;
      co_await reply("230 Anonymous access granted");
    } else if (auto it = cfg_.users.find(user_); it != cfg_.users.end() && it->second == arg) {
      logged_in_ = true;
      co_await reply(fmt::format("230 User {} logged in", user_));
    } else {
      user_.clear();
      co_await reply("530 Login incorrect");
    }
  }

  awaitable<void> pwd(const command&) {
    co_await reply(fmt::format("257 {} is the current directory", quote_path(join(cwd_))));
  }

  awaitable<void> cwd(const command& cmd) {
    std::vector<std::string> path;
    std::string target = cmd.verb.ends_with("UP") ? std::string("..") : cmd.rest;
    node* n = co_await find(target, &path);
    if (n && !n->dir) {
      co_await reply("550 Not a directory");
    } else if (n) {
      cwd_ = path;
      co_await reply(fmt::format("250 Directory changed to {}", join(cwd_)));
    }
  }

  awaitable<void> mkd(const command& cmd) {
    const std::string& arg = cmd.rest;
    std::string name;
    node* dir = co_await parent_of(arg, name);
    if (!dir) co_return;
    if (dir->children.contains(name)) {
      co_await reply("550 File exists");
    } else if (created_ >= cfg_.max_entries) {
      co_await reply(fmt::format(
          "550 Too many entries (the model allows {} new ones per connection)", cfg_.max_entries));
    } else {
      dir->children[name] = make_dir();
      ++created_;
      std::vector<std::string> p;
      resolve(arg, p);
      co_await reply(fmt::format("257 {} created", quote_path(join(p))));
    }
  }

  awaitable<void> remove(const command& cmd) {
    std::string name;
    node* dir = co_await parent_of(cmd.rest, name);
    if (!dir) co_return;
    auto it = dir->children.find(name);
    bool want_dir = cmd.verb != "DELE";
    if (it == dir->children.end())
      co_await reply("550 No such file or directory");
    else if (it->second.dir != want_dir) {
      const char* text = want_dir ? "550 Not a directory" : "550 Is a directory";
      co_await reply(text);
    } else if (want_dir && !it->second.children.empty())
      co_await reply("550 Directory not empty");
    else {
      dir->children.erase(it);
      std::string removed = fmt::format("250 {} removed", want_dir ? "Directory" : "File");
      co_await reply(removed);
    }
  }

  awaitable<void> rnfr(const command& cmd) {
    std::string name;
    node* dir = co_await parent_of(cmd.rest, name);
    if (!dir) co_return;
    if (!dir->children.contains(name)) {
      co_await reply("550 No such file or directory");
    } else {
      rename_from_ = cmd.rest;
      co_await reply("350 Ready for RNTO");
    }
  }

  awaitable<void> rnto(const command& cmd) {
    if (rename_from_.empty()) co_return co_await reply("503 Bad sequence of commands: RNFR first");
    std::string from_name, to_name;
    std::string from = std::exchange(rename_from_, std::string());
    node* from_dir = co_await parent_of(from, from_name);
    if (!from_dir) co_return;
    const std::string not_allowed = "553";
    node* to_dir = co_await parent_of(cmd.rest, to_name, not_allowed);
    if (!to_dir) co_return;
    node moved = std::move(from_dir->children.at(from_name));
    from_dir->children.erase(from_name);
    to_dir->children[to_name] = std::move(moved);
    co_await reply("250 Rename successful");
  }

  awaitable<void> size(const command& cmd) {
    node* n = co_await find(cmd.rest);
    if (n && n->dir)
      co_await reply("550 Not a plain file");
    else if (n) {  // RFC 3659 §4: the size in the current TYPE
      std::size_t size = type_ascii_ ? to_netascii(n->content()).size() : n->content().size();
      co_await reply(fmt::format("213 {}", size));
    }
  }

  awaitable<void> mdtm(const command& cmd) {
    node* n = co_await find(cmd.rest);
    if (n && n->dir)
      co_await reply("550 Not a plain file");
    else if (n)
      co_await reply("213 " + n->mtime);  // RFC 3659 §3
  }

  awaitable<void> type(const command& cmd) {
    std::string t = upper(cmd.rest);
    if (t == "A" || t == "A N") {
      type_ascii_ = true;
      co_await reply("200 Type set to A");
    } else if (t == "I" || t == "L 8") {
      type_ascii_ = false;
      co_await reply("200 Type set to I");
    } else {
      co_await reply("504 Type not implemented");
    }
  }

  awaitable<void> mode(const command& cmd) {
    const char* text = upper(cmd.rest) == "S" ? "200 Mode S ok" : "504 Only stream mode";
    co_await reply(text);
  }

  awaitable<void> stru(const command& cmd) {
    const char* text = upper(cmd.rest) == "F" ? "200 Structure F ok" : "504 Only file structure";
    co_await reply(text);
  }

  awaitable<void> pasv(const command&) {
    if (epsv_all_) {
      co_await reply("503 EPSV ALL in force");  // RFC 2428 §4
    } else if (data_.local_address().find(':') != std::string::npos) {
      co_await reply("425 PASV is IPv4 only; use EPSV");
    } else {
      std::uint16_t port = data_.listen();
      std::string host = data_.local_address();
      std::replace(host.begin(), host.end(), '.', ',');
      co_await reply(
          fmt::format("227 Entering Passive Mode ({},{},{})", host, port / 256, port % 256));
    }
  }

  awaitable<void> epsv(const command& cmd) {
    const std::string& arg = cmd.rest;
    if (upper(arg) == "ALL") {
      epsv_all_ = true;
      co_await reply("200 EPSV ALL ok");
    } else if (!arg.empty() && arg != "1" && arg != "2") {
      co_await reply("522 Network protocol not supported, use (1,2)");
    } else {
      std::uint16_t port = data_.listen();
      co_await reply(fmt::format("229 Entering Extended Passive Mode (|||{}|)", port));
    }
  }

  awaitable<void> active(const command& cmd) {
    auto target = parse_active_target(cmd.line);
    if (epsv_all_)
      co_await reply("503 EPSV ALL in force");
    else if (!target)
      co_await reply(fmt::format("501 Malformed {} argument", cmd.verb));
    else if (!data_.target(target->first, target->second))
      co_await reply("500 Illegal PORT command: loopback only");  // RFC 2577 §3
    else
      co_await reply(fmt::format("200 {} command successful", cmd.verb));
  }

  awaitable<void> list(const command& cmd) { co_await listing(cmd.verb, cmd.rest); }

  awaitable<void> retr(const command& cmd) { co_await retrieve(cmd.rest); }

  awaitable<void> stor(const command& cmd) { co_await store(cmd.verb, cmd.rest); }

  awaitable<void> rest(const command& cmd) {
    const std::string& arg = cmd.rest;
    std::size_t v = 0;
    bool ok = !arg.empty() && arg.size() <= 18 && std::all_of(arg.begin(), arg.end(), [](char c) {
      return std::isdigit(static_cast<unsigned char>(c));
    });
    if (ok) v = std::stoull(arg);
    if (!ok) {
      co_await reply("501 REST needs a byte count");
    } else {
      rest_ = v;
      co_await reply(fmt::format("350 Restarting at {}", v));  // RFC 3659 §5.3
    }
  }

  awaitable<void> abor(const command&) {
    data_.discard();
    // RFC 959 §4.1.3: 426 for the aborted transfer went already; 226 closes the ABOR.
    const char* text =
        std::exchange(aborted_, false) ? "226 Abort successful" : "225 No transfer to abort";
    co_await reply(text);
  }
};

constexpr unsigned in = 1u << logged_in, any = any_state;

// clang-format off
std::span<const command_row<model_session>> model_session::commands() {
  static const command_row<model_session> table[] = {
    {"QUIT", any, &model_session::quit, {}, true},
    {"NOOP", any, &model_session::noop},
    {"FEAT", any, &model_session::feat},
    {"SYST", any, &model_session::syst},
    {"HELP", any, &model_session::help},
    {"AUTH", any, &model_session::auth},
    {"PBSZ", any, &model_session::pbsz},
    {"PROT", any, &model_session::prot},
    {"OPTS", any, &model_session::opts},
    {"USER", any, &model_session::user},
    {"PASS", any, &model_session::pass},
    {"PWD",  in,  &model_session::pwd},
    {"XPWD", in,  &model_session::pwd},
    {"CWD",  in,  &model_session::cwd},
    {"XCWD", in,  &model_session::cwd},
    {"CDUP", in,  &model_session::cwd},
    {"XCUP", in,  &model_session::cwd},
    {"MKD",  in,  &model_session::mkd},
    {"XMKD", in,  &model_session::mkd},
    {"RMD",  in,  &model_session::remove},
    {"XRMD", in,  &model_session::remove},
    {"DELE", in,  &model_session::remove},
    {"RNFR", in,  &model_session::rnfr},
    {"RNTO", in,  &model_session::rnto},
    {"SIZE", in,  &model_session::size},
    {"MDTM", in,  &model_session::mdtm},
    {"TYPE", in,  &model_session::type},
    {"MODE", in,  &model_session::mode},
    {"STRU", in,  &model_session::stru},
    {"PASV", in,  &model_session::pasv},
    {"EPSV", in,  &model_session::epsv},
    {"PORT", in,  &model_session::active},
    {"EPRT", in,  &model_session::active},
    {"LIST", in,  &model_session::list},
    {"NLST", in,  &model_session::list},
    {"MLSD", in,  &model_session::list},
    {"RETR", in,  &model_session::retr},
    {"STOR", in,  &model_session::stor},
    {"APPE", in,  &model_session::stor},
    {"REST", in,  &model_session::rest},
    {"ABOR", in,  &model_session::abor},
  };
  return table;
}
// clang-format on

}  // namespace

std::shared_ptr<const model_server> compile_model(const ph::scenario& scen) {
  return std::make_shared<const line_model_server<model_config, model_session>>(parse_model(scen));
}

}  // namespace ph::fakeservers::ftp
