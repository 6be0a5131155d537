#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "clients/net/line_stream.hpp"
#include "clients/smtp/errors.hpp"
#include "clients/smtp/message.hpp"
#include "clients/smtp/reply.hpp"

namespace ph::clients::smtp {

struct options {
  /// Deadline of every network call (connect, each command write, each reply read).
  std::chrono::milliseconds timeout{30000};
  /// The EHLO/HELO argument. Empty: an address literal of the local endpoint, "[127.0.0.1]" or
  /// "[IPv6:::1]" — never a bare IP or an unqualified name (RFC 5321 §4.1.4, §4.1.3).
  std::string local_hostname;
  /// Used by connect_tls() and starttls(); server_name defaults to the host connected to.
  net::tls_options tls;
};

/// A synchronous SMTP client (RFC 5321) with the reach of Python's smtplib: EHLO/HELO, STARTTLS
/// (RFC 3207), AUTH PLAIN/LOGIN/CRAM-MD5 (RFC 4954), SIZE (RFC 1870), 8BITMIME (RFC 6152),
/// PIPELINING (RFC 2920) and SMTPUTF8 (RFC 6531).
///
/// Verbs (helo, ehlo, mail, rcpt, data, noop, rset, vrfy, docmd, quit) return the reply they got,
/// 4yz and 5yz included. Whole-job helpers (connect, starttls, login, sendmail, send_message)
/// throw the smtp::error family. Transport failures, timeouts and malformed replies throw
/// std::system_error (net::error) whose what() names the step, e.g. "reading reply to RCPT: ...".
/// Every command line is refused with smtp::error before anything is sent if an argument contains
/// CR or LF (no command injection).
///
/// No network I/O happens in constructors or the destructor (which closes without QUIT). A
/// moved-from client may only be destroyed or assigned to.
class client {
 public:
  explicit client(options opts = {});
  ~client();
  client(client&&) noexcept;
  client& operator=(client&&) noexcept;
  client(const client&) = delete;
  client& operator=(const client&) = delete;

  /// Connects and reads the greeting. A greeting other than 220 (e.g. 554, RFC 5321 §3.1) makes
  /// the client send QUIT (best effort), close, and throw connect_error.
  reply connect(const std::string& host, std::uint16_t port = 25);
  /// As connect(), over implicit TLS (RFC 8314; port 465).
  reply connect_tls(const std::string& host, std::uint16_t port = 465);

  /// HELO; name defaults to options::local_hostname. Clears the known extensions.
  reply helo(std::string name = {});
  /// EHLO; on a 2yz reply records the advertised extensions (see extensions::parse).
  reply ehlo(std::string name = {});
  /// Sends EHLO unless EHLO or HELO has succeeded since the last connect or STARTTLS; falls back
  /// to HELO when EHLO gets a 5yz reply (RFC 5321 §3.2). Throws helo_error.
  void ehlo_or_helo_if_needed();
  bool has_extn(std::string_view keyword) const;
  std::optional<std::string> extension_params(std::string_view keyword) const;
  /// Keyword (upper-case) -> parameters, from the last successful EHLO.
  const std::map<std::string, std::string>& esmtp_features() const;
  bool does_esmtp() const;

  /// STARTTLS and the TLS handshake (options::tls). Throws not_supported unless STARTTLS is
  /// advertised, smtp::error if TLS is already active (RFC 3207 §4.2), response_error on a non-220
  /// reply, net::error(tls_failed) if the handshake or verification fails (the connection is then
  /// closed). Afterwards the EHLO state and extensions are forgotten, so the next operation sends
  /// EHLO again (RFC 3207 §4.2).
  reply starttls();

  /// AUTH (RFC 4954), after EHLO if needed. Tries CRAM-MD5, PLAIN, LOGIN in that order, limited to
  /// the advertised mechanisms, or only `mechanism` when given. Returns the 235 reply (or 503,
  /// "already authenticated", as Python's smtplib). Throws not_supported without AUTH or a usable
  /// mechanism, auth_error with the last failure reply.
  reply login(const std::string& user, const std::string& password,
              std::optional<std::string> mechanism = {});

  /// Sends one message (as Python's smtplib): EHLO if needed, MAIL, RCPT for each of `to`, DATA,
  /// the dot-stuffed message. Returns the refused recipients (empty when all were accepted).
  ///
  /// MAIL parameters added when advertised: SIZE=<octets of the CRLF-normalised message>
  /// (RFC 1870), BODY=8BITMIME for 8-bit content (RFC 6152), SMTPUTF8 when an address or the
  /// header section is non-ASCII (RFC 6531); then mail_options. rcpt_options go on every RCPT.
  /// With PIPELINING, MAIL, every RCPT and DATA go in one write and the replies are read in order
  /// (RFC 2920); otherwise one command at a time.
  ///
  /// Throws: smtp::error when `to` is empty, an address contains CR/LF, or the message exceeds an
  /// advertised non-zero SIZE (checked before MAIL, RFC 1870 §6); not_supported when the message
  /// needs SMTPUTF8 or 8BITMIME and the server lacks it; sender_refused (after RSET);
  /// recipients_refused when every recipient is refused (after RSET); data_error when DATA is not
  /// answered 354 or the message is not accepted. A 421 at any step closes the connection and
  /// throws the error of that step.
  std::map<std::string, reply> sendmail(const std::string& from, const std::vector<std::string>& to,
                                        std::string_view msg,
                                        const std::vector<std::string>& mail_options = {},
                                        const std::vector<std::string>& rcpt_options = {});
  /// compose()s m (8bit / UTF-8 headers as the server allows) and sendmail()s it from the address
  /// of m.from to the addresses of to + cc + bcc.
  std::map<std::string, reply> send_message(const message& m,
                                            const std::vector<std::string>& mail_options = {},
                                            const std::vector<std::string>& rcpt_options = {});

  /// "MAIL FROM:<from>[ SP params]" (RFC 5321 §4.1.1.2, §4.1.2: no space after the colon, angle
  /// brackets always, "<>" for an empty sender). `from` may be "a@x", "<a@x>" or "Name <a@x>".
  reply mail(const std::string& from, const std::vector<std::string>& params = {});
  /// "RCPT TO:<to>[ SP params]".
  reply rcpt(const std::string& to, const std::vector<std::string>& params = {});
  /// DATA; on a 3yz reply sends dot_stuff(msg) and ".", and returns the final reply. Any other
  /// reply to DATA is returned as is.
  reply data(std::string_view msg);
  reply noop();
  reply rset();
  reply vrfy(const std::string& address);
  /// Any command: "cmd" or "cmd SP args".
  reply docmd(std::string_view cmd, std::string_view args = {});
  /// Sends QUIT, reads the reply (221 expected), closes. Transport errors are swallowed (the
  /// returned reply then has code 0); on a closed client it does nothing and returns reply{}.
  reply quit();
  /// Closes without QUIT. Never throws.
  void close() noexcept;

  bool is_connected() const;
  bool tls_active() const;
  /// The EHLO/HELO argument in use (options::local_hostname or the address literal).
  std::string local_hostname() const;
  void set_timeout(std::chrono::milliseconds timeout);

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace ph::clients::smtp
