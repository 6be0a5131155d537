// The POP3 model server: RFC 1939 sessions (states, commands, multi-line responses),
// RFC 2449 (CAPA, response codes, pipelining), RFC 2595 §4 (STLS), RFC 5034 (AUTH),
// RFC 3206 (AUTH/SYS response codes), over a compiled [server.model].
// Its parsing is its own: nothing here is shared with clients/ or harness/rules/.

#include "fakeservers/pop3/pop3_model.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <span>

#include <fmt/format.h>

#include "fakeservers/engine/script.hpp"
#include "fakeservers/model/command_table.hpp"
#include "vocabulary/base64.hpp"

namespace ph::fakeservers::pop3 {

namespace {

std::string lower_hex(const unsigned char* bytes, unsigned n) {
  std::string out;
  for (unsigned i = 0; i < n; ++i)
    out += fmt::format("{:02x}", bytes[i]);
  return out;
}

// RFC 1939 §7: the APOP digest is MD5(timestamp + secret), as 32 lower-case hex digits.
std::string md5_hex(std::string_view text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned n = 0;
  if (EVP_Digest(text.data(), text.size(), digest, &n, EVP_md5(), nullptr) != 1) return {};
  return lower_hex(digest, n);
}

// The <...> timestamp of the greeting actually sent (RFC 1939 §7), or "".
std::string greeting_timestamp(const std::string& greeting) {
  auto open = greeting.find('<');
  auto close = open == std::string::npos ? open : greeting.find('>', open);
  if (close == std::string::npos) return {};
  return greeting.substr(open, close - open + 1);
}

// Splits a command's arguments on single spaces, as RFC 1939 §3 defines them.
std::vector<std::string> split_args(const std::string& rest) {
  std::vector<std::string> out;
  std::size_t at = 0;
  while (at <= rest.size() && !rest.empty()) {
    auto sp = rest.find(' ', at);
    out.push_back(rest.substr(at, sp == std::string::npos ? std::string::npos : sp - at));
    if (sp == std::string::npos) break;
    at = sp + 1;
  }
  return out;
}

std::optional<std::size_t> parse_number(const std::string& arg) {
  if (arg.empty() || arg.size() > 9 ||
      !std::all_of(arg.begin(), arg.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  return static_cast<std::size_t>(std::stoul(arg));
}

enum state : unsigned { authorization, transaction, update };

class model_session final : public line_model {
 public:
  model_session(session& s, const model_config& cfg, const override_state& overrides)
      : s_(s), cfg_(cfg), overrides_(overrides) {}

  awaitable<bool> greet() override {
    co_await s_.send_line(cfg_.greeting);
    if (!cfg_.greeting.starts_with("+OK")) {
      // A refusing greeting: the server is not available; it closes (RFC 1939 §4).
      co_await s_.close();
      co_return false;
    }
    timestamp_ = greeting_timestamp(cfg_.greeting);
    co_return true;
  }

  awaitable<bool> answer(const std::string& raw) override {
    // Pipelined commands (RFC 2449 §6.6): replies to a run of buffered commands are
    // held and sent in one write once no further whole command is buffered.
    hold_ = batchable(raw);
    if (!hold_) co_await flush();
    bool more = co_await handle(raw);
    if (hold_ && !s_.line_buffered()) co_await flush();
    hold_ = false;
    co_return more;
  }

  awaitable<void> at_eof() override {
    co_await flush();
    if (state_ == transaction) {
      // RFC 1939 §6: without QUIT the session never enters UPDATE; nothing is removed.
      auto marked = marked_list();
      s_.note(marked.empty()
                  ? "client left without QUIT in TRANSACTION state: no UPDATE state"
                  : fmt::format("client left without QUIT: no UPDATE state, message(s) {} "
                                "marked but NOT deleted",
                                marked));
    }
  }

  awaitable<void> reply(std::string line) {
    if (!hold_) co_return co_await s_.send_line(line);
    held_.append(line).append("\r\n");
  }

  // An unknown command, or one its state does not allow.
  awaitable<void> refuse(const command&, const command_row<model_session>* row) {
    if (row == nullptr)
      co_await reply("-ERR unknown command");
    else if (state_ == authorization)
      co_await reply("-ERR not in TRANSACTION state: log in first");
    else
      co_await reply("-ERR already in TRANSACTION state");
  }

 private:
  static std::span<const command_row<model_session>> commands();

  // Replies worth holding: TRANSACTION commands that neither read, note, nor change the
  // connection, with no fault or override that acts per reply.
  bool batchable(const std::string& line) const {
    if (state_ != state::transaction || !overrides_.empty()) return false;
    const write_faults& f = s_.faults();
    if (f.bare_lf || f.drip_bytes != 0 || f.delay.count() != 0) return false;
    auto sp = line.find(' ');
    std::string verb = upper(strip_eol(line.substr(0, sp)));
    return verb == "RETR" || verb == "TOP" || verb == "LIST" || verb == "UIDL" || verb == "STAT" ||
           verb == "NOOP" || verb == "DELE";
  }

  awaitable<void> flush() {
    if (held_.empty()) co_return;
    std::string all = std::move(held_);
    held_.clear();
    co_await s_.send_raw(all);
  }

  // A status line followed by a multi-line body: byte-stuffed, ".\r\n" terminated,
  // written at once (RFC 1939 §3). The bare_lf fault applies to the whole response.
  awaitable<void> multi(std::string_view status, std::string_view body) {
    co_await send_multi(multi_reply(status, body));
  }

  static std::string multi_reply(std::string_view status, std::string_view body) {
    std::string block = dot_block(body);
    std::string all;
    all.reserve(status.size() + 2 + block.size());
    all.append(status).append("\r\n").append(block);
    return all;
  }

  // A whole multi-line response as multi_reply builds it: one write.
  awaitable<void> send_multi(std::string_view all) {
    if (hold_) {
      held_.append(all);
      co_return;
    }
    if (!s_.faults().bare_lf) co_return co_await s_.send_raw(all);
    // The bare_lf fault applies to the whole response.
    std::string lf;
    lf.reserve(all.size());
    for (std::size_t i = 0; i < all.size(); ++i)
      if (!(all[i] == '\r' && i + 1 < all.size() && all[i + 1] == '\n')) lf += all[i];
    co_await s_.send_raw(lf);
  }

  bool has_capability(const std::string& name) const {
    for (const auto& c : cfg_.capabilities)
      if (upper(c.substr(0, c.find(' '))) == name) return true;
    return false;
  }

  bool offers_mechanism(const std::string& mech) const {
    if (!cfg_.capa && (mech == "PLAIN" || mech == "LOGIN")) return true;
    for (const auto& c : cfg_.capabilities) {
      std::string u = upper(c);
      if (u.starts_with("SASL ") &&
          (" " + u.substr(5) + " ").find(" " + mech + " ") != std::string::npos)
        return true;
    }
    return false;
  }

  // RFC 2449 §3: response codes only once RESP-CODES is advertised (RFC 3206 for AUTH).
  std::string code(const std::string& c) const {
    bool ok = has_capability("RESP-CODES") || (c == "AUTH" && has_capability("AUTH-RESP-CODE"));
    return ok ? "[" + c + "] " : "";
  }

  awaitable<bool> handle(const std::string& raw) {
    std::string text = strip_eol(raw);
    if (raw.size() > 255) {
      // RFC 2449 §4: a command line is at most 255 octets with its CRLF.
      co_await reply("-ERR command line too long");
      co_return true;
    }
    auto sp = text.find(' ');
    command cmd;
    cmd.line = text;
    cmd.verb = upper(text.substr(0, sp));
    cmd.rest = sp == std::string::npos ? "" : text.substr(sp + 1);
    cmd.args = split_args(cmd.rest);
    // USER's name holds until the next command but CAPA (PASS uses it).
    if (state_ == authorization && cmd.verb != "CAPA" && cmd.verb != "QUIT" && cmd.verb != "PASS")
      pending_user_.reset();
    bool more = co_await dispatch<model_session>(*this, commands(), cmd, state_);
    co_return more;
  }

  awaitable<void> capa(const command&) {
    if (!cfg_.capa) {
      co_await reply("-ERR unknown command");
      co_return;
    }
    std::string body;
    for (const auto& c : cfg_.capabilities) {
      std::string u = upper(c);
      if (state_ == transaction && (u == "STLS" || u == "USER" || u.starts_with("SASL")))
        continue;  // RFC 2449 §6: only offered where they can be used
      if (s_.tls_active() && u == "STLS") continue;
      body += c + "\r\n";
    }
    co_await multi("+OK capability list follows", body);
  }

  awaitable<void> stat(const command&) {
    co_await reply(fmt::format("+OK {} {}", live_count(), live_size()));
  }

  awaitable<void> dele(const command& cmd) {
    auto n = co_await message_arg(cmd.args[0]);
    if (!n) co_return;
    deleted_[*n - 1] = true;
    co_await reply(fmt::format("+OK message {} deleted", *n));
  }

  awaitable<void> rset(const command&) {
    std::fill(deleted_.begin(), deleted_.end(), false);
    co_await reply(
        fmt::format("+OK maildrop has {} messages ({} octets)", live_count(), live_size()));
  }

  awaitable<void> noop(const command&) { co_await reply("+OK"); }

  std::size_t live_count() const {
    return static_cast<std::size_t>(std::count(deleted_.begin(), deleted_.end(), false));
  }
  std::size_t live_size() const {
    std::size_t total = 0;
    for (std::size_t i = 0; i < messages_.size(); ++i)
      if (!deleted_[i]) total += messages_[i].content.size();
    return total;
  }
  std::string marked_list() const {
    std::vector<std::size_t> marked;
    for (std::size_t i = 0; i < deleted_.size(); ++i)
      if (deleted_[i]) marked.push_back(i + 1);
    return fmt::format("{}", fmt::join(marked, ", "));
  }

  // RFC 1939 §5: a message-number must exist and not be marked as deleted.
  awaitable<std::optional<std::size_t>> message_arg(const std::string& arg) {
    auto n = parse_number(arg);
    if (!n) {
      co_await reply("-ERR invalid message number");
      co_return std::nullopt;
    }
    if (*n == 0 || *n > messages_.size()) {
      co_await reply("-ERR no such message");
      co_return std::nullopt;
    }
    if (deleted_[*n - 1]) {
      co_await reply(fmt::format("-ERR message {} already deleted", *n));
      co_return std::nullopt;
    }
    co_return n;
  }

  awaitable<void> list(const command& cmd) {
    const auto& args = cmd.args;
    if (args.size() == 1) {
      auto n = co_await message_arg(args[0]);
      if (n) co_await reply(fmt::format("+OK {} {}", *n, messages_[*n - 1].content.size()));
      co_return;
    }
    std::string body;
    for (std::size_t i = 0; i < messages_.size(); ++i)
      if (!deleted_[i]) body += fmt::format("{} {}\r\n", i + 1, messages_[i].content.size());
    co_await multi(fmt::format("+OK {} messages ({} octets)", live_count(), live_size()), body);
  }

  awaitable<void> uidl(const command& cmd) {
    const auto& args = cmd.args;
    if (!has_capability("UIDL") && cfg_.capa) co_return co_await reply("-ERR unknown command");
    if (args.size() > 1) co_return co_await reply("-ERR syntax: UIDL [msg]");
    if (args.size() == 1) {
      auto n = co_await message_arg(args[0]);
      if (n) co_await reply(fmt::format("+OK {} {}", *n, messages_[*n - 1].uid));
      co_return;
    }
    std::string body;
    for (std::size_t i = 0; i < messages_.size(); ++i)
      if (!deleted_[i]) body += fmt::format("{} {}\r\n", i + 1, messages_[i].uid);
    co_await multi("+OK unique-id listing follows", body);
  }

  awaitable<void> retr(const command& cmd) {
    auto n = co_await message_arg(cmd.args[0]);
    if (!n) co_return;
    message& m = messages_[*n - 1];
    if (m.retr_reply.empty())
      m.retr_reply = multi_reply(fmt::format("+OK {} octets", m.content.size()), m.content);
    co_await send_multi(m.retr_reply);
  }

  awaitable<void> top(const command& cmd) {
    const auto& args = cmd.args;
    if (!has_capability("TOP") && cfg_.capa) co_return co_await reply("-ERR unknown command");
    if (args.size() != 2) co_return co_await reply("-ERR syntax: TOP msg n");
    auto lines = parse_number(args[1]);
    if (!lines) co_return co_await reply("-ERR invalid line count");
    auto n = co_await message_arg(args[0]);
    if (!n) co_return;
    // RFC 1939 §7: the header, the blank line, then up to n lines of the body.
    const std::string& content = messages_[*n - 1].content;
    auto blank = content.find("\r\n\r\n");
    std::size_t end = content.size();
    if (blank != std::string::npos) {
      end = blank + 4;
      for (std::size_t i = 0; i < *lines && end < content.size(); ++i) {
        auto eol = content.find("\r\n", end);
        end = eol == std::string::npos ? content.size() : eol + 2;
      }
    }
    co_await multi("+OK top of message follows", std::string_view(content).substr(0, end));
  }

  awaitable<void> user(const command& cmd) {
    const auto& args = cmd.args;
    if (cfg_.capa && !has_capability("USER"))
      co_return co_await reply("-ERR USER/PASS not available; use APOP or AUTH");
    if (args.size() != 1 || args[0].empty()) co_return co_await reply("-ERR syntax: USER name");
    // Any name is accepted here so the reply does not reveal which mailboxes exist.
    pending_user_ = args[0];
    co_await reply("+OK send PASS");
  }

  awaitable<void> pass(const command& cmd) {
    const auto& rest = cmd.rest;
    if (!pending_user_) co_return co_await reply("-ERR send USER first");
    std::string name = *pending_user_;
    pending_user_.reset();
    // RFC 1939 §7: PASS has one argument, spaces included.
    co_await login(name, [&](const mailbox& box) { return box.password == rest; });
  }

  awaitable<void> apop(const command& cmd) {
    const auto& args = cmd.args;
    if (timestamp_.empty()) co_return co_await reply("-ERR APOP not available");
    if (args.size() != 2) co_return co_await reply("-ERR syntax: APOP name digest");
    std::string digest = args[1];
    co_await login(
        args[0], [&](const mailbox& box) { return digest == md5_hex(timestamp_ + box.password); });
  }

  awaitable<std::optional<std::string>> continuation(const std::string& challenge) {
    // RFC 5034 §4: "+" SP base64 challenge; the client's answer is one line.
    co_await reply("+ " + challenge);
    auto line = co_await s_.read_line();
    if (!line) co_return std::nullopt;
    co_return strip_eol(*line);
  }

  awaitable<void> auth(const command& cmd) {
    const auto& args = cmd.args;
    if (args.empty() || args.size() > 2 || args[0].empty())
      co_return co_await reply("-ERR syntax: AUTH mechanism [initial-response]");
    std::string mech = upper(args[0]);
    if (!offers_mechanism(mech)) co_return co_await reply("-ERR unsupported SASL mechanism");
    std::optional<std::string> ir;
    if (args.size() == 2) ir = args[1] == "=" ? "" : args[1];  // RFC 5034 §4: "=" is empty
    std::string name, password;
    auto decode_or_fail = [](const std::string& b64) { return ph::base64_decode(b64); };
    if (mech == "PLAIN") {
      if (!ir) ir = co_await continuation("");
      if (!ir) co_return;
      if (*ir == "*") co_return co_await reply("-ERR authentication cancelled");
      auto decoded = decode_or_fail(*ir);
      if (!decoded) co_return co_await reply("-ERR invalid base64");
      auto first = decoded->find('\0');
      auto second = first == std::string::npos ? first : decoded->find('\0', first + 1);
      if (second == std::string::npos) co_return co_await reply("-ERR malformed PLAIN response");
      std::string authzid = decoded->substr(0, first);
      name = decoded->substr(first + 1, second - first - 1);
      password = decoded->substr(second + 1);
      if (!authzid.empty() && authzid != name)
        co_return co_await reply("-ERR " + code("AUTH") + "not authorized to act as " + authzid);
    } else if (mech == "LOGIN") {
      auto u = ir;
      if (!u) u = co_await continuation("VXNlcm5hbWU6");
      if (!u) co_return;
      if (*u == "*") co_return co_await reply("-ERR authentication cancelled");
      auto p = co_await continuation("UGFzc3dvcmQ6");
      if (!p) co_return;
      if (*p == "*") co_return co_await reply("-ERR authentication cancelled");
      auto du = decode_or_fail(*u), dp = decode_or_fail(*p);
      if (!du || !dp) co_return co_await reply("-ERR invalid base64");
      name = *du;
      password = *dp;
    } else {
      co_return co_await reply("-ERR unsupported SASL mechanism");
    }
    co_await login(name, [&](const mailbox& box) { return box.password == password; });
  }

  template <class Check>
  awaitable<void> login(const std::string& name, Check check) {
    auto it = cfg_.users.find(name);
    if (it == cfg_.users.end() || !check(it->second)) {
      s_.note(fmt::format("model refused the credentials for '{}'", name));
      co_return co_await reply("-ERR " + code("AUTH") + "invalid user name or password");
    }
    if (it->second.in_use)
      co_return co_await reply("-ERR " + code("IN-USE") + "maildrop already locked");
    user_ = name;
    messages_ = it->second.messages;
    deleted_.assign(messages_.size(), false);
    state_ = transaction;
    co_await reply(fmt::format("+OK {}'s maildrop has {} messages ({} octets)", name, live_count(),
                               live_size()));
  }

  awaitable<void> stls(const command&) {
    if (!has_capability("STLS") || s_.tls_active()) {
      co_await reply("-ERR STLS not available");
      co_return;
    }
    co_await reply("+OK begin TLS negotiation");
    co_await s_.start_tls();
    // RFC 2595 §4: the client must discard what it knew; CAPA now omits STLS.
  }

  awaitable<void> quit(const command&) {
    if (state_ == transaction) {
      // RFC 1939 §6: QUIT from TRANSACTION enters UPDATE: marked messages are removed.
      state_ = update;
      auto marked = marked_list();
      std::size_t left = live_count();
      if (!marked.empty())
        s_.note(fmt::format("model deleted message(s) {} from {}'s maildrop (UPDATE state)", marked,
                            user_));
      co_await reply(
          fmt::format("+OK {} POP3 server signing off ({} messages left)", cfg_.hostname, left));
    } else {
      co_await reply(fmt::format("+OK {} POP3 server signing off", cfg_.hostname));
    }
    co_await s_.close();
  }

  session& s_;
  const model_config& cfg_;
  const override_state& overrides_;
  unsigned state_ = authorization;
  std::string timestamp_;
  std::optional<std::string> pending_user_;
  std::string user_;
  std::vector<message> messages_;
  std::vector<bool> deleted_;
  bool hold_ = false;  // replies go to held_ (see run)
  std::string held_;
};

constexpr unsigned in_authorization = 1u << authorization, in_transaction = 1u << transaction;

// clang-format off
std::span<const command_row<model_session>> model_session::commands() {
  static const command_row<model_session> table[] = {
    {"CAPA", any_state,        &model_session::capa},
    {"QUIT", any_state,        &model_session::quit, {}, true},
    {"USER", in_authorization, &model_session::user},
    {"PASS", in_authorization, &model_session::pass},
    {"APOP", in_authorization, &model_session::apop},
    {"AUTH", in_authorization, &model_session::auth},
    {"STLS", in_authorization, &model_session::stls, {0, 0, "-ERR syntax: STLS"}},
    {"STAT", in_transaction,   &model_session::stat, {0, 0, "-ERR syntax: STAT"}},
    {"LIST", in_transaction,   &model_session::list, {0, 1, "-ERR syntax: LIST [msg]"}},
    {"RETR", in_transaction,   &model_session::retr, {1, 1, "-ERR syntax: RETR msg"}},
    {"TOP",  in_transaction,   &model_session::top},
    {"UIDL", in_transaction,   &model_session::uidl},
    {"DELE", in_transaction,   &model_session::dele, {1, 1, "-ERR syntax: DELE msg"}},
    {"RSET", in_transaction,   &model_session::rset, {0, 0, "-ERR syntax: RSET"}},
    {"NOOP", in_transaction,   &model_session::noop, {0, 0, "-ERR syntax: NOOP"}},
  };
  return table;
}
// clang-format on

}  // namespace

std::shared_ptr<const model_server> compile_model(const ph::scenario& scen) {
  return std::make_shared<const line_model_server<model_config, model_session>>(parse_model(scen));
}

}  // namespace ph::fakeservers::pop3
