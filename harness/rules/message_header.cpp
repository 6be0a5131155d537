#include "harness/rules/message_header.hpp"

#include "harness/rules/lexical.hpp"
#include "vocabulary/ascii.hpp"

namespace ph::harness::rules {

namespace {

constexpr std::size_t npos = std::string_view::npos;

using lexical::is_wsp;

}  // namespace

std::vector<const header_field*> header_section::find(std::string_view name) const {
  std::vector<const header_field*> out;
  for (const auto& f : fields)
    if (ascii::iequals(f.name, name)) out.push_back(&f);
  return out;
}

header_section parse_header(std::string_view message, on_junk junk) {
  header_section h;
  std::size_t pos = 0;
  h.end = message.size();
  bool in_junk = false;  // folds after a skipped line belong to it
  while (pos < message.size()) {
    const std::size_t eol = message.find("\r\n", pos);
    const std::size_t line_end = eol == npos ? message.size() : eol;
    const std::size_t next = eol == npos ? message.size() : eol + 2;
    const std::string_view line = message.substr(pos, line_end - pos);
    if (line.empty()) {
      h.end = next;
      break;
    }
    // RFC 5322 §2.2: CR and LF appear in a field only together, as the line end.
    const std::size_t stray = line.find_first_of("\r\n");
    if (stray != npos)
      h.problems.push_back({pos + stray, "bare CR or LF inside a header line", std::string(line)});
    if (is_wsp(line.front())) {
      if (h.fields.empty()) {
        h.problems.push_back({pos, "folded line before any field", std::string(line)});
      } else if (!in_junk) {
        // RFC 5322 §3.2.2: a folded line must carry something besides white space.
        if (lexical::trim(line).empty())
          h.problems.push_back({pos, "whitespace-only folded line", std::string(line)});
        header_field& f = h.fields.back();
        f.body += "\r\n";
        f.body += line;
        f.size = next - f.offset;
      }
      pos = next;
      continue;
    }
    const std::size_t colon = line.find(':');
    bool name_ok = colon != npos && colon > 0;
    for (std::size_t i = 0; name_ok && i < colon; ++i) {
      const auto c = static_cast<unsigned char>(line[i]);
      // RFC 5322 §2.2 / §3.6.8: ftext is printable US-ASCII except colon.
      if (c < 33 || c > 126) name_ok = false;
    }
    if (!name_ok) {
      h.problems.push_back(
          {pos, "line is not a header field (name \":\" body)", std::string(line)});
      if (junk == on_junk::stop) {
        h.end = pos;
        break;
      }
      in_junk = true;
      pos = next;
      continue;
    }
    in_junk = false;
    header_field f;
    f.name = line.substr(0, colon);
    f.body = line.substr(colon + 1);
    f.offset = pos;
    f.size = next - pos;
    h.fields.push_back(std::move(f));
    pos = next;
  }
  return h;
}

std::string unfolded(std::string_view body) {
  while (!body.empty() && is_wsp(body.front()))
    body.remove_prefix(1);
  std::string out;
  out.reserve(body.size());
  for (std::size_t i = 0; i < body.size(); ++i) {
    if (body[i] == '\r' && i + 2 < body.size() && body[i + 1] == '\n') {
      out += ' ';
      i += 2;
      continue;
    }
    out += body[i];
  }
  return out;
}

}  // namespace ph::harness::rules
