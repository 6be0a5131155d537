#include "clients/nntp/overview.hpp"

#include <cctype>

#include <fmt/format.h>

#include "clients/codec/ascii.hpp"
#include "clients/net/errors.hpp"
#include "clients/nntp/response.hpp"

namespace ph::clients::nntp {
namespace {

using codec::lower;
using codec::starts_with_ci;

std::vector<std::string_view> split_tabs(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (;;) {
    const auto tab = line.find('\t', start);
    out.push_back(line.substr(start, tab == std::string_view::npos ? line.npos : tab - start));
    if (tab == std::string_view::npos) return out;
    start = tab + 1;
  }
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

}  // namespace

overview_format default_overview_format() {
  return {{"subject", false},    {"from", false},   {"date", false},  {"message-id", false},
          {"references", false}, {":bytes", false}, {":lines", false}};
}

overview_format parse_overview_format(const std::vector<std::string>& lines) {
  overview_format fmt;
  for (const auto& raw : lines) {
    const std::string_view line = trim(raw);
    if (line.empty()) continue;
    overview_field f;
    if (line.front() == ':') {
      f.name = lower(line);  // metadata item, e.g. ":bytes" (RFC 3977 §8.4)
    } else {
      const auto colon = line.find(':');
      if (colon == std::string_view::npos || colon == 0)
        throw net::error(make_error_code(net::errc::malformed_reply),
                         fmt::format("malformed LIST OVERVIEW.FMT line \"{}\"", line));
      f.name = lower(line.substr(0, colon));
      f.full = lower(line.substr(colon + 1)) == "full";
      // RFC 3977 §8.4.2: legacy names of the metadata items.
      if (f.name == "bytes" || f.name == "lines") f.name = ":" + f.name;
    }
    fmt.push_back(std::move(f));
  }
  return fmt.empty() ? default_overview_format() : fmt;
}

article_overview parse_overview_line(std::string_view line, const overview_format& fmt) {
  const auto fields = split_tabs(line);
  article_overview o;
  o.number = parse_number(trim(fields[0]), "overview article number");
  for (std::size_t i = 0; i < fmt.size(); ++i) {
    std::string_view value = i + 1 < fields.size() ? fields[i + 1] : std::string_view{};
    const std::string& name = fmt[i].name;
    // RFC 3977 §8.4: a full field carries its header name; the standard seven never do.
    if (fmt[i].full && starts_with_ci(value, name + ":"))
      value = trim(value.substr(name.size() + 1));
    if (name == "subject")
      o.subject = value;
    else if (name == "from")
      o.from = value;
    else if (name == "date")
      o.date = value;
    else if (name == "message-id")
      o.message_id = value;
    else if (name == "references")
      o.references = value;
    else if (name == ":bytes")
      o.bytes = trim(value).empty() ? 0 : parse_number(trim(value), "overview :bytes");
    else if (name == ":lines")
      o.lines = trim(value).empty() ? 0 : parse_number(trim(value), "overview :lines");
    else
      o.extra[name] = std::string(value);
  }
  return o;
}

}  // namespace ph::clients::nntp
