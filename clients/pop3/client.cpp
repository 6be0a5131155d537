#include "clients/pop3/client.hpp"

#include <algorithm>
#include <cctype>
#include <functional>
#include <optional>
#include <utility>

#include "clients/codec/ascii.hpp"
#include "clients/codec/base64.hpp"
#include "clients/pop3/apop.hpp"
#include "clients/sasl/mechanisms.hpp"

namespace ph::clients::pop3 {
namespace {

// RFC 2449 §4: a command line is at most 255 octets, CRLF included.
constexpr std::size_t max_command_line = 255;

using codec::upper;

std::string verb_of(std::string_view line) {
  return upper(line.substr(0, std::min(line.find(' '), line.size())));
}

void check_argument(std::string_view what, std::string_view text) {
  if (text.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos)
    throw error("refusing to send " + std::string(what) + ": it contains CR, LF or NUL");
}

std::string with_args(std::string_view verb, std::initializer_list<std::string_view> args) {
  std::string line(verb);
  for (auto a : args) {
    line += ' ';
    line += a;
  }
  return line;
}

}  // namespace

struct client::impl {
  explicit impl(options o) : opts(std::move(o)), stream(opts.timeout) {
    stream.set_max_line(opts.max_line);
  }

  options opts;
  net::line_stream stream;
  std::string welcome;
  std::map<std::string, std::string> caps;
  bool authenticated = false;

  void forget_session() {
    caps.clear();
    authenticated = false;
  }

  void close() noexcept {
    stream.close();
    forget_session();
  }

  // Any transport failure leaves the dialogue unusable: close and rethrow with context.
  [[noreturn]] void fail(const net::error& e, std::string_view doing) {
    close();
    throw e.with_context(doing);
  }

  void write(std::string_view data, std::string_view doing) {
    try {
      stream.write(data);
    } catch (const net::error& e) {
      fail(e, doing);
    }
  }

  std::string read_line(std::string_view doing) {
    try {
      return stream.read_line();
    } catch (const net::error& e) {
      fail(e, doing);
    }
  }

  void check_cleartext(std::string_view verb) const {
    if (opts.require_tls && !stream.tls_active())
      throw error("refusing to send " + std::string(verb) + " without TLS (require_tls is set)");
  }

  // Validates a whole command line before anything is sent.
  static void check_command(const std::string& line) {
    check_argument("the " + verb_of(line) + " command", line);
    if (line.size() + 2 > max_command_line)
      throw error("refusing to send " + verb_of(line) + ": the command line exceeds 255 octets");
  }

  void send(const std::string& line) { write(line + "\r\n", "sending " + verb_of(line)); }

  response read_status(std::string_view verb) {
    const std::string doing = "reading reply to " + std::string(verb);
    const std::string line = read_line(doing);
    try {
      return parse_status(line);
    } catch (const net::error& e) {
      fail(e, doing);
    }
  }

  // Reads the status line; throws response_error on -ERR.
  response expect_ok(std::string_view verb) {
    response r = read_status(verb);
    if (!r.ok) throw response_error(std::string(verb), std::move(r));
    return r;
  }

  multiline read_body(response status, std::string_view verb) {
    const std::string doing = "reading multi-line reply to " + std::string(verb);
    multiline_parser parser(opts.max_response_octets);
    try {
      while (parser.feed(read_line(doing)) == multiline_parser::status::incomplete) {
      }
    } catch (const net::error& e) {
      fail(e, doing);
    }
    multiline out = parser.take();
    out.status = std::move(status);
    return out;
  }

  response command(const std::string& line) {
    check_command(line);
    send(line);
    return expect_ok(verb_of(line));
  }

  multiline multiline_command(const std::string& line) {
    response status = command(line);
    return read_body(std::move(status), verb_of(line));
  }

  response after_connect() {
    forget_session();
    welcome.clear();
    response greeting = read_status("greeting");
    if (!greeting.ok) {
      close();
      throw response_error("greeting", std::move(greeting));
    }
    welcome = greeting.text;
    return greeting;
  }

  // A line after AUTH: a continuation ("+" [SP base64], RFC 5034 §4) or a status line.
  std::optional<std::string> read_auth_step(response& final) {
    const std::string doing = "reading reply to AUTH";
    const std::string line = read_line(doing);
    const bool is_status =
        line.size() >= 3 && line.compare(0, 3, "+OK") == 0 && (line.size() == 3 || line[3] == ' ');
    if (!line.empty() && line.front() == '+' && !is_status)
      return line.size() > 2 ? line.substr(2) : std::string();
    try {
      final = parse_status(line);
    } catch (const net::error& e) {
      fail(e, doing);
    }
    return std::nullopt;
  }
};

client::client(options opts) : impl_(std::make_unique<impl>(std::move(opts))) {}
client::~client() = default;
client::client(client&&) noexcept = default;
client& client::operator=(client&&) noexcept = default;

response client::connect(const std::string& host, std::uint16_t port) {
  impl_->close();
  impl_->stream.connect(host, port);
  return impl_->after_connect();
}

response client::connect_tls(const std::string& host, std::uint16_t port) {
  impl_->close();
  impl_->stream.connect_tls(host, port, impl_->opts.tls);
  return impl_->after_connect();
}

const std::string& client::welcome() const {
  return impl_->welcome;
}

std::map<std::string, std::string> client::capa() {
  auto& s = *impl_;
  multiline m = s.multiline_command("CAPA");
  s.caps = parse_capabilities(m.lines);
  return s.caps;
}

const std::map<std::string, std::string>& client::capabilities() const {
  return impl_->caps;
}

bool client::has_capability(std::string_view tag) const {
  return impl_->caps.contains(upper(tag));
}

response client::user(const std::string& name) {
  check_argument("USER", name);
  impl_->check_cleartext("USER");
  return impl_->command(with_args("USER", {name}));
}

response client::pass(const std::string& password) {
  check_argument("PASS", password);
  impl_->check_cleartext("PASS");
  response r = impl_->command(with_args("PASS", {password}));
  impl_->authenticated = true;
  return r;
}

response client::apop(const std::string& name, const std::string& secret) {
  auto& s = *impl_;
  check_argument("APOP", name);
  const auto stamp = greeting_timestamp(s.welcome);
  // RFC 1939 §7: a server that supports APOP puts a timestamp in its greeting.
  if (!stamp) throw not_supported("APOP: the greeting has no timestamp");
  response r = s.command(with_args("APOP", {name, apop_digest(*stamp, secret)}));
  s.authenticated = true;
  return r;
}

response client::auth(const std::string& mechanism, const std::string& user,
                      const std::string& password) {
  auto& s = *impl_;
  const std::string mech = upper(mechanism);
  if (mech != "PLAIN" && mech != "LOGIN" && mech != "CRAM-MD5")
    throw not_supported("AUTH mechanism " + mech + " is not implemented");
  if (const auto sasl = s.caps.find("SASL"); sasl != s.caps.end()) {
    const std::string listed = " " + upper(sasl->second) + " ";
    if (listed.find(" " + mech + " ") == std::string::npos)
      throw not_supported("AUTH mechanism " + mech + " not advertised");
  }
  check_argument("the AUTH user", user);
  if (mech != "CRAM-MD5") s.check_cleartext("AUTH");  // CRAM-MD5 never sends the password
  check_argument("the AUTH password", password);
  // What to answer to the n-th challenge (decoded), or nullopt when the mechanism is done.
  std::function<std::optional<std::string>(int, const std::optional<std::string>&)> answer;
  bool use_ir = false;
  std::string ir;
  if (mech == "PLAIN") {
    ir = sasl::plain_response(user, password);
    // RFC 5034 §4: an empty initial response is sent as "=".
    if (ir.empty()) ir = "=";
    // RFC 5034 §4: no initial response if it would make the command exceed 255 octets.
    use_ir = ("AUTH PLAIN " + ir).size() + 2 <= max_command_line;
    answer = [&](int n, const std::optional<std::string>&) -> std::optional<std::string> {
      if (n == 0 && !use_ir) return ir;
      return std::nullopt;
    };
  } else if (mech == "LOGIN") {
    // The LOGIN mechanism: the user name, then the password, each base64 on its own challenge.
    answer = [&](int n, const std::optional<std::string>& challenge) -> std::optional<std::string> {
      if (n > 1 || !challenge) return std::nullopt;
      return codec::base64_encode(n == 0 ? user : password);
    };
  } else {
    // RFC 2195 §2: one challenge, answered with the user and the keyed digest.
    answer = [&](int n, const std::optional<std::string>& challenge) -> std::optional<std::string> {
      if (n > 0 || !challenge) return std::nullopt;
      return sasl::cram_md5_response(user, password, *challenge);
    };
  }
  s.send(use_ir ? "AUTH " + mech + " " + ir : "AUTH " + mech);
  response final;
  auto challenge = s.read_auth_step(final);
  for (int round = 0; challenge && round < 4; ++round) {
    // RFC 5034 §4: a challenge the mechanism cannot answer (not base64, or after it is done)
    // is cancelled with "*".
    const auto reply = answer(round, codec::base64_decode(*challenge));
    if (reply)
      s.write(*reply + "\r\n", "sending AUTH response");
    else
      s.write("*\r\n", "cancelling AUTH");
    challenge = s.read_auth_step(final);
  }
  if (challenge) {
    s.close();
    throw net::error(net::errc::malformed_reply, "AUTH: the server kept challenging");
  }
  if (!final.ok) throw response_error("AUTH", std::move(final));
  s.authenticated = true;
  return final;
}

response client::stls() {
  auto& s = *impl_;
  // RFC 2595 §4: STLS only in the AUTHORIZATION state, and TLS is never restarted.
  if (s.stream.tls_active()) throw error("STLS: TLS is already active");
  if (s.authenticated) throw error("STLS: only allowed before authentication");
  if (s.caps.empty()) {
    try {
      capa();
    } catch (const response_error&) {
      throw not_supported("STLS: the server does not support CAPA");
    }
  }
  if (!s.caps.contains("STLS")) throw not_supported("STLS is not advertised by the server");
  response r = s.command("STLS");
  try {
    s.stream.start_tls(s.opts.tls);
  } catch (const net::error& e) {
    s.fail(e, "STLS");
  }
  // RFC 2595 §4: discard cached capabilities and re-issue CAPA.
  s.forget_session();
  try {
    capa();
  } catch (const response_error&) {
  }
  return r;
}

maildrop_stat client::stat() {
  auto& s = *impl_;
  response r = s.command("STAT");
  scan_listing l;
  try {
    l = parse_scan_listing(r.text);
  } catch (const net::error& e) {
    s.fail(e, "reading reply to STAT");
  }
  return {l.number, l.size};
}

std::map<std::uint64_t, std::uint64_t> client::list() {
  auto& s = *impl_;
  multiline m = s.multiline_command("LIST");
  std::map<std::uint64_t, std::uint64_t> out;
  try {
    for (const auto& line : m.lines) {
      const auto l = parse_scan_listing(line);
      out[l.number] = l.size;
    }
  } catch (const net::error& e) {
    s.fail(e, "reading reply to LIST");
  }
  return out;
}

scan_listing client::list(std::uint64_t which) {
  auto& s = *impl_;
  response r = s.command("LIST " + std::to_string(which));
  try {
    return parse_scan_listing(r.text);
  } catch (const net::error& e) {
    s.fail(e, "reading reply to LIST");
  }
}

multiline client::retr(std::uint64_t which) {
  return impl_->multiline_command("RETR " + std::to_string(which));
}

multiline client::top(std::uint64_t which, std::uint64_t lines) {
  return impl_->multiline_command("TOP " + std::to_string(which) + " " + std::to_string(lines));
}

std::vector<multiline> client::retr_all(const std::vector<std::uint64_t>& numbers) {
  auto& s = *impl_;
  std::vector<multiline> out;
  out.reserve(numbers.size());
  if (!s.caps.contains("PIPELINING")) {
    for (auto n : numbers)
      out.push_back(retr(n));
    return out;
  }
  // RFC 2449 §6.6: commands may be sent without waiting. The window bounds what is in flight so
  // neither side's socket buffers fill with unread data (no deadlock); the commands are tiny.
  const std::size_t window = std::max<std::size_t>(1, s.opts.pipeline_window);
  std::size_t sent = 0;
  auto send_upto = [&](std::size_t limit) {
    std::string batch;
    for (; sent < numbers.size() && sent < limit; ++sent)
      batch += "RETR " + std::to_string(numbers[sent]) + "\r\n";
    if (!batch.empty()) s.write(batch, "sending RETR (pipelined)");
  };
  std::optional<response_error> first_error;
  for (std::size_t i = 0; i < numbers.size(); ++i) {
    // Refill once half the window is answered: fewer, larger writes than one per response.
    if (sent - i <= window / 2) send_upto(i + window);
    response status = s.read_status("RETR");
    if (status.ok) {
      out.push_back(s.read_body(std::move(status), "RETR"));
    } else if (!first_error) {
      first_error.emplace("RETR " + std::to_string(numbers[i]), std::move(status));
    }
  }
  if (first_error) throw *first_error;
  return out;
}

response client::dele(std::uint64_t which) {
  return impl_->command("DELE " + std::to_string(which));
}

response client::rset() {
  return impl_->command("RSET");
}

response client::noop() {
  return impl_->command("NOOP");
}

std::map<std::uint64_t, std::string> client::uidl() {
  auto& s = *impl_;
  multiline m = s.multiline_command("UIDL");
  std::map<std::uint64_t, std::string> out;
  try {
    for (const auto& line : m.lines) {
      auto l = parse_uid_listing(line);
      out[l.number] = std::move(l.uid);
    }
  } catch (const net::error& e) {
    s.fail(e, "reading reply to UIDL");
  }
  return out;
}

uid_listing client::uidl(std::uint64_t which) {
  auto& s = *impl_;
  response r = s.command("UIDL " + std::to_string(which));
  try {
    return parse_uid_listing(r.text);
  } catch (const net::error& e) {
    s.fail(e, "reading reply to UIDL");
  }
}

response client::quit() {
  auto& s = *impl_;
  if (!s.stream.is_open()) return {};
  response r;
  try {
    s.send("QUIT");
    r = s.read_status("QUIT");
  } catch (const std::system_error&) {
    s.close();
    return {};
  }
  s.close();
  if (!r.ok) throw response_error("QUIT", std::move(r));
  return r;
}

void client::close() noexcept {
  if (impl_) impl_->close();
}

bool client::is_connected() const {
  return impl_ && impl_->stream.is_open();
}

bool client::tls_active() const {
  return impl_ && impl_->stream.tls_active();
}

void client::set_timeout(std::chrono::milliseconds timeout) {
  impl_->opts.timeout = timeout;
  impl_->stream.set_timeout(timeout);
}

}  // namespace ph::clients::pop3
