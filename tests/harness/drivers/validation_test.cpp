// What `protoharness check` says about client steps and client options, protocol by protocol:
// each message (and the line it names) as scenario authors see it.

#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "harness/driver.hpp"
#include "harness/protocols.hpp"
#include "vocabulary/scenario.hpp"

namespace ph::harness {
namespace {

// The scenario_error of validating `body` (lines 3...) with `protocol`'s driver; "" if valid.
std::string check(std::string_view protocol, const std::string& body) {
  const std::string text = "protocol = \"" + std::string(protocol) + "\"\nsummary = \"s\"\n" +
                           body + "[server]\nmode = \"model\"\n";
  const scenario scen = parse_scenario(text, "t.toml", "");
  try {
    find_protocol(protocol)->client_driver->validate(scen);
  } catch (const scenario_error& e) {
    return e.what();
  }
  return "";
}

// One step on lines 3 ([[client]]), 4 (op) and 5 (args).
std::string step(const std::string& op, const std::string& args = "") {
  return "[[client]]\nop = \"" + op + "\"\nargs = {" + args + "}\n";
}

TEST(SmtpDriverValidation, NamesEachFault) {
  EXPECT_EQ(check("smtp", "[client_options]\nfoo = 1\n"),
            "t.toml:4: unknown SMTP client option 'foo' (timeout_ms, local_hostname, tls, "
            "tls_verify, tls_server_name)");
  EXPECT_EQ(check("smtp", step("bogus")),
            "t.toml:4: unknown SMTP op 'bogus' (known: close, connect, data, docmd, ehlo, helo, "
            "login, mail, noop, quit, rcpt, rset, send_message, sendmail, starttls, vrfy)");
  EXPECT_EQ(check("smtp", step("login", "user = \"u\"")),
            "t.toml:3: op 'login' needs args.password");
  EXPECT_EQ(check("smtp", step("sendmail", "message = \"m\"")),
            "t.toml:3: op 'sendmail' needs args.from");
  EXPECT_EQ(check("smtp", step("noop", "x = \"1\"")), "t.toml:5: op 'noop' takes no argument 'x'");
  EXPECT_EQ(check("smtp", step("ehlo", "name = 1")), "t.toml:5: argument 'name' must be a string");
  EXPECT_EQ(check("smtp", step("rcpt", "to = 1")),
            "t.toml:5: argument 'to' must be a string or an array of strings");
  EXPECT_EQ(check("smtp", step("ehlo", "name = [\"a\"]")),
            "t.toml:5: argument 'name' must be a string");
  EXPECT_EQ(check("smtp", step("send_message", "from = \"a\", to = \"b\", headers = \"x\"")),
            "t.toml:5: headers must be a table");
}

TEST(SmtpDriverValidation, AcceptsWhatTheTableAllows) {
  EXPECT_EQ(
      check("smtp", "[client_options]\ntls = \"implicit\"\nlocal_hostname = \"h\"\n" +
                        step("connect", "tls = \"plain\"") +
                        step("sendmail",
                             "from = \"a\", to = [\"b\", \"c\"], message = \"m\", "
                             "mail_options = \"SMTPUTF8\"") +
                        step("send_message", "from = \"a\", to = \"b\", headers = {X = \"1\"}") +
                        step("docmd", "command = \"X\"") + step("quit")),
      "");
}

TEST(Pop3DriverValidation, NamesEachFault) {
  EXPECT_EQ(check("pop3", "[client_options]\nfoo = 1\n"),
            "t.toml:4: unknown POP3 client option 'foo' (timeout_ms, tls, tls_verify, "
            "tls_server_name, require_tls)");
  EXPECT_EQ(check("pop3", "[client_options]\nrequire_tls = 1\n"),
            "t.toml:4: argument 'require_tls' must be a boolean");
  EXPECT_EQ(check("pop3", step("bogus")),
            "t.toml:4: unknown POP3 op 'bogus' (known: apop, auth, capa, close, connect, dele, "
            "list, noop, pass, quit, retr, rset, stat, stls, top, uidl, user)");
  EXPECT_EQ(check("pop3", step("top", "which = 1")), "t.toml:3: op 'top' needs args.lines");
  EXPECT_EQ(check("pop3", step("stat", "which = 1")),
            "t.toml:5: op 'stat' takes no argument 'which'");
  EXPECT_EQ(check("pop3", step("retr", "which = -1")),
            "t.toml:5: argument 'which' must be a non-negative integer");
  EXPECT_EQ(check("pop3", step("retr", "which = \"1\"")),
            "t.toml:5: argument 'which' must be a non-negative integer");
  EXPECT_EQ(check("pop3", step("user", "name = 1")), "t.toml:5: argument 'name' must be a string");
  EXPECT_EQ(check("pop3", step("connect", "tls = \"plain\"")),
            "t.toml:5: tls must be \"implicit\"");
  EXPECT_EQ(check("pop3", "[client_options]\ntls = \"explicit\"\n"),
            "t.toml:4: tls must be \"implicit\"");
  // Client options are checked before the steps.
  EXPECT_EQ(check("pop3", "[client_options]\ntls = \"explicit\"\n" + step("bogus")),
            "t.toml:4: tls must be \"implicit\"");
}

TEST(Pop3DriverValidation, AcceptsWhatTheTableAllows) {
  EXPECT_EQ(check("pop3", "[client_options]\ntls = \"implicit\"\n" + step("connect") +
                              step("auth", "user = \"u\", password = \"p\"") +
                              step("top", "which = 1, lines = 0") + step("list") + step("quit")),
            "");
}

TEST(NntpDriverValidation, NamesEachFault) {
  EXPECT_EQ(check("nntp", "[client_options]\nfoo = 1\n"),
            "t.toml:4: unknown NNTP client option 'foo' (timeout_ms, tls, tls_verify, "
            "tls_server_name)");
  EXPECT_EQ(check("nntp", step("bogus")),
            "t.toml:4: unknown NNTP op 'bogus' (known: article, authinfo, body, capabilities, "
            "close, connect, date, group, head, help, ihave, last, list, listgroup, mode_reader, "
            "newgroups, newnews, next, over, post, quit, starttls, stat, xover)");
  EXPECT_EQ(check("nntp", step("newnews", "since = \"20240101 000000\"")),
            "t.toml:3: op 'newnews' needs args.wildmat");
  EXPECT_EQ(check("nntp", step("article", "number = 1, message_id = \"<a@b>\"")),
            "t.toml:3: op 'article' takes number or message_id, not both");
  EXPECT_EQ(check("nntp", step("over", "range = \"1-\", message_id = \"<a@b>\"")),
            "t.toml:3: op 'over' takes range or message_id, not both");
  EXPECT_EQ(check("nntp", step("next", "number = 1")),
            "t.toml:5: op 'next' takes no argument 'number'");
  EXPECT_EQ(check("nntp", step("stat", "number = \"1a\"")),
            "t.toml:5: number must be a non-negative integer");
  EXPECT_EQ(check("nntp", step("stat", "number = \"\"")),
            "t.toml:5: number must be a non-negative integer");
  EXPECT_EQ(check("nntp", step("group", "name = 1")), "t.toml:5: argument 'name' must be a string");
  EXPECT_EQ(check("nntp", step("xover", "range = true")),
            "t.toml:5: argument 'range' must be a string or an integer");
  EXPECT_NE(check("nntp", step("newgroups", "since = \"yesterday\"")).find("t.toml:5: "),
            std::string::npos);
  EXPECT_EQ(check("nntp", step("newgroups", "since = 5")),
            "t.toml:5: argument 'since' must be a string");
}

TEST(NntpDriverValidation, AcceptsWhatTheTableAllows) {
  EXPECT_EQ(check("nntp", step("connect") + step("group", "name = \"g\"") +
                              step("article", "number = \"3\"") + step("head", "number = 3") +
                              step("over", "range = 1") + step("listgroup") +
                              step("newgroups", "since = \"20240101 000000\"") + step("quit")),
            "");
}

TEST(FtpDriverValidation, NamesEachFault) {
  EXPECT_EQ(check("ftp", "[client_options]\nfoo = 1\n"),
            "t.toml:4: unknown FTP client option 'foo' (timeout_ms, tls, tls_verify, "
            "tls_server_name, passive, use_epsv, trust_pasv_host)");
  EXPECT_EQ(check("ftp", "[client_options]\npassive = \"yes\"\n"),
            "t.toml:4: 'passive' must be true or false");
  EXPECT_EQ(check("ftp", "[client_options]\ntls = 1\n"), "t.toml:4: 'tls' must be a string");
  EXPECT_EQ(check("ftp", "[client_options]\ntls = \"plain\"\n"),
            "t.toml:4: tls must be \"explicit\" or \"implicit\"");
  EXPECT_EQ(check("ftp", step("bogus")),
            "t.toml:4: unknown FTP op 'bogus' (known: abort, appe, cdup, close, connect, cwd, "
            "delete, feat, list, login, mdtm, mkd, mlsd, nlst, noop, pwd, quit, rename, retr, rmd, "
            "size, stor, type)");
  EXPECT_EQ(check("ftp", step("rename", "from = \"a\"")), "t.toml:3: op 'rename' needs args.to");
  EXPECT_EQ(check("ftp", step("pwd", "path = \"a\"")),
            "t.toml:5: op 'pwd' takes no argument 'path'");
  EXPECT_EQ(check("ftp", step("retr", "path = \"a\", rest = -1")),
            "t.toml:5: 'rest' must be a non-negative integer");
  EXPECT_EQ(check("ftp", step("retr", "path = \"a\", binary = 1")),
            "t.toml:5: 'binary' must be true or false");
  EXPECT_EQ(check("ftp", step("cwd", "path = 1")), "t.toml:5: 'path' must be a string");
  EXPECT_EQ(check("ftp", step("type", "code = \"E\"")), "t.toml:5: code must be A or I");
  EXPECT_EQ(check("ftp", step("stor", "path = \"a\", data = \"x\", size = 1")),
            "t.toml:5: give data or size, not both");
  EXPECT_EQ(check("ftp", step("appe", "path = \"a\", binary = false, rest = 1")),
            "t.toml:5: rest needs binary = true");
}

TEST(FtpDriverValidation, AcceptsWhatTheTableAllows) {
  EXPECT_EQ(check("ftp", "[client_options]\ntls = \"explicit\"\npassive = false\n" + step("login") +
                             step("type", "code = \"I\"") +
                             step("stor", "path = \"a\", size = 10, rest = 2") +
                             step("retr", "path = \"a\", binary = false") + step("quit")),
            "");
}

TEST(HttpDriverValidation, NamesEachFault) {
  EXPECT_EQ(check("http", "[client_options]\nfoo = 1\n"),
            "t.toml:4: unknown HTTP client option 'foo' (timeout_ms, tls_verify, max_redirects, "
            "headers)");
  EXPECT_EQ(check("http", "[client_options]\nheaders = 1\n"), "t.toml:4: headers must be a table");
  EXPECT_EQ(check("http", "[client_options]\ntls_verify = 1\n"),
            "t.toml:4: tls_verify must be a boolean");
  EXPECT_EQ(check("http", "[client_options]\nmax_redirects = \"3\"\n"),
            "t.toml:4: max_redirects must be an integer");
  EXPECT_EQ(check("http", step("close", "x = 1")), "t.toml:5: op 'close' takes no arguments");
  EXPECT_EQ(check("http", step("bogus")),
            "t.toml:4: unknown HTTP op 'bogus' (known: request, get, head, post, put, patch, "
            "delete, options, raise_for_status, close)");
  EXPECT_EQ(check("http", step("get", "url = \"u\", method = \"GET\"")),
            "t.toml:5: op 'get' takes no argument 'method'");
  EXPECT_EQ(check("http", step("get", "url = \"u\", x = 1")),
            "t.toml:5: op 'get' takes no argument 'x'");
  EXPECT_EQ(check("http", step("get", "url = 1")), "t.toml:5: argument 'url' has the wrong type");
  EXPECT_EQ(check("http", step("get", "url = \"u\", auth = [\"a\"]")),
            "t.toml:5: argument 'auth' has the wrong type");
  EXPECT_EQ(check("http", step("post", "url = \"u\", data = 1")),
            "t.toml:5: argument 'data' has the wrong type");
  EXPECT_EQ(check("http", step("get", "url = \"u\", stream = 1")),
            "t.toml:5: argument 'stream' has the wrong type");
  EXPECT_EQ(check("http", step("post", "url = \"u\", files = {f = {content = 1}}")),
            "t.toml:5: a file is a table {filename, content, content_type} of strings");
  EXPECT_EQ(check("http", step("get")), "t.toml:3: op 'get' needs args.url");
  EXPECT_EQ(check("http", step("request", "url = \"u\"")),
            "t.toml:3: op 'request' needs args.method");
  // Required arguments are checked before the types of those given.
  EXPECT_EQ(check("http", step("get", "stream = 1")), "t.toml:3: op 'get' needs args.url");
}

TEST(HttpDriverValidation, AcceptsWhatTheTableAllows) {
  EXPECT_EQ(check("http", "[client_options]\nheaders = {A = \"1\"}\nmax_redirects = 3\n" +
                              step("request", "method = \"GET\", url = \"{base}/\"") +
                              step("post",
                                   "url = \"u\", data = {a = 1}, json = [1], "
                                   "files = {f = {content = \"c\"}}, auth = [\"u\", \"p\"]") +
                              step("raise_for_status") + step("close")),
            "");
}

}  // namespace
}  // namespace ph::harness
