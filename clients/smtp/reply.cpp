#include "clients/smtp/reply.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <stdexcept>

#include <fmt/format.h>

#include "clients/codec/ascii.hpp"
#include "clients/net/errors.hpp"

namespace ph::clients::smtp {
namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_alnum(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0;
}

using codec::upper;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

using codec::split_words;

[[noreturn]] void malformed(std::string_view line, std::string_view why) {
  constexpr std::size_t shown = 80;
  throw net::error(make_error_code(net::errc::malformed_reply),
                   fmt::format("malformed SMTP reply line \"{}{}\": {}", line.substr(0, shown),
                               line.size() > shown ? "..." : "", why));
}

}  // namespace

std::string reply::text() const {
  std::string out;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (i > 0) out += '\n';
    out += lines[i];
  }
  return out;
}

reply_parser::reply_parser(std::size_t max_octets) : max_octets_(max_octets) {}

reply_parser::status reply_parser::feed(std::string_view line) {
  if (complete_) throw std::logic_error("reply_parser::feed after a complete reply without take()");
  if (line.size() < 3 || !is_digit(line[0]) || !is_digit(line[1]) || !is_digit(line[2]))
    malformed(line, "does not start with a 3-digit code");
  bool last = true;
  if (line.size() > 3) {
    if (line[3] == '-')
      last = false;
    else if (line[3] != ' ')
      malformed(line, "the code is followed by neither SP nor '-'");
  }
  octets_ += line.size();
  if (octets_ > max_octets_)
    throw net::error(make_error_code(net::errc::line_too_long),
                     fmt::format("SMTP reply longer than {} octets", max_octets_));
  current_.code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
  current_.lines.emplace_back(line.size() > 4 ? line.substr(4) : std::string_view{});
  complete_ = last;
  return last ? status::complete : status::incomplete;
}

reply reply_parser::take() {
  reply out = std::move(current_);
  current_ = {};
  octets_ = 0;
  complete_ = false;
  return out;
}

extensions extensions::parse(const reply& ehlo_reply) {
  extensions ext;
  auto& features = ext.features_;
  std::vector<std::string> auth;
  auto add_auth = [&auth](std::string_view params) {
    for (auto& word : split_words(params)) {
      auto mech = upper(word);
      if (std::find(auth.begin(), auth.end(), mech) == auth.end()) auth.push_back(mech);
    }
  };
  for (std::size_t i = 1; i < ehlo_reply.lines.size(); ++i) {
    std::string_view line = ehlo_reply.lines[i];
    // RFC 5321 §4.1.1.1: ehlo-keyword = (ALPHA / DIGIT) *(ALPHA / DIGIT / "-")
    if (line.empty() || !is_alnum(line[0])) continue;
    std::size_t end = 1;
    while (end < line.size() && (is_alnum(line[end]) || line[end] == '-'))
      ++end;
    if (end < line.size() && line[end] == '=' && upper(line.substr(0, end)) == "AUTH") {
      add_auth(line.substr(end + 1));  // pre-standard "AUTH=LOGIN PLAIN"
      features.try_emplace("AUTH");
      continue;
    }
    if (end < line.size() && line[end] != ' ' && line[end] != '\t') continue;
    const std::string keyword = upper(line.substr(0, end));
    const std::string_view params = trim(line.substr(end));
    if (keyword == "AUTH") {
      add_auth(params);
      features.try_emplace("AUTH");
    } else {
      features[keyword] = std::string(params);
    }
  }
  if (auto it = features.find("AUTH"); it != features.end()) {
    std::string joined;
    for (const auto& mech : auth) {
      if (!joined.empty()) joined += ' ';
      joined += mech;
    }
    it->second = joined;
  }
  return ext;
}

bool extensions::has(std::string_view keyword) const {
  return features_.find(upper(keyword)) != features_.end();
}

std::optional<std::string> extensions::params(std::string_view keyword) const {
  auto it = features_.find(upper(keyword));
  if (it == features_.end()) return std::nullopt;
  return it->second;
}

std::vector<std::string> extensions::auth_mechanisms() const {
  auto it = features_.find("AUTH");
  if (it == features_.end()) return {};
  const auto words = split_words(it->second);
  return {words.begin(), words.end()};
}

std::uint64_t extensions::size_limit() const {
  auto it = features_.find("SIZE");
  if (it == features_.end()) return 0;
  const std::string& p = it->second;
  std::uint64_t limit = 0;
  auto [ptr, ec] = std::from_chars(p.data(), p.data() + p.size(), limit);
  if (ec != std::errc{} || ptr == p.data()) return 0;
  return limit;
}

}  // namespace ph::clients::smtp
