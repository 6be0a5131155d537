#include "clients/smtp/client.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

#include <fmt/format.h>

#include "clients/codec/ascii.hpp"
#include "clients/codec/base64.hpp"
#include "clients/sasl/mechanisms.hpp"

namespace ph::clients::smtp {
namespace {

constexpr std::size_t max_command_line = 512;  // RFC 5321 §4.5.3.1.4, CRLF included

bool is_ascii(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

bool has_8bit(std::string_view s) {
  return !is_ascii(s);
}

using codec::upper;

// The first word of a command line, for messages ("MAIL", "RCPT", ...).
std::string verb_of(std::string_view line) {
  return upper(line.substr(0, std::min(line.find(' '), line.size())));
}

// True when params already has a parameter named `name` ("SIZE", "BODY", "SMTPUTF8").
bool has_param(const std::vector<std::string>& params, std::string_view name) {
  return std::any_of(params.begin(), params.end(), [name](const std::string& p) {
    const std::string key = upper(p.substr(0, std::min(p.find('='), p.size())));
    return key == name;
  });
}

void check_no_crlf(std::string_view what, std::string_view text) {
  if (text.find_first_of("\r\n") != std::string_view::npos)
    throw error(fmt::format("refusing to send {}: it contains CR or LF", what));
}

std::string path_line(std::string_view verb, const std::string& address,
                      const std::vector<std::string>& params) {
  // RFC 5321 §4.1.2: "MAIL FROM:" Reverse-path, "RCPT TO:" Forward-path; Path = "<" Mailbox ">".
  std::string line = fmt::format("{}:<{}>", verb, extract_address(address));
  for (const auto& p : params) {
    line += ' ';
    line += p;
  }
  return line;
}

std::string header_section(std::string_view msg) {
  const auto end = msg.find("\r\n\r\n");
  return std::string(msg.substr(0, end == std::string_view::npos ? msg.size() : end));
}

}  // namespace

struct client::impl {
  explicit impl(options o) : opts(std::move(o)), stream(opts.timeout) {}

  options opts;
  net::line_stream stream;
  std::string host;
  std::string local_name;
  bool greeted = false;  // an EHLO or HELO succeeded since connect / STARTTLS
  bool esmtp = false;
  extensions ext;

  void forget_session() {
    greeted = false;
    esmtp = false;
    ext = {};
  }

  void close() noexcept {
    stream.close();
    forget_session();
  }

  void write(std::string_view data, std::string_view doing) {
    try {
      stream.write(data);
    } catch (const net::error& e) {
      forget_session();
      throw e.with_context(doing);
    }
  }

  // Sends one command line (CRLF appended); line must already be checked for CR/LF.
  void send(const std::string& line) {
    write(line + "\r\n", fmt::format("sending {}", verb_of(line)));
  }

  reply read_reply(std::string_view doing) {
    reply_parser parser;
    try {
      while (parser.feed(stream.read_line()) == reply_parser::status::incomplete) {
      }
    } catch (const net::error& e) {
      // A malformed reply leaves the connection up but the dialogue out of step: end it
      // with QUIT all the same (RFC 5321 §4.1.1.10), without waiting for the answer.
      if (e.code() == net::errc::malformed_reply || e.code() == net::errc::line_too_long) {
        try {
          stream.write("QUIT\r\n");
        } catch (const std::exception&) {
        }
      }
      stream.close();
      forget_session();
      throw e.with_context(doing);
    }
    return parser.take();
  }

  reply command(const std::string& line) {
    check_no_crlf("the command", line);
    send(line);
    return read_reply(fmt::format("reading reply to {}", verb_of(line)));
  }

  // RFC 5321 §3.8: 421 means the server is closing the channel.
  bool closed_by_421(const reply& r) {
    if (r.code != 421) return false;
    close();
    return true;
  }

  // RSET after a failed transaction; a transport failure here only closes the connection.
  void rset_quietly() noexcept {
    try {
      (void)command("RSET");
    } catch (...) {
      close();
    }
  }

  std::string default_local_name() const {
    const net::endpoint local = stream.local_address();
    return local.is_v6() ? fmt::format("[IPv6:{}]", local.address)
                         : fmt::format("[{}]", local.address);
  }

  reply after_connect(const std::string& h) {
    host = h;
    forget_session();
    local_name = opts.local_hostname.empty() ? default_local_name() : opts.local_hostname;
    reply greeting = read_reply("reading greeting");
    if (greeting.code != 220) {
      // RFC 5321 §3.1: after a 554 greeting the client may only send QUIT.
      try {
        send("QUIT");
        (void)read_reply("reading reply to QUIT");
      } catch (const std::exception&) {
      }
      close();
      throw connect_error(fmt::format("greeting from {}", h), std::move(greeting));
    }
    return greeting;
  }

  reply authenticate(const std::string& mech, const std::string& user,
                     const std::string& password) {
    // Answers at most this many 334 challenges; a server that keeps challenging gets "*".
    constexpr int max_rounds = 4;
    auto respond = [this](const std::string& response) {
      send(response);
      return read_reply("reading reply to AUTH continuation");
    };
    auto challenge = [](const reply& r) {
      return codec::base64_decode(r.lines.empty() ? std::string_view{} : r.lines.front());
    };
    reply r;
    if (mech == "PLAIN") {
      const std::string ir = sasl::plain_response(user, password);
      // RFC 4954 §4: leave the initial response out if the line would exceed 512 octets.
      if (std::string("AUTH PLAIN ").size() + ir.size() + 2 <= max_command_line) {
        r = command("AUTH PLAIN " + ir);
      } else {
        r = command("AUTH PLAIN");
        if (r.code == 334) r = respond(challenge(r) ? ir : "*");
      }
    } else if (mech == "LOGIN") {
      r = command("AUTH LOGIN");
      for (int step = 0; r.code == 334 && step < 2; ++step) {
        // RFC 4954 §4: an undecodable challenge is answered with "*" (cancel).
        if (!challenge(r)) {
          r = respond("*");
          break;
        }
        r = respond(codec::base64_encode(step == 0 ? user : password));
      }
    } else if (mech == "CRAM-MD5") {
      r = command("AUTH CRAM-MD5");
      if (r.code == 334) {
        const auto decoded = challenge(r);
        r = respond(decoded ? sasl::cram_md5_response(user, password, *decoded) : "*");
      }
    }
    for (int round = 0; r.code == 334 && round < max_rounds; ++round)
      r = respond("*");
    return r;
  }
};

client::client(options opts) : impl_(std::make_unique<impl>(std::move(opts))) {}
client::~client() = default;
client::client(client&&) noexcept = default;
client& client::operator=(client&&) noexcept = default;

reply client::connect(const std::string& host, std::uint16_t port) {
  impl_->close();
  impl_->stream.connect(host, port);
  return impl_->after_connect(host);
}

reply client::connect_tls(const std::string& host, std::uint16_t port) {
  impl_->close();
  impl_->stream.connect_tls(host, port, impl_->opts.tls);
  return impl_->after_connect(host);
}

reply client::helo(std::string name) {
  auto& s = *impl_;
  if (name.empty()) name = s.local_name;
  reply r = s.command("HELO " + name);
  // RFC 5321 §3.2: a HELO session uses no extensions.
  s.esmtp = false;
  s.ext = {};
  s.greeted = r.completed();
  return r;
}

reply client::ehlo(std::string name) {
  auto& s = *impl_;
  if (name.empty()) name = s.local_name;
  reply r = s.command("EHLO " + name);
  s.esmtp = r.completed();
  s.ext = s.esmtp ? extensions::parse(r) : extensions{};
  s.greeted = s.esmtp;
  return r;
}

void client::ehlo_or_helo_if_needed() {
  auto& s = *impl_;
  if (s.greeted) return;
  reply r = ehlo();
  if (r.completed()) return;
  // RFC 5321 §3.2: fall back to HELO when EHLO is not recognised (5yz); a 4yz is a failure.
  if (r.code / 100 == 5) {
    r = helo();
    if (r.completed()) return;
  }
  s.closed_by_421(r);
  throw helo_error(r.code / 100 == 5 ? "HELO" : "EHLO", std::move(r));
}

bool client::has_extn(std::string_view keyword) const {
  return impl_->ext.has(keyword);
}

std::optional<std::string> client::extension_params(std::string_view keyword) const {
  return impl_->ext.params(keyword);
}

const std::map<std::string, std::string>& client::esmtp_features() const {
  return impl_->ext.features();
}

bool client::does_esmtp() const {
  return impl_->esmtp;
}

reply client::starttls() {
  auto& s = *impl_;
  ehlo_or_helo_if_needed();
  // RFC 3207 §4.2: TLS is never restarted on a connection.
  if (s.stream.tls_active()) throw error("STARTTLS: TLS is already active");
  if (!s.ext.has("STARTTLS")) throw not_supported("STARTTLS extension not supported by server");
  reply r = s.command("STARTTLS");
  if (r.code != 220) {
    s.closed_by_421(r);
    throw response_error("STARTTLS", std::move(r));
  }
  try {
    s.stream.start_tls(s.opts.tls);
  } catch (const net::error& e) {
    s.close();
    throw e.with_context("STARTTLS");
  }
  // RFC 3207 §4.2: discard all knowledge obtained before TLS; the next command is EHLO.
  s.forget_session();
  return r;
}

reply client::login(const std::string& user, const std::string& password,
                    std::optional<std::string> mechanism) {
  auto& s = *impl_;
  ehlo_or_helo_if_needed();
  if (!s.ext.has("AUTH")) throw not_supported("SMTP AUTH extension not supported by server");
  static constexpr std::array<std::string_view, 3> preferred = {"CRAM-MD5", "PLAIN", "LOGIN"};
  const auto advertised = s.ext.auth_mechanisms();
  auto is_advertised = [&](std::string_view m) {
    return std::find(advertised.begin(), advertised.end(), m) != advertised.end();
  };
  std::vector<std::string> candidates;
  if (mechanism) {
    const std::string m = upper(*mechanism);
    if (std::find(preferred.begin(), preferred.end(), m) == preferred.end())
      throw not_supported(fmt::format("AUTH mechanism {} is not implemented", m));
    // RFC 4954 §4: only a mechanism the server listed.
    if (!is_advertised(m)) throw not_supported(fmt::format("AUTH mechanism {} not advertised", m));
    candidates.push_back(m);
  } else {
    for (auto m : preferred)
      if (is_advertised(m)) candidates.emplace_back(m);
  }
  if (candidates.empty()) throw not_supported("no suitable authentication mechanism found");
  reply last;
  for (const auto& m : candidates) {
    last = s.authenticate(m, user, password);
    if (last.code == 235 || last.code == 503) return last;
    if (s.closed_by_421(last)) break;
  }
  throw auth_error("authentication failed", std::move(last));
}

std::map<std::string, reply> client::sendmail(const std::string& from,
                                              const std::vector<std::string>& to,
                                              std::string_view msg,
                                              const std::vector<std::string>& mail_options,
                                              const std::vector<std::string>& rcpt_options) {
  auto& s = *impl_;
  if (to.empty()) throw error("sendmail: no recipients");
  // Validate everything before the first byte goes out.
  const std::string mail_probe = path_line("MAIL FROM", from, mail_options);
  check_no_crlf("MAIL FROM", mail_probe);
  for (const auto& rcpt : to)
    check_no_crlf("RCPT TO", path_line("RCPT TO", rcpt, rcpt_options));
  ehlo_or_helo_if_needed();

  // RFC 1870 §3: SIZE counts the content as sent, including the CRLF the data phase adds
  // to a message that does not end with one (but not the stuffing dots or ".CRLF").
  std::string normalised = fix_eols(msg);
  if (!normalised.empty() && !normalised.ends_with("\r\n")) normalised += "\r\n";
  std::vector<std::string> params;
  if (s.ext.has("SIZE") && !has_param(mail_options, "SIZE"))
    params.push_back(fmt::format("SIZE={}", normalised.size()));
  // RFC 1870 §6: a message larger than the advertised limit is not sent.
  if (const auto limit = s.ext.size_limit(); limit > 0 && normalised.size() > limit)
    throw error(fmt::format("message exceeds server SIZE limit ({} > {} octets)", normalised.size(),
                            limit));
  // RFC 6531 §3.2, §3.4: non-ASCII addresses or header text need SMTPUTF8.
  bool needs_utf8 = !is_ascii(extract_address(from)) || has_8bit(header_section(normalised));
  for (const auto& rcpt : to)
    needs_utf8 = needs_utf8 || !is_ascii(extract_address(rcpt));
  if (needs_utf8) {
    if (!s.ext.has("SMTPUTF8"))
      throw not_supported("non-ASCII addresses or headers need SMTPUTF8, not supported by server");
    if (!has_param(mail_options, "SMTPUTF8")) params.emplace_back("SMTPUTF8");
  }
  // RFC 6152 §3: 8-bit content only with BODY=8BITMIME to a server that advertises it.
  if (has_8bit(normalised)) {
    if (s.ext.has("8BITMIME")) {
      if (!has_param(mail_options, "BODY")) params.emplace_back("BODY=8BITMIME");
    } else if (!needs_utf8) {
      throw not_supported("8-bit message content needs 8BITMIME, not supported by server");
    }
  }
  params.insert(params.end(), mail_options.begin(), mail_options.end());
  const std::string mail_line = path_line("MAIL FROM", from, params);
  check_no_crlf("MAIL FROM", mail_line);
  const std::string content = dot_stuff(normalised) + ".\r\n";

  std::map<std::string, reply> refused;
  // A 421 to RCPT ends the whole transaction: every recipient is reported refused.
  auto abort_recipients = [&](const reply& r) {
    for (const auto& rcpt : to)
      refused.try_emplace(rcpt, r);
    s.close();
    throw recipients_refused(std::move(refused));
  };

  if (s.ext.has("PIPELINING")) {
    // RFC 2920 §3.1: MAIL and RCPT may go in one group with DATA last; replies come in order.
    std::string batch = mail_line + "\r\n";
    for (const auto& rcpt : to)
      batch += path_line("RCPT TO", rcpt, rcpt_options) + "\r\n";
    batch += "DATA\r\n";
    s.write(batch, "sending MAIL, RCPT and DATA (pipelined)");
    reply mail_reply = s.read_reply("reading reply to MAIL");
    if (s.closed_by_421(mail_reply)) throw sender_refused(from, std::move(mail_reply));
    for (const auto& rcpt : to) {
      reply r = s.read_reply("reading reply to RCPT");
      if (r.code == 421) abort_recipients(r);
      if (!r.completed()) refused.emplace(rcpt, std::move(r));
    }
    reply data_reply = s.read_reply("reading reply to DATA");
    if (s.closed_by_421(data_reply)) {
      if (!mail_reply.completed()) throw sender_refused(from, std::move(mail_reply));
      if (refused.size() == to.size()) throw recipients_refused(std::move(refused));
      throw data_error("DATA", std::move(data_reply));
    }
    const bool no_transaction = !mail_reply.completed() || refused.size() == to.size();
    if (no_transaction && data_reply.code / 100 == 3) {
      // RFC 2920 §3.1: DATA was accepted without a valid recipient; end it with a lone dot.
      s.write(".\r\n", "sending end of data");
      reply end = s.read_reply("reading reply to end of data");
      s.closed_by_421(end);
    }
    if (!mail_reply.completed()) {
      if (s.stream.is_open()) s.rset_quietly();
      throw sender_refused(from, std::move(mail_reply));
    }
    if (refused.size() == to.size()) {
      if (s.stream.is_open()) s.rset_quietly();
      throw recipients_refused(std::move(refused));
    }
    if (data_reply.code / 100 != 3) {
      s.rset_quietly();
      throw data_error("DATA", std::move(data_reply));
    }
  } else {
    // RFC 5321 §4.3.1: without PIPELINING, each command waits for the previous reply.
    reply mail_reply = s.command(mail_line);
    if (!mail_reply.completed()) {
      if (!s.closed_by_421(mail_reply)) s.rset_quietly();
      throw sender_refused(from, std::move(mail_reply));
    }
    for (const auto& rcpt : to) {
      reply r = s.command(path_line("RCPT TO", rcpt, rcpt_options));
      if (r.code == 421) abort_recipients(r);
      if (!r.completed()) refused.emplace(rcpt, std::move(r));
    }
    if (refused.size() == to.size()) {
      s.rset_quietly();
      throw recipients_refused(std::move(refused));
    }
    reply data_reply = s.command("DATA");
    if (data_reply.code / 100 != 3) {
      if (!s.closed_by_421(data_reply)) s.rset_quietly();
      throw data_error("DATA", std::move(data_reply));
    }
  }

  s.write(content, "sending message data");
  reply end = s.read_reply("reading reply to end of data");
  if (!end.completed()) {
    if (!s.closed_by_421(end)) s.rset_quietly();
    throw data_error("end of data", std::move(end));
  }
  return refused;
}

std::map<std::string, reply> client::send_message(const message& m,
                                                  const std::vector<std::string>& mail_options,
                                                  const std::vector<std::string>& rcpt_options) {
  ehlo_or_helo_if_needed();
  std::vector<std::string> recipients;
  for (const auto* list : {&m.to, &m.cc, &m.bcc})
    for (const auto& r : *list)
      recipients.push_back(extract_address(r));
  const std::string sender = extract_address(m.from);
  bool international = !is_ascii(sender);
  for (const auto& r : recipients)
    international = international || !is_ascii(r);
  compose_options co;
  co.eight_bit_mime = has_extn("8BITMIME");
  co.smtputf8 = international && has_extn("SMTPUTF8");
  return sendmail(sender, recipients, compose(m, co), mail_options, rcpt_options);
}

reply client::mail(const std::string& from, const std::vector<std::string>& params) {
  return impl_->command(path_line("MAIL FROM", from, params));
}

reply client::rcpt(const std::string& to, const std::vector<std::string>& params) {
  return impl_->command(path_line("RCPT TO", to, params));
}

reply client::data(std::string_view msg) {
  auto& s = *impl_;
  reply r = s.command("DATA");
  if (r.code / 100 != 3) return r;
  s.write(dot_stuff(msg) + ".\r\n", "sending message data");
  return s.read_reply("reading reply to end of data");
}

reply client::noop() {
  return impl_->command("NOOP");
}
reply client::rset() {
  return impl_->command("RSET");
}
reply client::vrfy(const std::string& address) {
  return impl_->command("VRFY " + address);
}

reply client::docmd(std::string_view cmd, std::string_view args) {
  std::string line(cmd);
  if (!args.empty()) {
    line += ' ';
    line += args;
  }
  return impl_->command(line);
}

reply client::quit() {
  auto& s = *impl_;
  if (!s.stream.is_open()) return {};
  reply r;
  try {
    s.send("QUIT");
    r = s.read_reply("reading reply to QUIT");
  } catch (const std::system_error&) {
  }
  s.close();
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
std::string client::local_hostname() const {
  return impl_->local_name;
}

void client::set_timeout(std::chrono::milliseconds timeout) {
  impl_->opts.timeout = timeout;
  impl_->stream.set_timeout(timeout);
}

}  // namespace ph::clients::smtp
