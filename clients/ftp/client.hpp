#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "clients/ftp/errors.hpp"
#include "clients/ftp/reply.hpp"
#include "clients/net/line_stream.hpp"

namespace ph::clients::ftp {

enum class tls_mode {
  none,
  /// AUTH TLS on the control connection at connect (RFC 4217 §4), then PBSZ 0 and PROT P after
  /// login (or before the first transfer): data connections are protected too.
  explicit_tls,
  /// TLS from the first octet on both channels (FTPS, port 990).
  implicit_tls,
};

struct options {
  /// Deadline of every network call on either channel (connect, each write, each line or block
  /// read, waiting for an active-mode data connection).
  std::chrono::milliseconds timeout{30000};
  tls_mode tls = tls_mode::none;
  /// server_name defaults to the host connected to; applies to data channels too.
  net::tls_options tls_options;
  /// Passive mode (the client connects the data channel); false: active mode (PORT/EPRT).
  bool passive = true;
  /// Try EPSV first (RFC 2428 §3) and fall back to PASV after a 500 or 502 (remembered).
  bool use_epsv = true;
  /// Connect to the host a 227 reply names. Off: connect to the control peer's address and
  /// ignore the named host (a server, or a man in the middle, must not aim the client's data
  /// connection elsewhere; the "FTP bounce" family).
  bool trust_pasv_host = false;
  /// Longest control line accepted, CRLF excluded.
  std::size_t max_line = 8 * 1024;
  /// Longest reply accepted, in lines.
  std::size_t max_reply_lines = 10000;
};

/// A synchronous FTP client (RFC 959, RFC 1123 §4.1) with the reach of Python's ftplib: login,
/// FEAT (RFC 2389), PWD/CWD/CDUP/MKD/RMD/DELE/RNFR+RNTO, SIZE/MDTM/REST/MLSD (RFC 3659), TYPE,
/// NLST/LIST/MLSD, RETR/STOR/APPE in binary or line mode, passive (EPSV/PASV, RFC 2428) and active
/// (PORT/EPRT) data connections, AUTH TLS/PBSZ/PROT (RFC 4217) and implicit TLS, ABOR.
///
/// Command helpers throw like ftplib: transient_error for 4xx, permanent_error for 5xx,
/// protocol_error for a reply of an unexpected class; sendcmd() returns any complete reply.
/// Transport failures, timeouts and malformed replies (no code, bare LF, line too long) throw
/// std::system_error (net::error). Every argument containing CR, LF or NUL is refused with
/// ftp::error before anything is sent.
///
/// A transfer waits for the 1xx reply before using the data connection, reads or writes it to
/// the end, closes it, then reads the completion reply before returning.
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

  /// Connects and reads the greeting (120 replies are followed by the real one, RFC 959 §5.4).
  /// With explicit TLS, also AUTH TLS and the handshake. A non-2xx greeting throws (after
  /// closing).
  reply connect(const std::string& host, std::uint16_t port = 21);
  /// The greeting's text.
  const std::string& welcome() const;

  /// USER, then PASS when asked (331), then ACCT is refused as not supported (332 throws
  /// protocol_error). Anonymous by default, as ftplib. With explicit TLS, PBSZ 0 and PROT P
  /// follow.
  reply login(const std::string& user = "anonymous", const std::string& password = "anonymous@");
  /// FEAT (RFC 2389 §3): feature name (upper-cased) -> parameters ("" when none).
  std::map<std::string, std::string> feat();
  /// AUTH TLS and the TLS handshake (RFC 4217 §4); connect() does it for tls_mode::explicit_tls.
  reply auth_tls();
  /// PBSZ 0 then PROT P (RFC 4217 §8-9): later data connections are TLS-protected.
  reply prot_p();
  /// PROT C: later data connections are clear.
  reply prot_c();

  std::string pwd();
  reply cwd(const std::string& path);
  reply cdup();
  /// MKD; returns the created directory's path from the 257 reply (the argument when absent).
  std::string mkd(const std::string& path);
  reply rmd(const std::string& path);
  /// DELE.
  reply dele(const std::string& path);
  /// RNFR (expects 350) then RNTO.
  reply rename(const std::string& from, const std::string& to);
  /// SIZE (RFC 3659 §4): the 213 number.
  std::uint64_t size(const std::string& path);
  /// MDTM (RFC 3659 §3): the 213 timestamp "YYYYMMDDHHMMSS[.sss]" as sent.
  std::string mdtm(const std::string& path);
  /// TYPE A or TYPE I.
  reply type(char code);
  reply noop();

  /// Sends one command line and returns its complete reply, whatever its class.
  reply sendcmd(const std::string& line);
  /// As sendcmd(), but throws unless the reply is 2xx.
  reply voidcmd(const std::string& line);

  using block_callback = std::function<void(std::string_view)>;
  using line_callback = std::function<void(const std::string&)>;

  /// TYPE I, then a data transfer with `command` (e.g. "RETR f"), each block read passed to
  /// callback (at most block_size octets each). rest: REST offset first (RFC 3659 §5). Returns
  /// the completion reply.
  reply retrbinary(const std::string& command, const block_callback& callback,
                   std::size_t block_size = 8192, std::optional<std::uint64_t> rest = {});
  /// TYPE A, then a transfer whose lines (CRLF or LF removed) go to callback.
  reply retrlines(const std::string& command, const line_callback& callback);
  /// TYPE I, then uploads `in` in blocks of block_size with `command` (e.g. "STOR f").
  reply storbinary(const std::string& command, std::istream& in, std::size_t block_size = 8192,
                   std::optional<std::uint64_t> rest = {});
  /// TYPE A, then uploads `in` line by line, each line ended with CRLF (RFC 959 §3.1.1.1).
  reply storlines(const std::string& command, std::istream& in);

  /// NLST [path]: names.
  std::vector<std::string> nlst(const std::string& path = "");
  /// LIST [path]: the listing's lines (ftplib's dir()).
  std::vector<std::string> list(const std::string& path = "");
  /// MLSD [path] (RFC 3659 §7): entries with lower-case fact names; cdir and pdir entries are
  /// skipped.
  std::vector<mlsd_entry> mlsd(const std::string& path = "");

  /// ABOR (RFC 959 §4.1.3). Outside TLS preceded by Telnet IP and Synch (IAC IP, then IAC DM as
  /// urgent data). A 426 is followed by the 226/225 read too; returns the last reply. Throws
  /// for replies other than 225, 226 and 426.
  reply abort();
  /// QUIT, then close. Transport failures are swallowed (the reply is then {}).
  reply quit();
  /// Closes without QUIT. Never throws.
  void close() noexcept;

  bool is_connected() const;
  bool tls_active() const;
  void set_timeout(std::chrono::milliseconds timeout);

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace ph::clients::ftp
