// The SMTP model server: RFC 5321 sessions (RFC 3207 STARTTLS, RFC 4954 AUTH
// PLAIN/LOGIN/CRAM-MD5, RFC 1870 SIZE, RFC 2920 PIPELINING) over a compiled [server.model].
// Its parsing is its own: nothing here is shared with clients/ or harness/rules/.

#include "fakeservers/smtp/smtp_model.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <span>

#include <fmt/format.h>

#include "fakeservers/engine/script.hpp"
#include "fakeservers/model/command_table.hpp"
#include "vocabulary/base64.hpp"

namespace ph::fakeservers::smtp {

namespace {

// RFC 2195 §2: the CRAM-MD5 digest is HMAC-MD5(secret, challenge) in lower-case hex.
std::string hmac_md5_hex(std::string_view secret, std::string_view challenge) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned length = 0;
  if (HMAC(EVP_md5(), secret.data(), static_cast<int>(secret.size()),
           reinterpret_cast<const unsigned char*>(challenge.data()), challenge.size(), digest,
           &length) == nullptr)
    return {};
  std::string out;
  for (unsigned i = 0; i < length; ++i)
    out += fmt::format("{:02x}", digest[i]);
  return out;
}

bool any_glob(const std::vector<std::string>& globs, const std::string& text) {
  return std::any_of(globs.begin(), globs.end(),
                     [&](const auto& g) { return ph::glob_match(g, text, true); });
}

// "<addr>" out of "FROM:<addr> params" (lenient about a space after the colon, as many
// servers are; the rules judge the syntax).
std::optional<std::string> path_arg(std::string_view rest, std::string& params) {
  auto colon = rest.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  rest.remove_prefix(colon + 1);
  while (!rest.empty() && rest.front() == ' ')
    rest.remove_prefix(1);
  if (rest.empty() || rest.front() != '<') return std::nullopt;
  auto close = rest.find('>');
  if (close == std::string_view::npos) return std::nullopt;
  std::string addr(rest.substr(1, close - 1));
  params = std::string(rest.substr(close + 1));
  return addr;
}

// A refusing greeting (not 220) leaves only QUIT (RFC 5321 §3.1).
enum state : unsigned { serving, refused };
constexpr unsigned serving_only = 1u << serving;

class model_session final : public line_model {
 public:
  model_session(session& s, const model_config& cfg, const override_state&) : s_(s), cfg_(cfg) {}

  awaitable<bool> greet() override {
    co_await s_.send_line(cfg_.greeting);
    co_return true;
  }

  awaitable<bool> answer(const std::string& raw) override {
    const std::string text = strip_eol(raw);
    auto sp = text.find(' ');
    command cmd;
    cmd.line = text;
    cmd.verb = upper(text.substr(0, sp));
    cmd.rest = sp == std::string::npos ? "" : text.substr(sp + 1);
    const unsigned st = cfg_.greeting.starts_with("220") ? serving : refused;
    bool more = co_await dispatch<model_session>(*this, commands(), cmd, st);
    co_return more;
  }

  awaitable<void> reply(std::string line) { co_await s_.send_line(line); }

  awaitable<void> refuse(const command&, const command_row<model_session>*) {
    if (!cfg_.greeting.starts_with("220"))
      co_return co_await reply("503 5.5.1 no service; only QUIT");
    co_await reply("500 5.5.2 Error: command not recognized");
  }

 private:
  static std::span<const command_row<model_session>> commands();

  awaitable<void> ehlo(const command& cmd) {
    reset_txn();
    greeted_ = true;
    esmtp_ = true;
    std::vector<std::string> lines = {"250-" + cfg_.hostname + " greets " +
                                      (cmd.rest.empty() ? "you" : cmd.rest)};
    for (const auto& ext : offered())
      lines.push_back("250-" + ext);
    lines.back()[3] = ' ';
    co_await s_.send_lines(lines);
  }

  awaitable<void> helo(const command&) {
    reset_txn();
    greeted_ = true;
    esmtp_ = false;
    co_await reply("250 " + cfg_.hostname);
  }

  awaitable<void> starttls(const command&) {
    if (s_.tls_active() || !offers("STARTTLS")) {
      co_await reply("503 5.5.1 STARTTLS not available");
      co_return;
    }
    co_await reply("220 2.0.0 Ready to start TLS");
    co_await s_.start_tls();
    greeted_ = false;  // RFC 3207 §4.2: the session starts over
    authed_ = false;
    reset_txn();
  }

  awaitable<void> rset(const command&) {
    reset_txn();
    co_await reply("250 2.0.0 Ok");
  }

  awaitable<void> noop(const command&) { co_await reply("250 2.0.0 Ok"); }

  awaitable<void> vrfy(const command&) {
    co_await reply("252 2.1.5 Cannot VRFY user, but will accept message");
  }

  awaitable<void> help(const command&) {
    co_await reply("214 2.0.0 protoharness fake SMTP server");
  }

  awaitable<void> quit(const command&) {
    co_await reply("221 2.0.0 Bye");
    co_await s_.close();
  }

  std::vector<std::string> offered() const {
    std::vector<std::string> out;
    for (const auto& e : cfg_.extensions)
      if (!(s_.tls_active() && upper(e) == "STARTTLS")) out.push_back(e);
    return out;
  }

  bool offers(const std::string& keyword) const {
    if (!esmtp_) return false;
    for (const auto& e : offered())
      if (upper(e.substr(0, e.find(' '))) == keyword) return true;
    return false;
  }

  bool offers_mechanism(const std::string& mech) const {
    for (const auto& e : offered()) {
      std::string u = upper(e);
      if (u.rfind("AUTH ", 0) == 0 &&
          (" " + u.substr(5) + " ").find(" " + mech + " ") != std::string::npos)
        return true;
    }
    return false;
  }

  void reset_txn() {
    in_txn_ = false;
    accepted_.clear();
  }

  awaitable<std::optional<std::string>> challenge(const std::string& text) {
    co_await reply("334 " + text);
    auto line = co_await s_.read_line();
    if (!line) co_return std::nullopt;
    co_return strip_eol(*line);
  }

  awaitable<void> auth(const command& cmd) {
    const std::string& arg = cmd.rest;
    auto sp = arg.find(' ');
    std::string mech = upper(arg.substr(0, sp));
    std::optional<std::string> ir;
    if (sp != std::string::npos) ir = arg.substr(sp + 1);
    if (!esmtp_ || !offers_mechanism(mech))
      co_return co_await reply("504 5.5.4 Unrecognized authentication type");
    if (authed_) co_return co_await reply("503 5.5.1 Already authenticated");
    if (in_txn_) co_return co_await reply("503 5.5.1 AUTH not permitted during a mail transaction");
    std::string user, password;
    if (mech == "PLAIN") {
      if (!ir) ir = co_await challenge("");
      if (!ir) co_return;
      if (*ir == "*") co_return co_await reply("501 5.7.0 Authentication cancelled");
      auto decoded = ph::base64_decode(*ir == "=" ? "" : *ir);
      if (!decoded) co_return co_await reply("501 5.5.2 Cannot decode response");
      auto first = decoded->find('\0');
      auto second = first == std::string::npos ? std::string::npos : decoded->find('\0', first + 1);
      if (second == std::string::npos)
        co_return co_await reply("501 5.5.2 Malformed PLAIN response");
      user = decoded->substr(first + 1, second - first - 1);
      password = decoded->substr(second + 1);
    } else if (mech == "LOGIN") {
      auto u = ir;
      if (!u) u = co_await challenge("VXNlcm5hbWU6");
      if (!u) co_return;
      if (*u == "*") co_return co_await reply("501 5.7.0 Authentication cancelled");
      auto p = co_await challenge("UGFzc3dvcmQ6");
      if (!p) co_return;
      if (*p == "*") co_return co_await reply("501 5.7.0 Authentication cancelled");
      auto du = ph::base64_decode(*u), dp = ph::base64_decode(*p);
      if (!du || !dp) co_return co_await reply("501 5.5.2 Cannot decode response");
      user = *du;
      password = *dp;
    } else if (mech == "CRAM-MD5") {
      // RFC 2195 §2: a msg-id challenge, answered by "user SP digest"; no initial response.
      if (ir) co_return co_await reply("501 5.5.2 CRAM-MD5 takes no initial response");
      const std::string stamp = fmt::format("<{}.1896697170@{}>", ++challenges_, cfg_.hostname);
      auto answer = co_await challenge(ph::base64_encode(stamp));
      if (!answer) co_return;
      if (*answer == "*") co_return co_await reply("501 5.7.0 Authentication cancelled");
      auto decoded = ph::base64_decode(*answer);
      if (!decoded) co_return co_await reply("501 5.5.2 Cannot decode response");
      auto sp = decoded->rfind(' ');
      if (sp == std::string::npos)
        co_return co_await reply("501 5.5.2 Malformed CRAM-MD5 response");
      user = decoded->substr(0, sp);
      auto known = cfg_.users.find(user);
      bool ok = known != cfg_.users.end() &&
                decoded->substr(sp + 1) == hmac_md5_hex(known->second, stamp);
      if (!ok) co_return co_await reply("535 5.7.8 Authentication credentials invalid");
      password = known->second;
    } else {
      co_return co_await reply("504 5.5.4 Unrecognized authentication type");
    }
    auto it = cfg_.users.find(user);
    if (it == cfg_.users.end() || it->second != password)
      co_return co_await reply("535 5.7.8 Authentication credentials invalid");
    authed_ = true;
    co_await reply("235 2.7.0 Authentication successful");
  }

  awaitable<void> mail(const command& cmd) {
    const std::string& arg = cmd.rest;
    if (!greeted_) co_return co_await reply("503 5.5.1 Error: send HELO/EHLO first");
    if (in_txn_) co_return co_await reply("503 5.5.1 Error: nested MAIL command");
    if (cfg_.auth_required && !authed_)
      co_return co_await reply("530 5.7.0 Authentication required");
    std::string params;
    auto from = upper(arg.substr(0, 5)) == "FROM:" ? path_arg(arg, params) : std::nullopt;
    if (!from) co_return co_await reply("501 5.5.4 Syntax: MAIL FROM:<address>");
    if (any_glob(cfg_.reject_senders, *from))
      co_return co_await reply("553 5.7.1 Sender address rejected");
    std::string up = upper(params);
    if (auto at = up.find("SIZE="); at != std::string::npos && cfg_.size_limit) {
      std::size_t declared = std::strtoull(up.c_str() + at + 5, nullptr, 10);
      if (declared > cfg_.size_limit)
        co_return co_await reply("552 5.3.4 Message size exceeds fixed limit");
    }
    in_txn_ = true;
    sender_ = *from;
    co_await reply("250 2.1.0 Ok");
  }

  awaitable<void> rcpt(const command& cmd) {
    const std::string& arg = cmd.rest;
    if (!in_txn_) co_return co_await reply("503 5.5.1 Error: need MAIL command");
    std::string params;
    auto to = upper(arg.substr(0, 3)) == "TO:" ? path_arg(arg, params) : std::nullopt;
    if (!to) co_return co_await reply("501 5.5.4 Syntax: RCPT TO:<address>");
    if (cfg_.max_recipients && static_cast<int>(accepted_.size()) >= cfg_.max_recipients)
      co_return co_await reply("452 4.5.3 Too many recipients");
    if (any_glob(cfg_.reject, *to) || !any_glob(cfg_.accept, *to))
      co_return co_await reply("550 5.1.1 <" + *to + ">: Recipient address rejected");
    accepted_.push_back(*to);
    co_await reply("250 2.1.5 Ok");
  }

  awaitable<void> data(const command&) {
    if (!in_txn_) co_return co_await reply("503 5.5.1 Error: need MAIL command");
    if (accepted_.empty()) co_return co_await reply("554 5.5.1 Error: no valid recipients");
    co_await reply("354 End data with <CR><LF>.<CR><LF>");
    auto block = co_await s_.read_dot_block();
    if (!block) co_return;
    std::string message = unstuff_dot_block(*block);
    ++delivered_;
    s_.note(fmt::format("model accepted message {} from <{}> to {} recipient(s), {} octets",
                        delivered_, sender_, accepted_.size(), message.size()));
    reset_txn();
    if (cfg_.size_limit && message.size() > cfg_.size_limit)
      co_return co_await reply("552 5.3.4 Message size exceeds fixed limit");
    co_await reply(fmt::format("250 2.0.0 Ok: queued as PH{:06}", delivered_));
  }

  session& s_;
  const model_config& cfg_;
  bool greeted_ = false, esmtp_ = false, authed_ = false, in_txn_ = false;
  std::string sender_;
  std::vector<std::string> accepted_;
  int delivered_ = 0;
  int challenges_ = 0;  // CRAM-MD5 challenges issued, to make each unique
};

// clang-format off
std::span<const command_row<model_session>> model_session::commands() {
  static const command_row<model_session> table[] = {
    {"EHLO",     serving_only, &model_session::ehlo},
    {"HELO",     serving_only, &model_session::helo},
    {"STARTTLS", serving_only, &model_session::starttls},
    {"AUTH",     serving_only, &model_session::auth},
    {"MAIL",     serving_only, &model_session::mail},
    {"RCPT",     serving_only, &model_session::rcpt},
    {"DATA",     serving_only, &model_session::data},
    {"RSET",     serving_only, &model_session::rset},
    {"NOOP",     serving_only, &model_session::noop},
    {"VRFY",     serving_only, &model_session::vrfy},
    {"HELP",     serving_only, &model_session::help},
    {"QUIT",     any_state,    &model_session::quit, {}, true},
  };
  return table;
}
// clang-format on

}  // namespace

std::shared_ptr<const model_server> compile_model(const ph::scenario& scen) {
  return std::make_shared<const line_model_server<model_config, model_session>>(parse_model(scen));
}

}  // namespace ph::fakeservers::smtp
