// The SMTP server side: DATA framing for scripts and a well-behaved model server
// (RFC 5321, 3207 STARTTLS, 4954 AUTH PLAIN/LOGIN/CRAM-MD5, 1870 SIZE, 2920 PIPELINING).
// Its parsing is its own: nothing here is shared with clients/ or harness/rules/.

#include "fakeservers/smtp/smtp_dialect.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cctype>
#include <map>

#include <fmt/format.h>

#include "fakeservers/engine/script.hpp"
#include "harness/model/base64.hpp"

namespace ph::fakeservers::smtp {

namespace {

std::string upper(std::string s) {
  for (auto& c : s)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

struct model_config {
  std::string hostname = "fake.test";
  std::string greeting;
  std::vector<std::string> extensions = {"PIPELINING", "8BITMIME",         "SIZE 10485760",
                                         "STARTTLS",   "AUTH PLAIN LOGIN", "ENHANCEDSTATUSCODES",
                                         "SMTPUTF8"};
  std::map<std::string, std::string> users = {{"test", "test"}};
  bool auth_required = false;
  std::vector<std::string> accept = {"*"};
  std::vector<std::string> reject = {"*@blocked.test"};
  std::vector<std::string> reject_senders;
  int max_recipients = 0;
  std::size_t size_limit = 0;
};

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

model_config parse_model(const harness::scenario& scen) {
  model_config m;
  const json model = scen.server.value("model", json::object());
  if (!model.is_object()) scen.fail("/server/model", "[server.model] must be a table");
  for (const auto& [key, v] : model.items()) {
    std::string at = "/server/model/" + key;
    if (key == "hostname" || key == "greeting") {
      if (!v.is_string()) scen.fail(at, key + " must be a string");
      (key == "hostname" ? m.hostname : m.greeting) = v;
    } else if (key == "extensions") {
      m.extensions = strings(scen, v, at);
    } else if (key == "accept") {
      m.accept = strings(scen, v, at);
    } else if (key == "reject") {
      m.reject = strings(scen, v, at);
    } else if (key == "reject_senders") {
      m.reject_senders = strings(scen, v, at);
    } else if (key == "users") {
      if (!v.is_object()) scen.fail(at, "users must be a table of name = \"password\"");
      m.users.clear();
      for (const auto& [name, pw] : v.items()) {
        if (!pw.is_string()) scen.fail(at + "/" + name, "a password must be a string");
        m.users[name] = pw;
      }
    } else if (key == "auth_required") {
      if (!v.is_boolean()) scen.fail(at, "auth_required must be true or false");
      m.auth_required = v;
    } else if (key == "max_recipients") {
      if (!v.is_number_integer()) scen.fail(at, "max_recipients must be an integer");
      m.max_recipients = v;
    } else {
      scen.fail(at,
                fmt::format("unknown SMTP model key '{}' (hostname, greeting, extensions, users, "
                            "auth_required, accept, reject, reject_senders, max_recipients)",
                            key));
    }
  }
  if (m.greeting.empty()) m.greeting = "220 " + m.hostname + " ESMTP protoharness";
  for (const auto& ext : m.extensions) {
    if (upper(ext.substr(0, 5)) == "SIZE ") m.size_limit = std::stoull("0" + ext.substr(5));
  }
  return m;
}

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
                     [&](const auto& g) { return harness::glob_match(g, text, true); });
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

class model_session {
 public:
  model_session(session& s, model_config cfg)
      : s_(s), cfg_(std::move(cfg)), overrides_(parse_overrides(s.scen())) {}

  awaitable<void> run() {
    co_await s_.send_line(cfg_.greeting);
    if (!cfg_.greeting.starts_with("220")) {
      // A refusing greeting: answer QUIT, refuse everything else (RFC 5321 §3.1).
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

  awaitable<bool> handle(const std::string& text) {
    auto sp = text.find(' ');
    std::string verb = upper(text.substr(0, sp));
    std::string arg = sp == std::string::npos ? "" : text.substr(sp + 1);
    if (!cfg_.greeting.starts_with("220") && verb != "QUIT") {
      co_await reply("503 5.5.1 no service; only QUIT");
      co_return true;
    }
    if (verb == "EHLO") {
      reset_txn();
      greeted_ = true;
      esmtp_ = true;
      std::vector<std::string> lines = {"250-" + cfg_.hostname + " greets " +
                                        (arg.empty() ? "you" : arg)};
      for (const auto& ext : offered())
        lines.push_back("250-" + ext);
      lines.back()[3] = ' ';
      co_await s_.send_lines(lines);
    } else if (verb == "HELO") {
      reset_txn();
      greeted_ = true;
      esmtp_ = false;
      co_await reply("250 " + cfg_.hostname);
    } else if (verb == "STARTTLS") {
      if (s_.tls_active() || !offers("STARTTLS")) {
        co_await reply("503 5.5.1 STARTTLS not available");
      } else {
        co_await reply("220 2.0.0 Ready to start TLS");
        co_await s_.start_tls();
        greeted_ = false;  // RFC 3207 §4.2: the session starts over
        authed_ = false;
        reset_txn();
      }
    } else if (verb == "AUTH") {
      co_await auth(arg);
    } else if (verb == "MAIL") {
      co_await mail(arg);
    } else if (verb == "RCPT") {
      co_await rcpt(arg);
    } else if (verb == "DATA") {
      co_await data();
    } else if (verb == "RSET") {
      reset_txn();
      co_await reply("250 2.0.0 Ok");
    } else if (verb == "NOOP") {
      co_await reply("250 2.0.0 Ok");
    } else if (verb == "VRFY") {
      co_await reply("252 2.1.5 Cannot VRFY user, but will accept message");
    } else if (verb == "HELP") {
      co_await reply("214 2.0.0 protoharness fake SMTP server");
    } else if (verb == "QUIT") {
      co_await reply("221 2.0.0 Bye");
      co_await s_.close();
      co_return false;
    } else {
      co_await reply("500 5.5.2 Error: command not recognized");
    }
    co_return true;
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

  awaitable<void> auth(const std::string& arg) {
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
      auto decoded = harness::base64_decode(*ir == "=" ? "" : *ir);
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
      auto du = harness::base64_decode(*u), dp = harness::base64_decode(*p);
      if (!du || !dp) co_return co_await reply("501 5.5.2 Cannot decode response");
      user = *du;
      password = *dp;
    } else if (mech == "CRAM-MD5") {
      // RFC 2195 §2: a msg-id challenge, answered by "user SP digest"; no initial response.
      if (ir) co_return co_await reply("501 5.5.2 CRAM-MD5 takes no initial response");
      const std::string stamp = fmt::format("<{}.1896697170@{}>", ++challenges_, cfg_.hostname);
      auto answer = co_await challenge(harness::base64_encode(stamp));
      if (!answer) co_return;
      if (*answer == "*") co_return co_await reply("501 5.7.0 Authentication cancelled");
      auto decoded = harness::base64_decode(*answer);
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

  awaitable<void> mail(const std::string& arg) {
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

  awaitable<void> rcpt(const std::string& arg) {
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

  awaitable<void> data() {
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
  model_config cfg_;
  std::vector<override_rule> overrides_;
  bool greeted_ = false, esmtp_ = false, authed_ = false, in_txn_ = false;
  std::string sender_;
  std::vector<std::string> accepted_;
  int delivered_ = 0;
  int challenges_ = 0;  // CRAM-MD5 challenges issued, to make each unique
};

}  // namespace

void smtp_dialect::validate(const harness::scenario& scen) const {
  if (scen.server["mode"] == "model")
    parse_model(scen);
  else if (scen.server.contains("model"))
    scen.fail("/server/model", "[server.model] needs mode = \"model\"");
}

awaitable<void> smtp_dialect::serve_model(session& s) const {
  model_session m(s, parse_model(s.scen()));
  co_await m.run();
}

std::vector<std::string> smtp_dialect::block_kinds() const {
  return {"data"};
}

awaitable<std::optional<std::string>> smtp_dialect::read_block(session& s, std::string_view) const {
  co_return co_await s.read_dot_block();
}

std::string smtp_dialect::mismatch_reply() const {
  return "503 5.5.1 protoharness: not what the script expected";
}

line_limit smtp_dialect::command_line_limit() const {
  // RFC 5321 §4.5.3.1.4-6: command lines are 512 octets, text lines 1000; a longer one is
  // answered "500 Line too long" (X.5.6: the enhanced code RFC 4954 gives a too-long line).
  return {64 * 1024, "500 5.5.6 Line too long", false};
}

}  // namespace ph::fakeservers::smtp
