#include "clients/nntp/response.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>

#include "clients/codec/ascii.hpp"
#include "clients/net/errors.hpp"

namespace ph::clients::nntp {
namespace {

[[noreturn]] void malformed(std::string_view what, std::string_view line) {
  constexpr std::size_t shown = 80;
  throw net::error(make_error_code(net::errc::malformed_reply),
                   fmt::format("malformed NNTP {} \"{}{}\"", what, line.substr(0, shown),
                               line.size() > shown ? "..." : ""));
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

using codec::split_words;

}  // namespace

response parse_status_line(std::string_view line) {
  // RFC 3977 §3.2: status-line = status-code [SP trailing-comment]; first digit 1-5.
  if (line.size() < 3 || !is_digit(line[0]) || !is_digit(line[1]) || !is_digit(line[2]) ||
      line[0] < '1' || line[0] > '5' || (line.size() > 3 && line[3] != ' '))
    malformed("status line", line);
  response r;
  r.code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
  if (line.size() > 4) r.text = std::string(line.substr(4));
  return r;
}

block_reader::block_reader(std::size_t max_octets) : max_octets_(max_octets) {}

block_reader::status block_reader::feed(std::string line) {
  if (complete_) throw std::logic_error("block_reader: feed after the terminating line");
  if (line == ".") {
    complete_ = true;
    return status::complete;
  }
  // RFC 3977 §3.1.1: a line of the block that begins with "." was dot-stuffed by the sender.
  if (!line.empty() && line.front() == '.') line.erase(0, 1);
  octets_ += line.size() + 2;
  if (octets_ > max_octets_)
    throw net::error(make_error_code(net::errc::line_too_long),
                     fmt::format("NNTP data block exceeds {} octets", max_octets_));
  lines_.push_back(std::move(line));
  return status::incomplete;
}

std::vector<std::string> block_reader::take() {
  complete_ = false;
  octets_ = 0;
  return std::exchange(lines_, {});
}

std::int64_t parse_number(std::string_view digits, std::string_view what) {
  std::int64_t n = 0;
  if (digits.empty() || digits.size() > 18 || !std::all_of(digits.begin(), digits.end(), is_digit))
    malformed(what, digits);
  std::from_chars(digits.data(), digits.data() + digits.size(), n);
  return n;
}

group_info parse_group_response(std::string_view text) {
  // RFC 3977 §6.1.1.2: 211 number low high group
  const auto w = split_words(text);
  if (w.size() < 4) malformed("GROUP response", text);
  group_info g;
  g.count = parse_number(w[0], "GROUP article count");
  g.first = parse_number(w[1], "GROUP low water mark");
  g.last = parse_number(w[2], "GROUP high water mark");
  g.name = std::string(w[3]);
  return g;
}

article_ref parse_article_response(std::string_view text) {
  // RFC 3977 §6.2.1.2: 220 n message-id
  const auto w = split_words(text);
  if (w.size() < 2) malformed("article response", text);
  article_ref a;
  a.number = parse_number(w[0], "article number");
  a.message_id = std::string(w[1]);
  return a;
}

active_entry parse_active_line(std::string_view line) {
  // RFC 3977 §7.6.3: group SP high SP low SP status
  const auto w = split_words(line);
  if (w.size() < 3) malformed("active line", line);
  active_entry e;
  e.name = std::string(w[0]);
  e.last = parse_number(w[1], "high water mark");
  e.first = parse_number(w[2], "low water mark");
  if (w.size() > 3) e.flag = std::string(w[3]);
  return e;
}

std::map<std::string, std::string> parse_capabilities(const std::vector<std::string>& lines) {
  std::map<std::string, std::string> caps;
  for (const auto& line : lines) {
    std::string_view l = line;
    while (!l.empty() && (l.front() == ' ' || l.front() == '\t'))
      l.remove_prefix(1);
    const auto end = std::min(l.find_first_of(" \t"), l.size());
    if (end == 0) continue;
    std::string label(l.substr(0, end));
    for (auto& c : label)
      c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    std::string_view args = l.substr(end);
    while (!args.empty() && (args.front() == ' ' || args.front() == '\t'))
      args.remove_prefix(1);
    while (!args.empty() && (args.back() == ' ' || args.back() == '\t'))
      args.remove_suffix(1);
    caps[label] = std::string(args);
  }
  return caps;
}

}  // namespace ph::clients::nntp
