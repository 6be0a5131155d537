#pragma once

#include <map>
#include <stdexcept>
#include <string>

#include "clients/smtp/reply.hpp"

namespace ph::clients::smtp {

/// Base of the SMTP client's exceptions (as Python's smtplib). Transport failures are not in this
/// family: they are std::system_error (net::error) with the net category.
class error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The server does not advertise what the call needs (an extension, a mechanism, SMTPUTF8, ...).
class not_supported : public error {
 public:
  using error::error;
};

/// The server answered with an unexpected reply; what() includes the code and the text.
class response_error : public error {
 public:
  /// what() is "<context>: <code> <text>" (context may be empty).
  response_error(const std::string& context, smtp::reply r);
  int code() const { return reply_.code; }
  /// The reply's lines joined by "\n".
  const std::string& text() const { return text_; }
  const smtp::reply& reply() const { return reply_; }

 private:
  smtp::reply reply_;
  std::string text_;
};

/// MAIL FROM was refused.
class sender_refused : public response_error {
 public:
  sender_refused(std::string sender, smtp::reply r);
  const std::string& sender() const { return sender_; }

 private:
  std::string sender_;
};

/// Every recipient was refused (as Python's smtplib, not thrown when at least one was accepted:
/// sendmail then returns the refused ones).
class recipients_refused : public error {
 public:
  explicit recipients_refused(std::map<std::string, smtp::reply> refused);
  /// Every refused recipient with the reply it got.
  const std::map<std::string, smtp::reply>& recipients() const { return refused_; }

 private:
  std::map<std::string, smtp::reply> refused_;
};

/// DATA was not answered 354, or the message was not accepted after the final dot.
class data_error : public response_error {
 public:
  using response_error::response_error;
};

/// The greeting was not 220 (or the server closed the connection with 421).
class connect_error : public response_error {
 public:
  using response_error::response_error;
};

/// Neither EHLO nor HELO was accepted.
class helo_error : public response_error {
 public:
  using response_error::response_error;
};

/// Authentication failed; carries the last failure reply.
class auth_error : public response_error {
 public:
  using response_error::response_error;
};

}  // namespace ph::clients::smtp
