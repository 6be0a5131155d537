#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "clients/net/line_stream.hpp"
#include "clients/nntp/errors.hpp"
#include "clients/nntp/overview.hpp"
#include "clients/nntp/response.hpp"

namespace ph::clients::nntp {

struct options {
  /// Deadline of every network call (connect, each command write, each line read).
  std::chrono::milliseconds timeout{30000};
  /// Used by connect_tls() and starttls(); server_name defaults to the host connected to.
  net::tls_options tls;
  /// Upper bound on one multi-line data block (article, OVER output, LIST ...).
  std::size_t max_block = 64 * 1024 * 1024;
  /// Commands article_all() keeps in flight (at least 1; 1 is lock-step). An ARTICLE line is
  /// about a dozen octets: 256 of them (4 KiB) fit any socket buffer, so neither side blocks on
  /// the other while commands wait to be sent.
  std::size_t pipeline_window = 256;
  /// Acknowledge received data at once (net::line_stream::set_quick_ack). A server that writes
  /// the status line and the article separately without TCP_NODELAY (INN's nnrpd does) otherwise
  /// holds the article until our delayed ACK, up to 40 ms per response.
  bool quick_ack = true;
};

/// An article (or its head or body) as returned by ARTICLE, HEAD or BODY (RFC 3977 §6.2).
struct article {
  std::int64_t number = 0;
  std::string message_id;
  /// The block's lines, un-stuffed, without CRLF.
  std::vector<std::string> lines;
};

/// A synchronous NNTP client (RFC 3977) with the reach of Python's nntplib: reader commands,
/// OVER/XOVER (RFC 2980), POST and IHAVE, AUTHINFO USER/PASS (RFC 4643), STARTTLS (RFC 4642) and
/// implicit TLS (port 563).
///
/// Lock-step (but for article_all(), which pipelines): one command, then its whole response, then
/// the next. The client decides from the
/// command whether a multi-line block follows (e.g. 211 is single-line after GROUP, multi-line
/// after LISTGROUP). Every call that gets a 4xx response throws temporary_error, a 5xx
/// permanent_error (both carry code and text); a 400 (service discontinued, RFC 3977 §3.2.1) also
/// closes the connection. A status line that breaks the grammar, or a code the command does not
/// allow, throws net::error(malformed_reply). Transport failures and timeouts throw net::error
/// whose what() names the step. Arguments with CR, LF or NUL, and command lines over 512 octets
/// (RFC 3977 §3.1), are refused with nntp::error before anything is sent.
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

  /// Connects and reads the greeting: 200 (posting allowed) or 201 (not allowed). A 400 or 502
  /// greeting closes the connection and throws temporary_error / permanent_error (RFC 3977 §5.1).
  response connect(const std::string& host, std::uint16_t port = 119);
  /// As connect(), over implicit TLS (RFC 8143; port 563).
  response connect_tls(const std::string& host, std::uint16_t port = 563);
  /// From the last greeting or MODE READER response.
  bool posting_allowed() const;

  /// CAPABILITIES (RFC 3977 §5.2): label (upper-case) -> arguments. Always asks the server. The
  /// list changes after MODE READER, STARTTLS and authentication (§5.2.2): the client forgets it
  /// then.
  std::map<std::string, std::string> capabilities();
  /// MODE READER (RFC 3977 §5.3); updates posting_allowed().
  response mode_reader();

  /// GROUP (RFC 3977 §6.1.1). 411: temporary_error.
  group_info group(const std::string& name);
  /// LISTGROUP [group [range]] (RFC 3977 §6.1.2). A range without a group uses the group last
  /// selected with group() (nntp::error when there is none). range: "n", "n-" or "n-m".
  std::vector<std::int64_t> listgroup(std::optional<std::string> name = {},
                                      std::optional<std::string> range = {});
  /// OVER [range] (RFC 3977 §8.3); no range: the current article. The fields follow LIST
  /// OVERVIEW.FMT, asked once per connection; when the server does not support it (5xx), the
  /// RFC 3977 §8.4.1 default seven fields.
  std::vector<article_overview> over(std::optional<std::string> range = {});
  /// OVER message-id.
  std::vector<article_overview> over_message_id(const std::string& message_id);
  /// XOVER range (RFC 2980 §2.8), for servers older than RFC 3977.
  std::vector<article_overview> xover(const std::string& range);

  /// ARTICLE, HEAD, BODY and STAT (RFC 3977 §6.2): no argument = the current article.
  nntp::article article(std::optional<std::int64_t> number = {});
  nntp::article article(const std::string& message_id);
  nntp::article head(std::optional<std::int64_t> number = {});
  nntp::article head(const std::string& message_id);
  nntp::article body(std::optional<std::int64_t> number = {});
  nntp::article body(const std::string& message_id);
  /// ARTICLE of every number, in order, pipelined (RFC 3977 §3.5): up to
  /// options::pipeline_window commands are in flight, so neither a round trip nor a server's
  /// delayed write waits between articles. Every response is read before the first 4xx or 5xx
  /// met (e.g. 423 for a number that is gone) is thrown as temporary_error / permanent_error; a
  /// code other than 220 or an error class is net::error(malformed_reply). The current article
  /// ends at the last one retrieved.
  std::vector<nntp::article> article_all(const std::vector<std::int64_t>& numbers);
  article_ref stat(std::optional<std::int64_t> number = {});
  article_ref stat(const std::string& message_id);
  /// NEXT and LAST (RFC 3977 §6.1.3, §6.1.4).
  article_ref next();
  article_ref last();

  /// LIST [keyword [wildmat]] (RFC 3977 §7.6); the block's lines.
  std::vector<std::string> list(const std::string& keyword = {}, const std::string& wildmat = {});
  /// LIST ACTIVE [wildmat], parsed.
  std::vector<active_entry> list_active(const std::string& wildmat = {});
  /// NEWGROUPS yyyymmdd hhmmss GMT (RFC 3977 §7.3).
  std::vector<active_entry> newgroups(std::chrono::system_clock::time_point since);
  /// NEWNEWS wildmat yyyymmdd hhmmss GMT (RFC 3977 §7.4): message-ids.
  std::vector<std::string> newnews(const std::string& wildmat,
                                   std::chrono::system_clock::time_point since);

  /// POST (RFC 3977 §6.3.1): the article is sent only after 340, dot-stuffed. Refuses locally
  /// (nntp::error) an article without From, Newsgroups or Subject. Returns the 240 response.
  response post(const std::string& text);
  /// IHAVE (RFC 3977 §6.3.2): the article is sent only after 335. Returns the 235 response.
  response ihave(const std::string& message_id, const std::string& text);

  /// DATE (RFC 3977 §7.1): the server's "yyyymmddhhmmss" (UTC).
  std::string date();
  /// HELP (RFC 3977 §7.2): the help text's lines.
  std::vector<std::string> help();

  /// AUTHINFO USER, then (after 381, never pipelined: RFC 4643 §2.3.1) AUTHINFO PASS. Returns the
  /// 281 response. 481/482 throw temporary_error, 502 permanent_error.
  response authinfo(const std::string& user, const std::string& password);
  /// STARTTLS (RFC 4642) and the TLS handshake. Asks CAPABILITIES first (unless capabilities()
  /// was called since the last connect, MODE READER or authentication) and throws not_supported
  /// unless STARTTLS is listed; nntp::error if TLS is already active. No new greeting follows
  /// (RFC 4642 §2.2.2); the capabilities must be asked again.
  response starttls();

  /// QUIT, reads the response (205), closes. Transport errors are swallowed (the returned response
  /// then has code 0); on a closed client it does nothing and returns response{}.
  response quit();
  /// Closes without QUIT. Never throws.
  void close() noexcept;

  bool is_connected() const;
  bool tls_active() const;
  void set_timeout(std::chrono::milliseconds timeout);

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace ph::clients::nntp
