#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ph::clients::smtp {

/// A plain-text mail message. Addresses are "a@example.org" or "Display Name <a@example.org>".
struct message {
  std::string from;
  std::vector<std::string> to, cc;
  /// Envelope-only recipients: never written to the header section.
  std::vector<std::string> bcc;
  std::string subject;
  /// Extra header fields, written in order after the standard ones. Names must be printable ASCII
  /// without ':'; From, To, Cc, Bcc, Subject, Date, Message-ID, MIME-Version and
  /// Content-Transfer-Encoding are reserved (compose() throws smtp::error); Content-Type replaces
  /// the default text/plain one.
  std::vector<std::pair<std::string, std::string>> headers;
  /// Text with any line ending; compose() normalises it to CRLF.
  std::string body;
  /// Used as given when set; otherwise the current time (format_date).
  std::optional<std::string> date;
  /// "<id@domain>" used as given when set (angle brackets added if missing); otherwise a fresh one.
  std::optional<std::string> message_id;
};

/// What the transport allows; decides the encodings compose() uses.
struct compose_options {
  /// 8BITMIME is available (RFC 6152): an 8-bit body is sent as "8bit" instead of being converted
  /// to quoted-printable.
  bool eight_bit_mime = false;
  /// SMTPUTF8 is in use (RFC 6531, RFC 6532): UTF-8 header text is written as is instead of as
  /// RFC 2047 encoded-words; implies an 8-bit body is acceptable.
  bool smtputf8 = false;
  /// Right-hand side of a generated Message-ID. Empty: the domain of `from`, else
  /// "protoharness.invalid".
  std::string domain;
};

/// Builds an RFC 5322 message with CRLF line ends: Date, From, To, Cc, Subject, Message-ID, the
/// extra headers, MIME-Version, Content-Type (text/plain; charset=utf-8) and
/// Content-Transfer-Encoding, an empty line, the body.
///
/// The body is sent as 7bit when it is ASCII; an 8-bit body as 8bit when options allow it, else as
/// quoted-printable (RFC 2045 §6.7); a body with a line over 998 octets (RFC 5322 §2.1.1) or a NUL
/// as quoted-printable with soft line breaks. Non-ASCII header text becomes RFC 2047 encoded-words
/// (=?utf-8?b?...?=) unless options.smtputf8. Long header fields are folded.
/// Throws smtp::error for CR or LF in any header value or address (header injection,
/// RFC 5322 §2.2) and for an invalid or reserved header name.
std::string compose(const message& m, const compose_options& options = {});

/// RFC 5322 §3.3 date-time in UTC with a numeric zone: "Sun, 22 Nov 2026 03:08:21 +0000".
std::string format_date(std::chrono::system_clock::time_point when);

/// A fresh "<unique@domain>" Message-ID (RFC 5322 §3.6.4): time, a process-wide counter and random
/// bits, so two calls never return the same value.
std::string make_message_id(std::string_view domain);

/// RFC 2047 encoded-words for text (B encoding, UTF-8), each at most 75 characters, split only
/// between UTF-8 sequences and separated by one SP (ignored between adjacent encoded-words,
/// RFC 2047 §6.2; compose() folds there). ASCII-only text is returned as is.
std::string encode_words(std::string_view text);

/// Line ends normalised to CRLF: a bare LF or a bare CR becomes CRLF (as Python's smtplib).
std::string fix_eols(std::string_view data);

/// RFC 5321 §4.5.2 transparency: the data block to send after a 354 reply, without the final
/// ".\r\n". Line ends are normalised first (fix_eols), every line starting with '.' gets one more
/// '.', and a CRLF is appended when the result does not end with one (so an empty body becomes
/// "\r\n", as Python's smtplib).
std::string dot_stuff(std::string_view body);

/// The address of an "a@x", "<a@x>" or "Name <a@x>" string (the text inside the last <...>, else
/// the trimmed input).
std::string extract_address(std::string_view mailbox);

}  // namespace ph::clients::smtp
