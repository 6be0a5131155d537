#include "clients/ftp/client.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <istream>
#include <utility>

#include "clients/net/errors.hpp"

namespace ph::clients::ftp {
namespace {

// Longest line accepted on a data connection in line mode (a LIST line, a text file line).
constexpr std::size_t max_data_line = 1024 * 1024;

void check_argument(std::string_view line) {
  // RFC 959 §4.1: a command line ends at CRLF; an embedded CR or LF would smuggle a command.
  if (line.find_first_of("\r\n") != std::string_view::npos)
    throw error("refusing to send a command containing CR or LF");
  // A NUL is a Telnet no-op (RFC 854) that servers drop or take as the end of a C string, so
  // the name a server acts on is not the one sent ("a\0/../b").
  if (line.find('\0') != std::string_view::npos)
    throw error("refusing to send a command containing NUL");
}

std::string verb_of(std::string_view line) {
  std::string out(line.substr(0, std::min(line.find(' '), line.size())));
  for (auto& c : out)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string join(std::string_view verb, std::string_view arg) {
  std::string out(verb);
  if (!arg.empty()) {
    out += ' ';
    out += arg;
  }
  return out;
}

[[noreturn]] void raise(const std::string& context, const reply& r) {
  if (r.kind() == 4) throw transient_error(context, r);
  if (r.kind() == 5) throw permanent_error(context, r);
  throw protocol_error(context, r);
}

const reply& require_2xx(const std::string& context, const reply& r) {
  if (r.kind() != 2) raise(context, r);
  return r;
}

// Hands out a data connection's bytes in blocks of at most block_size octets.
void deliver(std::string_view bytes, std::size_t block_size,
             const client::block_callback& callback) {
  if (block_size == 0) block_size = bytes.size();
  while (!bytes.empty()) {
    const std::size_t n = std::min(block_size, bytes.size());
    callback(bytes.substr(0, n));
    bytes.remove_prefix(n);
  }
}

}  // namespace

struct client::impl {
  explicit impl(options o) : opts(std::move(o)), ctrl(opts.timeout) {
    ctrl.set_max_line(opts.max_line);
  }

  options opts;
  net::line_stream ctrl;
  std::string welcome;
  reply_parser parser;
  bool protect_data = false;  // PROT P in force
  bool epsv_refused = false;  // EPSV answered 500/502 once: PASV from then on

  net::tls_options data_tls() const {
    net::tls_options t = opts.tls_options;
    // RFC 4217 §10.2: the data connection's certificate is checked against the same name as the
    // control connection's, whatever address the data connection went to.
    if (t.server_name.empty()) t.server_name = ctrl.host();
    return t;
  }

  reply read_reply(const std::string& doing) {
    parser.reset();
    try {
      for (;;) {
        if (parser.feed(ctrl.read_line()) == reply_parser::state::done) return parser.result();
        if (parser.result().lines.size() > opts.max_reply_lines)
          throw net::error(net::make_error_code(net::errc::line_too_long),
                           "reply longer than " + std::to_string(opts.max_reply_lines) + " lines");
      }
    } catch (const net::error& e) {
      // A malformed reply leaves the dialogue out of step: a later command would take the rest
      // of it, or an earlier command's reply, for its own. End it (QUIT without waiting).
      if (e.code() == net::errc::malformed_reply || e.code() == net::errc::line_too_long) {
        try {
          ctrl.write("QUIT\r\n");
        } catch (const std::exception&) {
        }
        ctrl.close();
      }
      throw e.with_context("reading reply to " + doing);
    }
  }

  void send(const std::string& line) {
    check_argument(line);
    try {
      ctrl.write(line + "\r\n");
    } catch (const net::error& e) {
      throw e.with_context("sending " + verb_of(line));
    }
  }

  reply command(const std::string& line) {
    send(line);
    return read_reply(verb_of(line));
  }

  reply expect_2xx(const std::string& line) { return require_2xx(verb_of(line), command(line)); }

  void prot_p() {
    expect_2xx("PBSZ 0");
    expect_2xx("PROT P");
    protect_data = true;
  }

  // PASV or EPSV; returns the address to connect the data channel to.
  passive_address passive_endpoint() {
    const std::string control_peer = ctrl.peer_address().address;
    if (opts.use_epsv && !epsv_refused) {
      const reply r = command("EPSV");
      if (r.code == 229) {
        auto a = parse_epsv(r.text());
        a.host = control_peer;  // RFC 2428 §3: same address as the control connection
        return a;
      }
      // RFC 2428 §3: a server that does not know EPSV answers 500 or 502; fall back to PASV.
      if (r.code != 500 && r.code != 502) raise("EPSV", r);
      epsv_refused = true;
    }
    const reply r = command("PASV");
    if (r.code != 227) raise("PASV", r);
    auto a = parse_pasv(r.text());
    // A 227 may name any host; connecting there would let the server aim our data connection at
    // a third party (RFC 2577 §3), and behind NAT it is often wrong. Use the control peer.
    if (!opts.trust_pasv_host) a.host = control_peer;
    return a;
  }

  // Sends the transfer command over a fresh data connection and returns it once the 1xx reply has
  // arrived (and TLS, when protected, is up). Throws for any other reply.
  net::line_stream open_data(const std::string& line, std::optional<std::uint64_t> rest) {
    check_argument(line);
    if (opts.tls != tls_mode::none && !protect_data) prot_p();
    std::optional<net::line_stream> data;
    std::optional<net::listener> listening;
    if (opts.passive) {
      const auto a = passive_endpoint();
      data.emplace(opts.timeout);
      try {
        data->connect(a.host, a.port);
      } catch (const net::error& e) {
        throw e.with_context("opening the data connection");
      }
    } else {
      listening.emplace(opts.timeout);
      const auto local = ctrl.local_address();
      // Listen before announcing the port, so the server may connect at once.
      const auto ep = listening->listen(local.address);
      // RFC 2428 §2, §4: EPRT first (as curl does); PORT (RFC 959 §4.1.2) only for IPv4 after
      // the server refused the extended commands with 500/502.
      if (ep.is_v6() || (opts.use_epsv && !epsv_refused)) {
        const reply r = command("EPRT " + format_eprt(ep.address, ep.port));
        if (r.kind() != 2) {
          if (ep.is_v6() || (r.code != 500 && r.code != 502)) raise("EPRT", r);
          epsv_refused = true;
          expect_2xx("PORT " + format_port(ep.address, ep.port));
        }
      } else {
        expect_2xx("PORT " + format_port(ep.address, ep.port));
      }
    }
    if (rest) {
      const reply r = command("REST " + std::to_string(*rest));
      // RFC 3659 §5.3: 350 is the only success reply to REST.
      if (r.code != 350) raise("REST", r);
    }
    const reply r = command(line);
    // RFC 959 §5.4: a transfer command answers 1yz before the data flows.
    if (r.kind() != 1) {
      if (data) data->close();
      raise(verb_of(line), r);
    }
    if (listening) {
      try {
        data.emplace(listening->accept(opts.timeout));
      } catch (const net::error& e) {
        throw e.with_context("waiting for the data connection");
      }
      listening->close();
    }
    if (protect_data) {
      try {
        // RFC 4217 §7: the FTP client is the TLS client on the data connection too.
        data->start_tls(data_tls());
      } catch (const net::error& e) {
        throw e.with_context("protecting the data connection");
      }
    }
    return std::move(*data);
  }

  // Reads the data connection to its end, passing each chunk to sink (a view into the stream's
  // receive buffer: bulk data is not copied on the way).
  template <class Sink>
  void drain(net::line_stream& data, Sink&& sink) {
    const std::function<void(std::string_view)> each = std::forward<Sink>(sink);
    try {
      while (data.read_some(each) > 0) {
      }
    } catch (const net::error& e) {
      data.close();
      throw e.with_context("reading the data connection");
    }
    data.close();
  }

  reply finish(const std::string& line) {
    return require_2xx(verb_of(line), read_reply(verb_of(line) + " completion"));
  }

  reply retrieve(const std::string& line, const block_callback& callback, std::size_t block_size,
                 std::optional<std::uint64_t> rest) {
    auto data = open_data(line, rest);
    drain(data, [&](std::string_view chunk) { deliver(chunk, block_size, callback); });
    return finish(line);
  }

  reply retrieve_lines(const std::string& line, const line_callback& callback) {
    auto data = open_data(line, std::nullopt);
    std::string pending;
    auto emit = [&](std::string text) {
      // Line mode tolerates a bare LF on the data connection, as ftplib does.
      if (!text.empty() && text.back() == '\r') text.pop_back();
      callback(text);
    };
    drain(data, [&](std::string_view chunk) {
      pending += chunk;
      std::size_t start = 0;
      for (auto lf = pending.find('\n'); lf != std::string::npos; lf = pending.find('\n', start)) {
        emit(pending.substr(start, lf - start));
        start = lf + 1;
      }
      pending.erase(0, start);
      if (pending.size() > max_data_line) {
        data.close();
        throw net::error(net::make_error_code(net::errc::line_too_long),
                         "reading the data connection: a line longer than " +
                             std::to_string(max_data_line) + " octets");
      }
    });
    if (!pending.empty()) emit(std::move(pending));
    return finish(line);
  }

  template <class Producer>
  reply store(const std::string& line, std::optional<std::uint64_t> rest, Producer&& produce) {
    auto data = open_data(line, rest);
    try {
      std::string block;
      while (produce(block)) {
        if (!block.empty()) data.write(block);
      }
    } catch (const net::error& e) {
      data.close();
      throw e.with_context("writing the data connection");
    }
    // The close (TLS close_notify, then FIN) is what tells the server the file is complete.
    data.close();
    return finish(line);
  }

  std::vector<std::string> lines_of(const std::string& line) {
    expect_2xx("TYPE A");
    std::vector<std::string> out;
    retrieve_lines(line, [&](const std::string& l) { out.push_back(l); });
    return out;
  }
};

client::client(options opts) : impl_(std::make_unique<impl>(std::move(opts))) {}
client::~client() = default;
client::client(client&&) noexcept = default;
client& client::operator=(client&&) noexcept = default;

reply client::connect(const std::string& host, std::uint16_t port) {
  auto& s = *impl_;
  s.protect_data = false;
  s.epsv_refused = false;
  if (s.opts.tls == tls_mode::implicit_tls)
    s.ctrl.connect_tls(host, port, s.opts.tls_options);
  else
    s.ctrl.connect(host, port);
  reply r = s.read_reply("the greeting");
  // RFC 959 §5.4: 120 "ready in nnn minutes" precedes the 220.
  while (r.code == 120)
    r = s.read_reply("the greeting");
  if (r.kind() != 2) {
    s.ctrl.close();
    raise("greeting", r);
  }
  s.welcome = r.text();
  if (s.opts.tls == tls_mode::explicit_tls) auth_tls();
  return r;
}

const std::string& client::welcome() const {
  return impl_->welcome;
}

reply client::login(const std::string& user, const std::string& password) {
  auto& s = *impl_;
  reply r = s.command(join("USER", user));
  // RFC 959 §5.4: USER answers 230 (no password needed), 331 (send PASS) or 332 (ACCT).
  if (r.code == 331) r = s.command(join("PASS", password));
  if (r.code == 332) throw protocol_error("login needs ACCT, which is not supported", r);
  require_2xx("login", r);
  if (s.opts.tls != tls_mode::none && !s.protect_data) s.prot_p();
  return r;
}

std::map<std::string, std::string> client::feat() {
  const reply r = impl_->command("FEAT");
  // RFC 2389 §3.2: 211 with one feature per middle line, each starting with a SP.
  if (r.code != 211) raise("FEAT", r);
  std::map<std::string, std::string> out;
  for (std::size_t i = 1; i + 1 < r.lines.size(); ++i) {
    std::string_view l = r.lines[i];
    if (l.empty() || l[0] != ' ') continue;
    l.remove_prefix(1);
    const auto sp = l.find(' ');
    std::string name(l.substr(0, sp));
    for (auto& c : name)
      c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    out[name] = sp == std::string_view::npos ? std::string{} : std::string(l.substr(sp + 1));
  }
  return out;
}

reply client::auth_tls() {
  auto& s = *impl_;
  const reply r = s.command("AUTH TLS");
  // RFC 4217 §4.1: 234 accepts; anything else leaves the session in clear.
  if (r.code != 234) raise("AUTH TLS", r);
  s.ctrl.start_tls(s.opts.tls_options);
  return r;
}

reply client::prot_p() {
  auto& s = *impl_;
  s.expect_2xx("PBSZ 0");
  reply r = s.expect_2xx("PROT P");
  s.protect_data = true;
  return r;
}

reply client::prot_c() {
  reply r = impl_->expect_2xx("PROT C");
  impl_->protect_data = false;
  return r;
}

std::string client::pwd() {
  const reply r = impl_->command("PWD");
  if (r.code != 257) raise("PWD", r);
  auto path = parse_257(r.text());
  if (!path) throw protocol_error("PWD: 257 without a quoted path", r);
  return *path;
}

reply client::cwd(const std::string& path) {
  // As ftplib: ".." is sent as CDUP, which servers understand even where CWD .. is special.
  if (path == "..") return cdup();
  return impl_->expect_2xx(join("CWD", path.empty() ? "." : path));
}

reply client::cdup() {
  return impl_->expect_2xx("CDUP");
}

std::string client::mkd(const std::string& path) {
  const reply r = impl_->expect_2xx(join("MKD", path));
  // RFC 959 Appendix II: 257 "<path>" names the directory created.
  auto created = parse_257(r.text());
  return created ? *created : path;
}

reply client::rmd(const std::string& path) {
  return impl_->expect_2xx(join("RMD", path));
}

reply client::dele(const std::string& path) {
  return impl_->expect_2xx(join("DELE", path));
}

reply client::rename(const std::string& from, const std::string& to) {
  check_argument(to);  // refuse before RNFR goes out
  const reply r = impl_->command(join("RNFR", from));
  // RFC 959 §4.1.3: RNFR answers 350, then RNTO.
  if (r.code != 350) raise("RNFR", r);
  return impl_->expect_2xx(join("RNTO", to));
}

std::uint64_t client::size(const std::string& path) {
  const reply r = impl_->command(join("SIZE", path));
  if (r.code != 213) raise("SIZE", r);
  // RFC 3659 §4.2: "213 <SP> 1*DIGIT".
  std::string text = r.text();
  while (!text.empty() && text.back() == ' ')
    text.pop_back();
  std::uint64_t n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc{} || end != text.data() + text.size() || text.empty())
    throw protocol_error("SIZE: 213 without a number", r);
  return n;
}

std::string client::mdtm(const std::string& path) {
  const reply r = impl_->command(join("MDTM", path));
  if (r.code != 213) raise("MDTM", r);
  std::string text = r.text();
  while (!text.empty() && text.back() == ' ')
    text.pop_back();
  // RFC 3659 §2.3: time-val is 14 digits, optionally ".digits".
  const bool ok =
      text.size() >= 14 &&
      std::all_of(text.begin(), text.begin() + 14, [](char c) { return c >= '0' && c <= '9'; }) &&
      (text.size() == 14 || text[14] == '.');
  if (!ok) throw protocol_error("MDTM: 213 without a time-val", r);
  return text;
}

reply client::type(char code) {
  return impl_->expect_2xx(std::string("TYPE ") + code);
}

reply client::noop() {
  return impl_->expect_2xx("NOOP");
}

reply client::sendcmd(const std::string& line) {
  return impl_->command(line);
}

reply client::voidcmd(const std::string& line) {
  return impl_->expect_2xx(line);
}

reply client::retrbinary(const std::string& command, const block_callback& callback,
                         std::size_t block_size, std::optional<std::uint64_t> rest) {
  check_argument(command);
  impl_->expect_2xx("TYPE I");
  return impl_->retrieve(command, callback, block_size, rest);
}

reply client::retrlines(const std::string& command, const line_callback& callback) {
  check_argument(command);
  impl_->expect_2xx("TYPE A");
  return impl_->retrieve_lines(command, callback);
}

reply client::storbinary(const std::string& command, std::istream& in, std::size_t block_size,
                         std::optional<std::uint64_t> rest) {
  check_argument(command);
  impl_->expect_2xx("TYPE I");
  if (block_size == 0) block_size = 8192;
  return impl_->store(command, rest, [&](std::string& block) {
    block.resize(block_size);
    in.read(block.data(), static_cast<std::streamsize>(block_size));
    block.resize(static_cast<std::size_t>(in.gcount()));
    return !block.empty();
  });
}

reply client::storlines(const std::string& command, std::istream& in) {
  check_argument(command);
  impl_->expect_2xx("TYPE A");
  return impl_->store(command, std::nullopt, [&](std::string& block) {
    block.clear();
    std::string line;
    while (block.size() < 8192 && std::getline(in, line)) {
      // RFC 959 §3.1.1.1: ASCII type ends every line with CRLF on the wire.
      if (!line.empty() && line.back() == '\r') line.pop_back();
      block += line;
      block += "\r\n";
    }
    return !block.empty();
  });
}

std::vector<std::string> client::nlst(const std::string& path) {
  return impl_->lines_of(join("NLST", path));
}

std::vector<std::string> client::list(const std::string& path) {
  return impl_->lines_of(join("LIST", path));
}

std::vector<mlsd_entry> client::mlsd(const std::string& path) {
  std::vector<mlsd_entry> out;
  for (const auto& line : impl_->lines_of(join("MLSD", path))) {
    if (line.empty()) continue;
    auto entry = parse_mlsd_line(line);
    const auto t = entry.facts.find("type");
    if (t != entry.facts.end()) {
      std::string v = t->second;
      for (auto& c : v)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      // RFC 3659 §7.5.1: cdir and pdir name the listed directory and its parent.
      if (v == "cdir" || v == "pdir") continue;
    }
    out.push_back(std::move(entry));
  }
  return out;
}

reply client::abort() {
  auto& s = *impl_;
  try {
    if (!s.ctrl.tls_active()) {
      // RFC 959 §4.1.3: Telnet IP, then the Synch (IAC DM sent as urgent data, RFC 854).
      s.ctrl.write("\xff\xf4");
      s.ctrl.write_urgent("\xff\xf2");
    }
  } catch (const net::error& e) {
    throw e.with_context("sending ABOR");
  }
  reply r = s.command("ABOR");
  // RFC 959 §4.1.3: 426 for the aborted transfer, then 226; or 225/226 when none was running.
  if (r.code == 426) r = s.read_reply("ABOR");
  if (r.code != 225 && r.code != 226) raise("ABOR", r);
  return r;
}

reply client::quit() {
  auto& s = *impl_;
  if (!s.ctrl.is_open()) return {};
  reply r;
  try {
    r = s.command("QUIT");
  } catch (const std::system_error&) {
    r = {};
  }
  s.ctrl.close();
  return r;
}

void client::close() noexcept {
  impl_->ctrl.close();
}

bool client::is_connected() const {
  return impl_->ctrl.is_open();
}

bool client::tls_active() const {
  return impl_->ctrl.tls_active();
}

void client::set_timeout(std::chrono::milliseconds timeout) {
  impl_->opts.timeout = timeout;
  impl_->ctrl.set_timeout(timeout);
}

}  // namespace ph::clients::ftp
