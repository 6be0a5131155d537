#include "clients/smtp/message.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <set>
#include <string>

#include "clients/codec/base64.hpp"
#include "clients/smtp/errors.hpp"

namespace smtp = ph::clients::smtp;

namespace {

std::string headers_of(const std::string& msg) {
  return msg.substr(0, msg.find("\r\n\r\n") + 2);
}
std::string body_of(const std::string& msg) {
  return msg.substr(msg.find("\r\n\r\n") + 4);
}

// Every line ends in CRLF, no bare CR or LF, no line over 998 octets.
void expect_wellformed_lines(const std::string& msg) {
  std::size_t start = 0;
  while (start < msg.size()) {
    const auto end = msg.find("\r\n", start);
    ASSERT_NE(end, std::string::npos) << "unterminated last line";
    const std::string line = msg.substr(start, end - start);
    EXPECT_EQ(line.find_first_of("\r\n"), std::string::npos) << "bare CR/LF in: " << line;
    EXPECT_LE(line.size(), 998u);
    start = end + 2;
  }
}

// "<local@domain>" with local made of letters, digits and dots.
bool is_message_id(const std::string& id, const std::string& domain) {
  const std::string tail = "@" + domain + ">";
  if (id.size() <= tail.size() + 1 || id.front() != '<' || !id.ends_with(tail)) return false;
  const std::string local = id.substr(1, id.size() - tail.size() - 1);
  return std::all_of(local.begin(), local.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.';
  });
}

// The value of the first header field named name (unfolded lines not handled: test fields are
// short).
std::string field_value(const std::string& headers, const std::string& name) {
  const auto start = headers.find(name + ": ");
  if (start == std::string::npos) return {};
  const auto value = start + name.size() + 2;
  return headers.substr(value, headers.find("\r\n", value) - value);
}

// RFC 5322 §3.3 as generated: "Www, DD Mmm YYYY HH:MM:SS +0000".
bool is_date(const std::string& d) {
  static const std::string days = "Mon Tue Wed Thu Fri Sat Sun";
  static const std::string months = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec";
  const std::string shape = "Www, 00 Mmm 0000 00:00:00 +0000";
  if (d.size() != shape.size()) return false;
  for (std::size_t i = 0; i < d.size(); ++i) {
    if (shape[i] == '0' && std::isdigit(static_cast<unsigned char>(d[i])) == 0) return false;
    if ((shape[i] == ' ' || shape[i] == ',' || shape[i] == ':' || shape[i] == '+') &&
        d[i] != shape[i])
      return false;
  }
  return days.find(d.substr(0, 3)) != std::string::npos &&
         months.find(d.substr(8, 3)) != std::string::npos && d.substr(26) == "+0000";
}

smtp::message simple() {
  smtp::message m;
  m.from = "alice@example.org";
  m.to = {"bob@example.net"};
  m.subject = "hello";
  m.body = "Hi Bob\n";
  return m;
}

}  // namespace

TEST(SmtpDotStuff, LeadingDotsDoubled) {
  EXPECT_EQ(smtp::dot_stuff(".hidden\r\nnormal\r\n..two\r\n"), "..hidden\r\nnormal\r\n...two\r\n");
}

TEST(SmtpDotStuff, LineThatIsOnlyADot) {
  EXPECT_EQ(smtp::dot_stuff("a\r\n.\r\nb\r\n"), "a\r\n..\r\nb\r\n");
  EXPECT_EQ(smtp::dot_stuff("."), "..\r\n");
}

TEST(SmtpDotStuff, NormalisesBareLfAndCr) {
  EXPECT_EQ(smtp::dot_stuff("a\nb\rc\r\n"), "a\r\nb\r\nc\r\n");
  // The smuggling shapes never survive as a dot framed by bare line ends.
  EXPECT_EQ(smtp::dot_stuff("x\n.\nMAIL FROM:<e@x>\n"), "x\r\n..\r\nMAIL FROM:<e@x>\r\n");
  EXPECT_EQ(smtp::dot_stuff("x\r.\rz"), "x\r\n..\r\nz\r\n");
}

TEST(SmtpDotStuff, AppendsFinalCrlf) {
  EXPECT_EQ(smtp::dot_stuff("no newline"), "no newline\r\n");
  EXPECT_EQ(smtp::dot_stuff(""), "\r\n");
  EXPECT_EQ(smtp::dot_stuff("x\r\n"), "x\r\n");
}

TEST(SmtpDotStuff, DotNotAtLineStartUntouched) {
  EXPECT_EQ(smtp::dot_stuff("a.b\r\n x.\r\n"), "a.b\r\n x.\r\n");
}

TEST(SmtpFixEols, AllForms) {
  EXPECT_EQ(smtp::fix_eols("a\r\nb\nc\rd\r\r\ne"), "a\r\nb\r\nc\r\nd\r\n\r\ne");
}

TEST(SmtpExtractAddress, Forms) {
  EXPECT_EQ(smtp::extract_address("a@x.org"), "a@x.org");
  EXPECT_EQ(smtp::extract_address(" <a@x.org> "), "a@x.org");
  EXPECT_EQ(smtp::extract_address("Alice Smith <a@x.org>"), "a@x.org");
  EXPECT_EQ(smtp::extract_address("<>"), "");
}

TEST(SmtpFormatDate, Rfc5322WithNumericZone) {
  // 2026-11-22 03:08:21 UTC was a Sunday.
  const auto when = std::chrono::sys_days{std::chrono::year{2026} / 11 / 22} +
                    std::chrono::hours{3} + std::chrono::minutes{8} + std::chrono::seconds{21};
  EXPECT_EQ(smtp::format_date(when), "Sun, 22 Nov 2026 03:08:21 +0000");
  const auto jan = std::chrono::sys_days{std::chrono::year{2024} / 1 / 5};
  EXPECT_EQ(smtp::format_date(jan), "Fri, 05 Jan 2024 00:00:00 +0000");
}

TEST(SmtpMessageId, FormatAndUniqueness) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const auto id = smtp::make_message_id("example.org");
    EXPECT_TRUE(is_message_id(id, "example.org")) << id;
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(SmtpCompose, StandardHeadersAnd7bit) {
  auto m = simple();
  m.cc = {"Carol <carol@example.net>"};
  const auto msg = smtp::compose(m);
  const auto h = headers_of(msg);
  EXPECT_EQ(h.rfind("Date: ", 0), 0u) << h;
  EXPECT_TRUE(is_date(field_value(h, "Date"))) << h;
  EXPECT_NE(h.find("\r\nFrom: alice@example.org\r\n"), std::string::npos) << h;
  EXPECT_NE(h.find("\r\nTo: bob@example.net\r\n"), std::string::npos);
  EXPECT_NE(h.find("\r\nCc: Carol <carol@example.net>\r\n"), std::string::npos);
  EXPECT_NE(h.find("\r\nSubject: hello\r\n"), std::string::npos);
  EXPECT_TRUE(is_message_id(field_value(h, "Message-ID"), "example.org")) << h;
  EXPECT_NE(h.find("\r\nMIME-Version: 1.0\r\n"), std::string::npos);
  EXPECT_NE(h.find("\r\nContent-Type: text/plain; charset=utf-8\r\n"), std::string::npos);
  EXPECT_NE(h.find("\r\nContent-Transfer-Encoding: 7bit\r\n"), std::string::npos);
  EXPECT_EQ(body_of(msg), "Hi Bob\r\n");
  expect_wellformed_lines(msg);
}

TEST(SmtpCompose, MessageIdsDifferPerCall) {
  const auto a = headers_of(smtp::compose(simple()));
  const auto b = headers_of(smtp::compose(simple()));
  ASSERT_FALSE(field_value(a, "Message-ID").empty());
  EXPECT_NE(field_value(a, "Message-ID"), field_value(b, "Message-ID"));
}

TEST(SmtpCompose, GivenDateAndMessageIdUsed) {
  auto m = simple();
  m.date = "Mon, 01 Jan 2024 10:00:00 +0100";
  m.message_id = "fixed@host.example";
  const auto h = headers_of(smtp::compose(m));
  EXPECT_NE(h.find("Date: Mon, 01 Jan 2024 10:00:00 +0100\r\n"), std::string::npos);
  EXPECT_NE(h.find("Message-ID: <fixed@host.example>\r\n"), std::string::npos);
}

TEST(SmtpCompose, BccNeverInHeader) {
  auto m = simple();
  m.bcc = {"secret@example.com"};
  const auto msg = smtp::compose(m);
  EXPECT_EQ(msg.find("secret@example.com"), std::string::npos);
  EXPECT_EQ(msg.find("Bcc"), std::string::npos);
}

TEST(SmtpCompose, EightBitBody) {
  auto m = simple();
  m.body = "Grüße\n";
  const auto qp = smtp::compose(m);
  EXPECT_NE(qp.find("Content-Transfer-Encoding: quoted-printable\r\n"), std::string::npos);
  EXPECT_EQ(body_of(qp), "Gr=C3=BC=C3=9Fe\r\n");
  smtp::compose_options o;
  o.eight_bit_mime = true;
  const auto eight = smtp::compose(m, o);
  EXPECT_NE(eight.find("Content-Transfer-Encoding: 8bit\r\n"), std::string::npos);
  EXPECT_EQ(body_of(eight), "Grüße\r\n");
}

TEST(SmtpCompose, LongLinesBecomeQuotedPrintableWithSoftBreaks) {
  auto m = simple();
  m.body = std::string(2000, 'a') + " =end \n.short\n";
  const auto msg = smtp::compose(m);
  EXPECT_NE(msg.find("Content-Transfer-Encoding: quoted-printable\r\n"), std::string::npos);
  expect_wellformed_lines(msg);
  const auto body = body_of(msg);
  std::size_t start = 0;
  std::string decoded;
  while (start < body.size()) {
    const auto end = body.find("\r\n", start);
    std::string line = body.substr(start, end - start);
    EXPECT_LE(line.size(), 76u);
    if (!line.empty() && line.back() == '=') {
      line.pop_back();
      decoded += line;
    } else {
      decoded += line + "\r\n";
    }
    start = end + 2;
  }
  // '=' and a trailing space are encoded; the rest is literal.
  EXPECT_EQ(decoded, std::string(2000, 'a') + " =3Dend=20\r\n.short\r\n");
}

TEST(SmtpCompose, NonAsciiHeadersBecomeEncodedWords) {
  auto m = simple();
  m.subject = "Grüße aus Köln";
  m.to = {"Jörg Müller <joerg@example.de>"};
  const auto h = headers_of(smtp::compose(m));
  for (char c : h)
    EXPECT_LT(static_cast<unsigned char>(c), 0x80) << h;
  EXPECT_NE(h.find("Subject: =?utf-8?b?" + ph::clients::codec::base64_encode("Grüße aus Köln") +
                   "?=\r\n"),
            std::string::npos)
      << h;
  EXPECT_NE(h.find("To: =?utf-8?b?" + ph::clients::codec::base64_encode("Jörg Müller") +
                   "?= <joerg@example.de>\r\n"),
            std::string::npos)
      << h;
}

TEST(SmtpCompose, LongNonAsciiSubjectFoldsBetweenEncodedWords) {
  auto m = simple();
  std::string subject;
  for (int i = 0; i < 40; ++i)
    subject += "ü€";
  m.subject = subject;
  const auto msg = smtp::compose(m);
  expect_wellformed_lines(msg);
  const auto h = headers_of(msg);
  const auto start = h.find("Subject: ");
  const auto end = h.find("\r\nMessage-ID");
  const std::string field = h.substr(start, end - start);
  // Every line of the folded field is short and every word decodes to whole characters.
  std::string decoded;
  const std::string open = "=?utf-8?b?";
  for (auto pos = field.find(open); pos != std::string::npos; pos = field.find(open, pos)) {
    const auto close = field.find("?=", pos + open.size());
    ASSERT_NE(close, std::string::npos);
    EXPECT_LE(close + 2 - pos, 75u);
    decoded += ph::clients::codec::base64_decode(
                   field.substr(pos + open.size(), close - pos - open.size()))
                   .value();
    pos = close + 2;
  }
  EXPECT_EQ(decoded, subject);
  EXPECT_NE(field.find("\r\n "), std::string::npos);
  std::size_t line_start = 0;
  while (line_start < field.size()) {
    auto line_end = field.find("\r\n", line_start);
    if (line_end == std::string::npos) line_end = field.size();
    EXPECT_LE(line_end - line_start, 78u);
    line_start = line_end + 2;
  }
}

TEST(SmtpCompose, Smtputf8KeepsUtf8Headers) {
  auto m = simple();
  m.subject = "Grüße";
  smtp::compose_options o;
  o.smtputf8 = true;
  const auto msg = smtp::compose(m, o);
  EXPECT_NE(msg.find("Subject: Grüße\r\n"), std::string::npos);
}

TEST(SmtpCompose, LongAsciiSubjectIsFolded) {
  auto m = simple();
  std::string subject;
  for (int i = 0; i < 30; ++i)
    subject += "word" + std::to_string(i) + " ";
  subject.pop_back();
  m.subject = subject;
  const auto msg = smtp::compose(m);
  expect_wellformed_lines(msg);
  const auto h = headers_of(msg);
  const auto start = h.find("Subject: ");
  const std::string field = h.substr(start, h.find("\r\nMessage-ID") - start);
  std::string unfolded = field;
  for (auto pos = unfolded.find("\r\n"); pos != std::string::npos; pos = unfolded.find("\r\n"))
    unfolded.erase(pos, 2);
  EXPECT_EQ(unfolded, "Subject: " + subject);
}

TEST(SmtpCompose, HeaderInjectionRefused) {
  auto m = simple();
  m.subject = "hi\r\nBcc: victim@example.com";
  EXPECT_THROW(smtp::compose(m), smtp::error);
  m = simple();
  m.to = {"bob@example.net\nX: y"};
  EXPECT_THROW(smtp::compose(m), smtp::error);
  m = simple();
  m.headers = {{"X-Ok", "a\rb"}};
  EXPECT_THROW(smtp::compose(m), smtp::error);
}

TEST(SmtpCompose, ExtraHeaders) {
  auto m = simple();
  m.headers = {{"X-Mailer", "protoharness"}, {"Content-Type", "text/html; charset=utf-8"}};
  const auto h = headers_of(smtp::compose(m));
  EXPECT_NE(h.find("X-Mailer: protoharness\r\n"), std::string::npos);
  EXPECT_NE(h.find("Content-Type: text/html; charset=utf-8\r\n"), std::string::npos);
  EXPECT_EQ(h.find("text/plain"), std::string::npos);
  m.headers = {{"Subject", "second subject"}};
  EXPECT_THROW(smtp::compose(m), smtp::error);
  m.headers = {{"Bad Name", "x"}};
  EXPECT_THROW(smtp::compose(m), smtp::error);
}
