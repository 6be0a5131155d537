// The POP3 server side: a well-behaved model server over declared mailboxes.
// RFC 1939 (states, commands, multi-line responses), RFC 2449 (CAPA, response codes),
// RFC 2595 §4 (STLS), RFC 5034 (AUTH), RFC 3206 (AUTH/SYS response codes).
// Its parsing is its own: nothing here is shared with clients/ or harness/rules/.

#include "fakeservers/pop3/pop3_dialect.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include <fmt/format.h>

#include "fakeservers/engine/script.hpp"
#include "harness/model/base64.hpp"

namespace ph::fakeservers::pop3 {

namespace {

std::string upper(std::string s) {
  for (auto& c : s)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

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

struct message {
  std::string content;  // CRLF line ends, ends with CRLF (or empty); unstuffed
  std::string uid;
  // The whole RETR response (status line, stuffed content, ".\r\n"), made on first RETR:
  // messages never change while a session runs (DELE only marks), so it is built once.
  std::string retr_reply;
};

struct mailbox {
  std::string password;
  std::vector<message> messages;
  bool in_use = false;
};

struct model_config {
  std::string hostname = "fake.test";
  std::string greeting;                                  // the whole first line
  std::string timestamp = "<1896.697170952@fake.test>";  // RFC 1939 §7; "" disables APOP
  std::vector<std::string> capabilities = {"TOP",
                                           "UIDL",
                                           "USER",
                                           "SASL PLAIN",
                                           "STLS",
                                           "RESP-CODES",
                                           "AUTH-RESP-CODE",
                                           "PIPELINING",
                                           "IMPLEMENTATION protoharness"};
  bool capa = true;
  std::map<std::string, mailbox> users;
};

// Lines of LF become CRLF; a message always ends with CRLF so its octet count is exact
// (RFC 1939 §11: sizes count CRLF line ends).
std::string normalise(std::string_view body) {
  std::string out;
  out.reserve(body.size() + body.size() / 32 + 2);
  for (std::size_t i = 0; i < body.size(); ++i) {
    if (body[i] == '\n' && (i == 0 || body[i - 1] != '\r')) out += '\r';
    out += body[i];
  }
  if (!out.empty() && !out.ends_with("\r\n")) out += "\r\n";
  return out;
}

// A message of exactly n octets (n == 0 or n >= 2): a Subject header, then lines of at
// most 78 octets with CRLF; no line starts with '.'.
std::string generate(std::size_t n, std::size_t index) {
  static constexpr std::string_view fill = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::string out;
  out.reserve(n);
  std::string head = fmt::format("Subject: generated message {} of {} octets\r\n\r\n", index, n);
  if (head.size() + 2 <= n) out = head;
  std::size_t line = 0;
  while (out.size() < n) {
    std::size_t r = n - out.size();
    std::size_t len = r <= 78 ? r : (r == 79 ? 77 : 78);  // never leave a single octet
    for (std::size_t i = 0; i + 2 < len; ++i)
      out += fill[(i + line) % fill.size()];
    out += "\r\n";
    ++line;
  }
  return out;
}

model_config default_model() {
  model_config m;
  mailbox box;
  box.password = "test";
  box.messages = {
      {"From: alice@fake.test\r\nTo: test@fake.test\r\nSubject: hello\r\n"
       "Message-ID: <1@fake.test>\r\n\r\nHello, world.\r\n",
       "PH0001"},
      {"From: bob@fake.test\r\nTo: test@fake.test\r\nSubject: dots\r\n"
       "Message-ID: <2@fake.test>\r\n\r\n.a line that starts with a dot\r\n..two dots\r\n.\r\n"
       "last line\r\n",
       "PH0002"},
      {"", "PH0003"},
      {generate(4096, 4), "PH0004"},
  };
  std::string& third = box.messages[2].content;
  third =
      "From: carol@fake.test\r\nTo: test@fake.test\r\nSubject: twelve lines\r\n"
      "Message-ID: <3@fake.test>\r\n\r\n";
  for (int i = 1; i <= 12; ++i)
    third += fmt::format("body line {}\r\n", i);
  m.users["test"] = std::move(box);
  return m;
}

bool valid_uid(const std::string& uid) {
  // RFC 1939 §7: 1 to 70 characters in the range 0x21 to 0x7E.
  return !uid.empty() && uid.size() <= 70 &&
         std::all_of(uid.begin(), uid.end(), [](char c) { return c >= 0x21 && c <= 0x7e; });
}

std::vector<message> parse_messages(const harness::scenario& scen, const json& v,
                                    const std::string& at) {
  if (!v.is_array())
    scen.fail(at, "messages must be an array of \"body\" or { body = \"...\" | size = N, uid }");
  std::vector<message> out;
  std::set<std::string> uids;
  for (std::size_t i = 0; i < v.size(); ++i) {
    std::string mat = at + "/" + std::to_string(i);
    const json& m = v[i];
    message msg;
    msg.uid = fmt::format("PH{:04}", i + 1);
    if (m.is_string()) {
      msg.content = normalise(m.get<std::string>());
    } else if (m.is_object()) {
      for (const auto& [key, x] : m.items()) {
        std::string kat = mat + "/" + key;
        if (key == "body") {
          if (!x.is_string()) scen.fail(kat, "body must be a string");
          msg.content = normalise(x.get<std::string>());
        } else if (key == "size") {
          if (!x.is_number_integer() || x.get<std::int64_t>() < 0 || x.get<std::int64_t>() == 1)
            scen.fail(kat, "size must be 0 or at least 2 (a message ends with CRLF)");
          msg.content = generate(x.get<std::size_t>(), i + 1);
        } else if (key == "uid") {
          if (!x.is_string() || !valid_uid(x.get<std::string>()))
            scen.fail(kat,
                      "uid must be 1-70 printable characters, no spaces (RFC 1939 §7); use an "
                      "override to send a broken one");
          msg.uid = x.get<std::string>();
        } else {
          scen.fail(kat, fmt::format("unknown message key '{}' (body, size, uid)", key));
        }
      }
      if (m.contains("body") && m.contains("size")) scen.fail(mat, "use body or size, not both");
    } else {
      scen.fail(mat, "a message is a string or a table { body | size, uid }");
    }
    if (!uids.insert(msg.uid).second)
      scen.fail(mat, fmt::format("uid '{}' is not unique in the mailbox", msg.uid));
    out.push_back(std::move(msg));
  }
  return out;
}

model_config parse_model(const harness::scenario& scen) {
  model_config m = default_model();
  const json model = scen.server.value("model", json::object());
  if (!model.is_object()) scen.fail("/server/model", "[server.model] must be a table");
  std::optional<json> in_use;
  for (const auto& [key, v] : model.items()) {
    std::string at = "/server/model/" + key;
    if (key == "hostname" || key == "greeting" || key == "timestamp") {
      if (!v.is_string()) scen.fail(at, key + " must be a string");
      (key == "hostname" ? m.hostname : key == "greeting" ? m.greeting : m.timestamp) = v;
      if (key == "timestamp" && !m.timestamp.empty() &&
          (!m.timestamp.starts_with('<') || !m.timestamp.ends_with('>')))
        scen.fail(at, "timestamp must look like <process-ID.clock@hostname> (RFC 1939 §7)");
    } else if (key == "capabilities") {
      if (!v.is_array()) scen.fail(at, "capabilities must be an array of strings");
      m.capabilities.clear();
      for (std::size_t i = 0; i < v.size(); ++i) {
        if (!v[i].is_string()) scen.fail(at + "/" + std::to_string(i), "expected a string");
        m.capabilities.push_back(v[i]);
      }
    } else if (key == "capa") {
      if (!v.is_boolean()) scen.fail(at, "capa must be true or false");
      m.capa = v;
    } else if (key == "login_delay") {
      if (!v.is_number_integer() || v.get<std::int64_t>() < 0)
        scen.fail(at, "login_delay must be a number of seconds");
      // RFC 2449 §6.8: advertised only (appended below); the model does not enforce it.
    } else if (key == "in_use") {
      if (!v.is_boolean() && !v.is_array())
        scen.fail(at, "in_use must be true/false or an array of user names");
      in_use = v;
    } else if (key == "users") {
      if (!v.is_object()) scen.fail(at, "users must be a table of name = { password, messages }");
      m.users.clear();
      for (const auto& [name, u] : v.items()) {
        std::string uat = at + "/" + name;
        if (!u.is_object()) scen.fail(uat, "a user is a table { password, messages, in_use }");
        mailbox box;
        for (const auto& [ukey, x] : u.items()) {
          if (ukey == "password") {
            if (!x.is_string()) scen.fail(uat + "/password", "password must be a string");
            box.password = x;
          } else if (ukey == "messages") {
            box.messages = parse_messages(scen, x, uat + "/messages");
          } else if (ukey == "in_use") {
            if (!x.is_boolean()) scen.fail(uat + "/in_use", "in_use must be true or false");
            box.in_use = x;
          } else {
            scen.fail(uat + "/" + ukey,
                      fmt::format("unknown user key '{}' (password, messages, in_use)", ukey));
          }
        }
        m.users[name] = std::move(box);
      }
    } else {
      scen.fail(at, fmt::format("unknown POP3 model key '{}' (hostname, greeting, timestamp, "
                                "capabilities, capa, users, in_use, login_delay)",
                                key));
    }
  }
  if (model.contains("login_delay"))
    m.capabilities.push_back(
        fmt::format("LOGIN-DELAY {}", model["login_delay"].get<std::int64_t>()));
  if (in_use) {
    if (in_use->is_boolean()) {
      for (auto& [_, box] : m.users)
        box.in_use = box.in_use || in_use->get<bool>();
    } else {
      for (std::size_t i = 0; i < in_use->size(); ++i) {
        const json& name = (*in_use)[i];
        if (!name.is_string() || !m.users.contains(name.get<std::string>()))
          scen.fail("/server/model/in_use/" + std::to_string(i), "not a declared user");
        m.users[name.get<std::string>()].in_use = true;
      }
    }
  }
  if (m.greeting.empty())
    m.greeting = "+OK protoharness POP3 server ready" +
                 (m.timestamp.empty() ? std::string() : " " + m.timestamp);
  return m;
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

enum class state { authorization, transaction, update };

class model_session {
 public:
  model_session(session& s, model_config cfg)
      : s_(s), cfg_(std::move(cfg)), overrides_(parse_overrides(s.scen())) {}

  awaitable<void> run() {
    co_await s_.send_line(cfg_.greeting);
    if (!cfg_.greeting.starts_with("+OK")) {
      // A refusing greeting: the server is not available; it closes (RFC 1939 §4).
      co_await s_.close();
      co_return;
    }
    timestamp_ = greeting_timestamp(cfg_.greeting);
    while (true) {
      auto line = co_await s_.read_line();
      if (!line) break;
      s_.count_command();
      write_faults saved = s_.faults();
      bool answered = co_await apply_overrides(s_, overrides_, *line);
      bool more = true;
      if (!answered) {
        // Pipelined commands (RFC 2449 §6.6): replies to a run of buffered commands are
        // held and sent in one write once no further whole command is buffered.
        hold_ = batchable(*line);
        if (!hold_) co_await flush();
        more = co_await handle(*line);
        if (hold_ && !s_.line_buffered()) co_await flush();
        hold_ = false;
      }
      s_.faults() = saved;
      if (!more) co_return;
    }
    co_await flush();
    if (state_ == state::transaction) {
      // RFC 1939 §6: without QUIT the session never enters UPDATE; nothing is removed.
      auto marked = marked_list();
      s_.note(marked.empty()
                  ? "client left without QUIT in TRANSACTION state: no UPDATE state"
                  : fmt::format("client left without QUIT: no UPDATE state, message(s) {} "
                                "marked but NOT deleted",
                                marked));
    }
  }

 private:
  awaitable<void> reply(std::string line) {
    if (!hold_) co_return co_await s_.send_line(line);
    held_.append(line).append("\r\n");
  }

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
    std::string verb = upper(text.substr(0, sp));
    std::string rest = sp == std::string::npos ? "" : text.substr(sp + 1);
    auto args = split_args(rest);

    if (verb == "CAPA") {
      if (!cfg_.capa) {
        co_await reply("-ERR unknown command");
      } else {
        std::string body;
        for (const auto& c : cfg_.capabilities) {
          std::string u = upper(c);
          if (state_ == state::transaction && (u == "STLS" || u == "USER" || u.starts_with("SASL")))
            continue;  // RFC 2449 §6: only offered where they can be used
          if (s_.tls_active() && u == "STLS") continue;
          body += c + "\r\n";
        }
        co_await multi("+OK capability list follows", body);
      }
      co_return true;
    }
    if (verb == "QUIT") {
      co_await quit();
      co_return false;
    }
    if (state_ == state::authorization) {
      if (verb == "USER") {
        co_await user(args);
      } else if (verb == "PASS") {
        co_await pass(rest);
      } else if (verb == "APOP") {
        co_await apop(args);
      } else if (verb == "AUTH") {
        co_await auth(args);
      } else if (verb == "STLS") {
        co_await stls(args);
      } else if (is_transaction_verb(verb)) {
        pending_user_.reset();
        co_await reply("-ERR not in TRANSACTION state: log in first");
      } else {
        pending_user_.reset();
        co_await reply("-ERR unknown command");
      }
      co_return true;
    }
    // TRANSACTION
    if (verb == "STAT") {
      if (!args.empty()) co_return co_await syntax("STAT");
      co_await reply(fmt::format("+OK {} {}", live_count(), live_size()));
    } else if (verb == "LIST") {
      co_await list(args);
    } else if (verb == "RETR") {
      co_await retr(args);
    } else if (verb == "TOP") {
      co_await top(args);
    } else if (verb == "UIDL") {
      co_await uidl(args);
    } else if (verb == "DELE") {
      if (args.size() != 1) co_return co_await syntax("DELE msg");
      auto n = co_await message_arg(args[0]);
      if (!n) co_return true;
      deleted_[*n - 1] = true;
      co_await reply(fmt::format("+OK message {} deleted", *n));
    } else if (verb == "RSET") {
      if (!args.empty()) co_return co_await syntax("RSET");
      std::fill(deleted_.begin(), deleted_.end(), false);
      co_await reply(
          fmt::format("+OK maildrop has {} messages ({} octets)", live_count(), live_size()));
    } else if (verb == "NOOP") {
      if (!args.empty()) co_return co_await syntax("NOOP");
      co_await reply("+OK");
    } else if (verb == "USER" || verb == "PASS" || verb == "APOP" || verb == "AUTH" ||
               verb == "STLS") {
      co_await reply("-ERR already in TRANSACTION state");
    } else {
      co_await reply("-ERR unknown command");
    }
    co_return true;
  }

  static bool is_transaction_verb(const std::string& v) {
    static const std::set<std::string> verbs = {"STAT", "LIST", "RETR", "TOP",
                                                "UIDL", "DELE", "RSET", "NOOP"};
    return verbs.contains(v);
  }

  awaitable<bool> syntax(std::string usage) {
    co_await reply("-ERR syntax: " + usage);
    co_return true;
  }

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

  awaitable<void> list(const std::vector<std::string>& args) {
    if (args.size() > 1) co_return co_await reply("-ERR syntax: LIST [msg]");
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

  awaitable<void> uidl(const std::vector<std::string>& args) {
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

  awaitable<void> retr(const std::vector<std::string>& args) {
    if (args.size() != 1) co_return co_await reply("-ERR syntax: RETR msg");
    auto n = co_await message_arg(args[0]);
    if (!n) co_return;
    message& m = messages_[*n - 1];
    if (m.retr_reply.empty())
      m.retr_reply = multi_reply(fmt::format("+OK {} octets", m.content.size()), m.content);
    co_await send_multi(m.retr_reply);
  }

  awaitable<void> top(const std::vector<std::string>& args) {
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

  awaitable<void> user(const std::vector<std::string>& args) {
    pending_user_.reset();
    if (cfg_.capa && !has_capability("USER"))
      co_return co_await reply("-ERR USER/PASS not available; use APOP or AUTH");
    if (args.size() != 1 || args[0].empty()) co_return co_await reply("-ERR syntax: USER name");
    // Any name is accepted here so the reply does not reveal which mailboxes exist.
    pending_user_ = args[0];
    co_await reply("+OK send PASS");
  }

  awaitable<void> pass(const std::string& rest) {
    if (!pending_user_) co_return co_await reply("-ERR send USER first");
    std::string name = *pending_user_;
    pending_user_.reset();
    // RFC 1939 §7: PASS has one argument, spaces included.
    co_await login(name, [&](const mailbox& box) { return box.password == rest; });
  }

  awaitable<void> apop(const std::vector<std::string>& args) {
    pending_user_.reset();
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

  awaitable<void> auth(const std::vector<std::string>& args) {
    pending_user_.reset();
    if (args.empty() || args.size() > 2 || args[0].empty())
      co_return co_await reply("-ERR syntax: AUTH mechanism [initial-response]");
    std::string mech = upper(args[0]);
    if (!offers_mechanism(mech)) co_return co_await reply("-ERR unsupported SASL mechanism");
    std::optional<std::string> ir;
    if (args.size() == 2) ir = args[1] == "=" ? "" : args[1];  // RFC 5034 §4: "=" is empty
    std::string name, password;
    auto decode_or_fail = [](const std::string& b64) { return harness::base64_decode(b64); };
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
    state_ = state::transaction;
    co_await reply(fmt::format("+OK {}'s maildrop has {} messages ({} octets)", name, live_count(),
                               live_size()));
  }

  awaitable<void> stls(const std::vector<std::string>& args) {
    pending_user_.reset();
    if (!args.empty()) co_return co_await reply("-ERR syntax: STLS");
    if (!has_capability("STLS") || s_.tls_active())
      co_return co_await reply("-ERR STLS not available");
    co_await reply("+OK begin TLS negotiation");
    co_await s_.start_tls();
    // RFC 2595 §4: the client must discard what it knew; CAPA now omits STLS.
  }

  awaitable<void> quit() {
    if (state_ == state::transaction) {
      // RFC 1939 §6: QUIT from TRANSACTION enters UPDATE: marked messages are removed.
      state_ = state::update;
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
  model_config cfg_;
  std::vector<override_rule> overrides_;
  state state_ = state::authorization;
  std::string timestamp_;
  std::optional<std::string> pending_user_;
  std::string user_;
  std::vector<message> messages_;
  std::vector<bool> deleted_;
  bool hold_ = false;  // replies go to held_ (see run)
  std::string held_;
};

}  // namespace

void pop3_dialect::validate(const harness::scenario& scen) const {
  if (scen.server["mode"] == "model")
    parse_model(scen);
  else if (scen.server.contains("model"))
    scen.fail("/server/model", "[server.model] needs mode = \"model\"");
}

awaitable<void> pop3_dialect::serve_model(session& s) const {
  model_session m(s, parse_model(s.scen()));
  co_await m.run();
}

std::vector<std::string> pop3_dialect::block_kinds() const {
  return {};
}

awaitable<std::optional<std::string>> pop3_dialect::read_block(session&, std::string_view) const {
  co_return std::nullopt;
}

std::string pop3_dialect::mismatch_reply() const {
  return "-ERR protoharness: not what the script expected";
}

line_limit pop3_dialect::command_line_limit() const {
  // RFC 2449 §4: commands up to 255 octets (RFC 1939 said 40 for arguments); -ERR otherwise.
  return {64 * 1024, "-ERR line too long", false};
}

}  // namespace ph::fakeservers::pop3
