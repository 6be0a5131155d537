#include "fakeservers/pop3/pop3_config.hpp"

#include <algorithm>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "fakeservers/model/model_config.hpp"

namespace ph::fakeservers::pop3 {

namespace {

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

std::vector<message> parse_messages(const ph::scenario& scen, const json& v,
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

}  // namespace

model_config parse_model(const ph::scenario& scen) {
  model_config m = default_model();
  const json model = model_table(scen);
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

}  // namespace ph::fakeservers::pop3
