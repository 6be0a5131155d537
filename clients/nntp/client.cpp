#include "clients/nntp/client.hpp"

#include <algorithm>
#include <cctype>
#include <exception>
#include <initializer_list>
#include <utility>

#include <fmt/format.h>

#include "clients/codec/ascii.hpp"
#include "clients/nntp/article.hpp"

namespace ph::clients::nntp {
namespace {

constexpr std::size_t max_command_line = 512;  // RFC 3977 §3.1, CRLF included

using codec::upper;

// The command's name for messages: "GROUP", "AUTHINFO USER", "LIST OVERVIEW.FMT", ...
std::string verb_of(std::string_view line) {
  auto end = std::min(line.find(' '), line.size());
  const std::string first = upper(line.substr(0, end));
  if ((first == "AUTHINFO" || first == "MODE" || first == "LIST") && end < line.size())
    end = std::min(line.find(' ', end + 1), line.size());
  return upper(line.substr(0, end));
}

void check_arg(std::string_view what, std::string_view text) {
  if (text.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos)
    throw error(fmt::format("refusing to send {}: it contains CR, LF or NUL", what));
}

void check_word(std::string_view what, std::string_view text) {
  check_arg(what, text);
  if (text.empty() || text.find_first_of(" \t") != std::string_view::npos)
    throw error(fmt::format("refusing to send {} \"{}\": empty or contains a space", what, text));
}

void check_message_id(std::string_view id) {
  check_arg("the message-id", id);
  if (!is_valid_message_id(id))
    throw error(fmt::format("invalid message-id \"{}\" (RFC 3977 §3.6: <local@domain>)", id));
}

// RFC 3977 §3.1: range = article-number ["-" [article-number]]
void check_range(std::string_view r) {
  const auto dash = r.find('-');
  const std::string_view lo = r.substr(0, dash);
  const std::string_view hi = dash == std::string_view::npos ? "" : r.substr(dash + 1);
  auto digits = [](std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (lo.empty() || lo.size() > 16 || hi.size() > 16 || !digits(lo) || !digits(hi))
    throw error(fmt::format("invalid article range \"{}\" (want n, n- or n-m)", r));
}

}  // namespace

struct client::impl {
  explicit impl(options o) : opts(std::move(o)), stream(opts.timeout) {
    stream.set_quick_ack(opts.quick_ack);
  }

  options opts;
  net::line_stream stream;
  bool posting = false;
  std::optional<std::map<std::string, std::string>> caps;  // valid in the current state only
  std::optional<overview_format> ov_fmt;
  std::string current_group;

  void forget_state() {
    caps.reset();
    ov_fmt.reset();
  }

  void close() noexcept {
    stream.close();
    forget_state();
    current_group.clear();
    posting = false;
  }

  void write(std::string_view data, std::string_view doing) {
    try {
      stream.write(data);
    } catch (const net::error& e) {
      close();
      throw e.with_context(doing);
    }
  }

  std::string read_line(std::string_view doing) {
    try {
      return stream.read_line();
    } catch (const net::error& e) {
      // The dialogue is out of step after a framing error: end it (QUIT without waiting).
      if (e.code() == net::errc::malformed_reply || e.code() == net::errc::line_too_long) {
        try {
          stream.write("QUIT\r\n");
        } catch (const std::exception&) {
        }
      }
      close();
      throw e.with_context(doing);
    }
  }

  response read_status(std::string_view doing) {
    const std::string line = read_line(doing);
    try {
      return parse_status_line(line);
    } catch (const net::error& e) {
      close();
      throw e.with_context(doing);
    }
  }

  std::vector<std::string> read_block(std::string_view doing) {
    block_reader reader(opts.max_block);
    try {
      while (reader.feed(read_line(doing)) == block_reader::status::incomplete) {
      }
    } catch (const net::error& e) {
      if (stream.is_open()) {
        close();
        throw e.with_context(doing);
      }
      throw;
    }
    return reader.take();
  }

  void send(const std::string& line) {
    check_arg("the command", line);
    if (line.size() + 2 > max_command_line)
      throw error(fmt::format("refusing to send {}: the command line exceeds {} octets",
                              verb_of(line), max_command_line));
    write(line + "\r\n", fmt::format("sending {}", verb_of(line)));
  }

  // 4xx and 5xx become exceptions; a code outside `allowed` is a protocol error.
  response check(response r, std::string_view verb, std::initializer_list<int> allowed) {
    if (r.code >= 400 && r.code < 500) {
      // RFC 3977 §3.2.1: 400 may come at any time; the server then closes the connection.
      if (r.code == 400) close();
      throw temporary_error(std::string(verb), r.code, std::move(r.text));
    }
    if (r.code >= 500) throw permanent_error(std::string(verb), r.code, std::move(r.text));
    if (std::find(allowed.begin(), allowed.end(), r.code) == allowed.end()) {
      close();
      throw net::error(make_error_code(net::errc::malformed_reply),
                       fmt::format("unexpected response to {}: {} {}", verb, r.code, r.text));
    }
    return r;
  }

  // Sends line; reads the status line and checks it.
  response command(const std::string& line, std::initializer_list<int> allowed) {
    send(line);
    const std::string verb = verb_of(line);
    return check(read_status(fmt::format("reading response to {}", verb)), verb, allowed);
  }

  // Sends line; the response must be `code`, which is followed by a data block.
  std::pair<response, std::vector<std::string>> block_command(const std::string& line, int code) {
    response r = command(line, {code});
    return {std::move(r), read_block(fmt::format("reading data block of {}", verb_of(line)))};
  }

  response after_connect() {
    forget_state();
    current_group.clear();
    response greeting = read_status("reading greeting");
    // RFC 3977 §5.1.1: 200 posting allowed, 201 not; 400 and 502 refuse service.
    if (greeting.code != 200 && greeting.code != 201) {
      close();
      check(std::move(greeting), "greeting", {200, 201});
    }
    posting = greeting.code == 200;
    return greeting;
  }

  const overview_format& overview_fmt() {
    if (!ov_fmt) {
      try {
        ov_fmt = parse_overview_format(block_command("LIST OVERVIEW.FMT", 215).second);
      } catch (const permanent_error&) {
        ov_fmt = default_overview_format();  // RFC 3977 §8.4.1: the default applies
      }
    }
    return *ov_fmt;
  }

  std::vector<article_overview> overview(const std::string& line) {
    const overview_format& fmt = overview_fmt();
    auto [r, lines] = block_command(line, 224);
    std::vector<article_overview> out;
    out.reserve(lines.size());
    try {
      for (const auto& l : lines)
        out.push_back(parse_overview_line(l, fmt));
    } catch (const net::error& e) {
      throw e.with_context(fmt::format("parsing {} output", verb_of(line)));
    }
    return out;
  }

  nntp::article fetch(std::string_view verb, int code, const std::string& arg) {
    auto [r, lines] =
        block_command(arg.empty() ? std::string(verb) : fmt::format("{} {}", verb, arg), code);
    const article_ref ref = parse_article_response(r.text);
    return {ref.number, ref.message_id, std::move(lines)};
  }

  article_ref select(const std::string& line) {
    return parse_article_response(command(line, {223}).text);
  }

  // Sends the article after the go-ahead (POST 340, IHAVE 335) and returns the final response.
  response transfer(const std::string& line, int go_ahead, int done, const std::string& text) {
    command(line, {go_ahead});
    const std::string verb = verb_of(line);
    std::string block = dot_stuff(text);
    block += ".\r\n";
    write(block, fmt::format("sending the article after {}", verb));
    return check(read_status(fmt::format("reading response to the article of {}", verb)), verb,
                 {done});
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

bool client::posting_allowed() const {
  return impl_->posting;
}

std::map<std::string, std::string> client::capabilities() {
  auto [r, lines] = impl_->block_command("CAPABILITIES", 101);
  impl_->caps = parse_capabilities(lines);
  return *impl_->caps;
}

response client::mode_reader() {
  response r = impl_->command("MODE READER", {200, 201});
  impl_->posting = r.code == 200;
  // RFC 3977 §5.3.2: the capabilities (and overview format) may change.
  impl_->forget_state();
  return r;
}

group_info client::group(const std::string& name) {
  check_word("the group name", name);
  group_info g = parse_group_response(impl_->command("GROUP " + name, {211}).text);
  impl_->current_group = g.name;
  return g;
}

std::vector<std::int64_t> client::listgroup(std::optional<std::string> name,
                                            std::optional<std::string> range) {
  std::string line = "LISTGROUP";
  if (range && !name) {
    if (impl_->current_group.empty())
      throw error("LISTGROUP with a range needs a group: none selected");
    name = impl_->current_group;
  }
  if (name) {
    check_word("the group name", *name);
    line += " " + *name;
  }
  if (range) {
    check_range(*range);
    line += " " + *range;
  }
  auto [r, lines] = impl_->block_command(line, 211);
  if (name) impl_->current_group = *name;
  std::vector<std::int64_t> out;
  out.reserve(lines.size());
  for (const auto& l : lines)
    out.push_back(parse_number(l, "LISTGROUP article number"));
  return out;
}

std::vector<article_overview> client::over(std::optional<std::string> range) {
  if (range) check_range(*range);
  return impl_->overview(range ? "OVER " + *range : "OVER");
}

std::vector<article_overview> client::over_message_id(const std::string& message_id) {
  check_message_id(message_id);
  return impl_->overview("OVER " + message_id);
}

std::vector<article_overview> client::xover(const std::string& range) {
  check_range(range);
  return impl_->overview("XOVER " + range);
}

namespace {
std::string number_arg(std::optional<std::int64_t> n) {
  if (n && *n < 0) throw error("article numbers are not negative");
  return n ? std::to_string(*n) : std::string();
}
}  // namespace

nntp::article client::article(std::optional<std::int64_t> number) {
  return impl_->fetch("ARTICLE", 220, number_arg(number));
}
nntp::article client::article(const std::string& message_id) {
  check_message_id(message_id);
  return impl_->fetch("ARTICLE", 220, message_id);
}
std::vector<nntp::article> client::article_all(const std::vector<std::int64_t>& numbers) {
  auto& s = *impl_;
  for (const auto n : numbers)
    number_arg(n);
  const std::size_t window = std::max<std::size_t>(1, s.opts.pipeline_window);
  std::vector<nntp::article> out;
  out.reserve(numbers.size());
  std::size_t sent = 0;
  auto send_upto = [&](std::size_t limit) {
    std::string batch;
    for (; sent < numbers.size() && sent < limit; ++sent)
      batch += fmt::format("ARTICLE {}\r\n", numbers[sent]);
    if (!batch.empty()) s.write(batch, "sending ARTICLE (pipelined)");
  };
  std::exception_ptr first_error;
  for (std::size_t i = 0; i < numbers.size(); ++i) {
    // Refill once half the window is answered: fewer, larger writes than one per response.
    if (sent - i <= window / 2) send_upto(i + window);
    response r = s.read_status("reading response to ARTICLE");
    if (r.code == 220) {
      const article_ref ref = parse_article_response(r.text);
      out.push_back({ref.number, ref.message_id, s.read_block("reading data block of ARTICLE")});
      continue;
    }
    try {
      s.check(std::move(r), "ARTICLE " + std::to_string(numbers[i]), {220});
    } catch (const response_error&) {
      if (!first_error) first_error = std::current_exception();
    }
  }
  if (first_error) std::rethrow_exception(first_error);
  return out;
}

nntp::article client::head(std::optional<std::int64_t> number) {
  return impl_->fetch("HEAD", 221, number_arg(number));
}
nntp::article client::head(const std::string& message_id) {
  check_message_id(message_id);
  return impl_->fetch("HEAD", 221, message_id);
}
nntp::article client::body(std::optional<std::int64_t> number) {
  return impl_->fetch("BODY", 222, number_arg(number));
}
nntp::article client::body(const std::string& message_id) {
  check_message_id(message_id);
  return impl_->fetch("BODY", 222, message_id);
}

article_ref client::stat(std::optional<std::int64_t> number) {
  const std::string arg = number_arg(number);
  return impl_->select(arg.empty() ? "STAT" : "STAT " + arg);
}
article_ref client::stat(const std::string& message_id) {
  check_message_id(message_id);
  return impl_->select("STAT " + message_id);
}
article_ref client::next() {
  return impl_->select("NEXT");
}
article_ref client::last() {
  return impl_->select("LAST");
}

std::vector<std::string> client::list(const std::string& keyword, const std::string& wildmat) {
  std::string line = "LIST";
  if (!keyword.empty()) {
    check_word("the LIST keyword", keyword);
    line += " " + upper(keyword);
  }
  if (!wildmat.empty()) {
    if (keyword.empty()) line += " ACTIVE";  // a wildmat needs the keyword
    check_word("the wildmat", wildmat);
    line += " " + wildmat;
  }
  return impl_->block_command(line, 215).second;
}

std::vector<active_entry> client::list_active(const std::string& wildmat) {
  std::vector<active_entry> out;
  for (const auto& l : list("ACTIVE", wildmat))
    out.push_back(parse_active_line(l));
  return out;
}

std::vector<active_entry> client::newgroups(std::chrono::system_clock::time_point since) {
  auto [r, lines] =
      impl_->block_command(fmt::format("NEWGROUPS {} GMT", format_datetime(since)), 231);
  std::vector<active_entry> out;
  for (const auto& l : lines)
    out.push_back(parse_active_line(l));
  return out;
}

std::vector<std::string> client::newnews(const std::string& wildmat,
                                         std::chrono::system_clock::time_point since) {
  check_word("the wildmat", wildmat);
  return impl_
      ->block_command(fmt::format("NEWNEWS {} {} GMT", wildmat, format_datetime(since)), 230)
      .second;
}

response client::post(const std::string& text) {
  check_post_headers(text);
  return impl_->transfer("POST", 340, 240, text);
}

response client::ihave(const std::string& message_id, const std::string& text) {
  check_message_id(message_id);
  return impl_->transfer("IHAVE " + message_id, 335, 235, text);
}

std::string client::date() {
  const response r = impl_->command("DATE", {111});
  // RFC 3977 §7.1.2: 111 yyyymmddhhmmss
  const std::string_view t = std::string_view(r.text).substr(0, r.text.find(' '));
  if (t.size() != 14 ||
      !std::all_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    impl_->close();
    throw net::error(make_error_code(net::errc::malformed_reply),
                     fmt::format("malformed DATE response \"111 {}\"", r.text));
  }
  return std::string(t);
}

std::vector<std::string> client::help() {
  return impl_->block_command("HELP", 100).second;
}

response client::authinfo(const std::string& user, const std::string& password) {
  check_arg("the user name", user);
  check_arg("the password", password);
  // Both lines are checked before USER goes out, so a refused PASS cannot leave USER half-done.
  if (std::string_view("AUTHINFO PASS ").size() + password.size() + 2 > max_command_line ||
      std::string_view("AUTHINFO USER ").size() + user.size() + 2 > max_command_line)
    throw error(
        fmt::format("refusing AUTHINFO: a command line would exceed {} octets", max_command_line));
  // RFC 4643 §2.3.1: 281 right away (no password needed) or 381, then PASS.
  response r = impl_->command("AUTHINFO USER " + user, {281, 381});
  if (r.code == 381) r = impl_->command("AUTHINFO PASS " + password, {281});
  // RFC 4643 §2.3.2 (via RFC 3977 §5.2.2): the capabilities change after authentication.
  impl_->forget_state();
  return r;
}

response client::starttls() {
  auto& s = *impl_;
  if (s.stream.tls_active()) throw error("STARTTLS: TLS is already active (RFC 4642 §2.2.1)");
  if (!s.caps) {
    try {
      capabilities();
    } catch (const response_error&) {
      s.caps.emplace();  // a server without CAPABILITIES cannot advertise STARTTLS
    }
  }
  if (!s.caps->contains("STARTTLS"))
    throw not_supported("STARTTLS is not in the server's capabilities");
  response r = s.command("STARTTLS", {382});
  try {
    s.stream.start_tls(s.opts.tls);
  } catch (const net::error& e) {
    s.close();
    throw e.with_context("TLS handshake after STARTTLS");
  }
  // RFC 4642 §2.2.2: no new greeting; the capabilities must be asked for again.
  s.forget_state();
  return r;
}

response client::quit() {
  auto& s = *impl_;
  if (!s.stream.is_open()) return {};
  response r;
  try {
    s.send("QUIT");
    r = s.read_status("reading response to QUIT");
  } catch (const std::exception&) {
    r = {};
  }
  s.close();
  return r;
}

void client::close() noexcept {
  impl_->close();
}

bool client::is_connected() const {
  return impl_->stream.is_open();
}

bool client::tls_active() const {
  return impl_->stream.tls_active();
}

void client::set_timeout(std::chrono::milliseconds timeout) {
  impl_->stream.set_timeout(timeout);
}

}  // namespace ph::clients::nntp
