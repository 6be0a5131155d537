#include "clients/http/response_parser.hpp"

#include <algorithm>
#include <cctype>
#include <limits>
#include <optional>

#include "clients/http/errors.hpp"

namespace ph::clients::http {

namespace {

[[noreturn]] void bad(const std::string& what) {
  throw error(errc::protocol_error, "malformed response: " + what);
}

bool is_digit(char c) noexcept {
  return c >= '0' && c <= '9';
}

std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

// RFC 9110 §5.6.2 tchar
bool is_tchar(char c) noexcept {
  if (is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

std::string printable(std::string_view s) {
  std::string out;
  for (char c : s.substr(0, 80)) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x7f) {
      static const char* hex = "0123456789abcdef";
      out += "\\x";
      out += hex[u >> 4];
      out += hex[u & 15];
    } else {
      out += c;
    }
  }
  return out;
}

// Parses one field line into `into`; shared by the head and the chunked trailer section.
// RFC 9110 §5.5: CR, LF or NUL in a field value is invalid and dangerous (a bare CR passed on,
// e.g. in a cookie sent back, can end a line for another parser); the response is rejected.
void check_field_octets(std::string_view l) {
  if (l.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos)
    bad("CR, LF or NUL in a field line: \"" + printable(l) + "\"");
}

void field_line(std::string_view l, headers& into) {
  check_field_octets(l);
  const auto colon = l.find(':');
  if (colon == std::string_view::npos) bad("field line without a colon: \"" + printable(l) + "\"");
  // RFC 9112 §5.1: no whitespace between name and colon; a client cannot reject the response for
  // it in practice, so the name is trimmed, but an empty or non-token name is an error.
  const std::string_view name = trim_ows(l.substr(0, colon));
  if (name.empty() || !std::all_of(name.begin(), name.end(), is_tchar))
    bad("bad field name in \"" + printable(l) + "\"");
  into.add(std::string(name), std::string(trim_ows(l.substr(colon + 1))));
}

}  // namespace

response_head parse_status_line(std::string_view line) {
  response_head h;
  // RFC 9112 §2.2: a bare CR makes the element invalid; passed on in the reason phrase it could
  // end a line for another parser (the same hazard as in a field value, RFC 9110 §5.5).
  if (line.find_first_of(std::string_view("\r\0", 2)) != std::string_view::npos)
    bad("CR or NUL in the status line \"" + printable(line) + "\"");
  // HTTP-version = "HTTP/" DIGIT "." DIGIT (RFC 9112 §2.3)
  if (line.size() < 12 || line.substr(0, 5) != "HTTP/" || !is_digit(line[5]) || line[6] != '.' ||
      !is_digit(line[7]) || line[8] != ' ')
    bad("status line \"" + printable(line) + "\"");
  h.version_major = line[5] - '0';
  h.version_minor = line[7] - '0';
  if (!is_digit(line[9]) || !is_digit(line[10]) || !is_digit(line[11]) ||
      (line.size() > 12 && line[12] != ' '))
    bad("status code in \"" + printable(line) + "\"");
  h.status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
  if (h.status < 100) bad("status code in \"" + printable(line) + "\"");
  if (line.size() > 13) h.reason = std::string(line.substr(13));
  return h;
}

std::size_t head_parser::feed(std::string_view data) {
  std::size_t used = 0;
  while (!done_ && used < data.size()) {
    const auto lf = data.find('\n', used);
    const std::size_t take = (lf == std::string_view::npos ? data.size() : lf + 1) - used;
    if (total_ + take > max_head_) bad("response head longer than " + std::to_string(max_head_));
    partial_.append(data.substr(used, take));
    used += take;
    total_ += take;
    // A status line starts "HTTP/" (RFC 9112 §4): anything else is not a response, and
    // waiting for its line end would only turn garbage into a time-out.
    if (!have_status_ && partial_.find_first_not_of("\r\n") != std::string::npos) {
      const std::string_view start =
          std::string_view(partial_).substr(partial_.find_first_not_of("\r\n"));
      const std::string_view proto = "HTTP/";
      if (start.substr(0, proto.size()) != proto.substr(0, std::min(start.size(), proto.size())))
        bad("response does not start with HTTP/: " + std::string(start.substr(0, 16)));
    }
    if (lf == std::string_view::npos) break;
    std::string_view l(partial_);
    l.remove_suffix(1);
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    const std::string copy(l);
    partial_.clear();
    line(copy);
  }
  return used;
}

void head_parser::line(std::string_view l) {
  if (!have_status_) {
    // RFC 9112 §2.2: a client MAY ignore empty lines before the status line... only for requests;
    // for robustness the same is done here.
    if (l.empty()) return;
    head_ = parse_status_line(l);
    have_status_ = true;
    return;
  }
  if (l.empty()) {
    done_ = true;
    return;
  }
  if (l.front() == ' ' || l.front() == '\t') {
    // RFC 9112 §5.2: obs-fold is replaced by SP.
    if (head_.fields.empty()) bad("continuation line before any field");
    check_field_octets(l);
    head_.fields.extend_last(" " + std::string(trim_ows(l)));
    return;
  }
  field_line(l, head_.fields);
}

body_framing framing_for(const response_head& head, std::string_view request_method) {
  body_framing f;
  if (request_method == "HEAD" || head.status / 100 == 1 || head.status == 204 ||
      head.status == 304)
    return f;
  const auto te = head.fields.get("Transfer-Encoding");
  const auto cl = head.fields.get_all("Content-Length");
  if (te) {
    if (!cl.empty()) bad("both Transfer-Encoding and Content-Length");
    // The final coding decides (RFC 9112 §6.3 item 4). RFC 9112 §6.1: chunked is never applied
    // twice; peers disagree on how many layers to strip, so such a body has no safe framing.
    std::string_view codings = *te;
    bool chunked_last = false;
    int chunked_count = 0;
    while (true) {
      const auto comma = codings.find(',');
      chunked_last = iequals(trim_ows(codings.substr(0, comma)), "chunked");
      if (chunked_last) ++chunked_count;
      if (comma == std::string_view::npos) break;
      codings.remove_prefix(comma + 1);
    }
    if (chunked_count > 1) bad("chunked applied more than once: \"" + printable(*te) + "\"");
    f.kind = chunked_last ? body_kind::chunked : body_kind::until_close;
    return f;
  }
  if (!cl.empty()) {
    std::optional<std::uint64_t> value;
    for (const auto& field : cl) {
      std::string_view rest = field;
      // A list of identical values is accepted (RFC 9110 §8.6).
      while (true) {
        const auto comma = rest.find(',');
        const std::string_view item = trim_ows(rest.substr(0, comma));
        if (item.empty() || !std::all_of(item.begin(), item.end(), is_digit))
          bad("Content-Length \"" + printable(field) + "\"");
        std::uint64_t n = 0;
        for (char c : item) {
          const auto d = static_cast<std::uint64_t>(c - '0');
          if (n > (std::numeric_limits<std::uint64_t>::max() - d) / 10)
            bad("Content-Length overflows");
          n = n * 10 + d;
        }
        if (value && *value != n) bad("conflicting Content-Length values");
        value = n;
        if (comma == std::string_view::npos) break;
        rest.remove_prefix(comma + 1);
      }
    }
    f.kind = body_kind::length;
    f.length = *value;
    return f;
  }
  f.kind = body_kind::until_close;
  return f;
}

body_decoder::body_decoder(body_framing framing, std::size_t max_line)
    : framing_(framing), max_line_(max_line) {
  switch (framing_.kind) {
    case body_kind::none:
      state_ = state::done;
      break;
    case body_kind::length:
      remaining_ = framing_.length;
      state_ = remaining_ == 0 ? state::done : state::data;
      break;
    case body_kind::chunked:
      state_ = state::size_line;
      break;
    case body_kind::until_close:
      state_ = state::data;
      break;
  }
}

bool body_decoder::take_line(std::string_view data, std::size_t& used, std::string& line_out) {
  const auto lf = data.find('\n', used);
  const std::size_t end = lf == std::string_view::npos ? data.size() : lf + 1;
  if (partial_.size() + (end - used) > max_line_) bad("chunk line too long");
  partial_.append(data.substr(used, end - used));
  used = end;
  if (lf == std::string_view::npos) return false;
  partial_.pop_back();
  if (!partial_.empty() && partial_.back() == '\r') partial_.pop_back();
  line_out = std::move(partial_);
  partial_.clear();
  return true;
}

void body_decoder::size_line(std::string_view l) {
  // RFC 9112 §7.1: chunk-size [ chunk-ext ] CRLF; chunk-ext = *( BWS ";" BWS name [ = value ] )
  std::size_t i = 0;
  std::uint64_t n = 0;
  while (i < l.size() && std::isxdigit(static_cast<unsigned char>(l[i]))) {
    if (n > (std::numeric_limits<std::uint64_t>::max() >> 4)) bad("chunk size overflows");
    const char c = l[i];
    const unsigned d = is_digit(c) ? unsigned(c - '0') : unsigned((c | 0x20) - 'a' + 10);
    n = (n << 4) | d;
    ++i;
  }
  if (i == 0) bad("chunk size \"" + printable(l) + "\"");
  const std::string_view rest = trim_ows(l.substr(i));
  if (!rest.empty() && rest.front() != ';') bad("chunk size \"" + printable(l) + "\"");
  remaining_ = n;
  state_ = n == 0 ? state::trailer : state::chunk_data;
}

void body_decoder::trailer_line(std::string_view l) {
  if (l.empty()) {
    state_ = state::done;
    return;
  }
  field_line(l, trailers_);
}

std::size_t body_decoder::feed(std::string_view data, std::string& out) {
  return feed(data, [&out](std::string_view payload) { out.append(payload); });
}

std::size_t body_decoder::feed(std::string_view data,
                               const std::function<void(std::string_view)>& emit) {
  std::size_t used = 0;
  while (state_ != state::done && used < data.size()) {
    switch (state_) {
      case state::data: {
        if (framing_.kind == body_kind::until_close) {
          emit(data.substr(used));
          used = data.size();
          break;
        }
        const auto n =
            static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, data.size() - used));
        emit(data.substr(used, n));
        used += n;
        remaining_ -= n;
        if (remaining_ == 0) state_ = state::done;
        break;
      }
      case state::size_line: {
        std::string l;
        if (take_line(data, used, l)) size_line(l);
        break;
      }
      case state::chunk_data: {
        const auto n =
            static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, data.size() - used));
        emit(data.substr(used, n));
        used += n;
        remaining_ -= n;
        if (remaining_ == 0) state_ = state::chunk_crlf;
        break;
      }
      case state::chunk_crlf: {
        std::string l;
        if (take_line(data, used, l)) {
          if (!l.empty()) bad("chunk data longer than its size");
          state_ = state::size_line;
        }
        break;
      }
      case state::trailer: {
        std::string l;
        if (take_line(data, used, l)) trailer_line(l);
        break;
      }
      case state::done:
        break;
    }
  }
  return used;
}

void body_decoder::on_eof() {
  if (state_ == state::done) return;
  if (framing_.kind == body_kind::until_close) {
    state_ = state::done;
    return;
  }
  throw error(errc::connection_error, "connection closed before the end of the response body");
}

}  // namespace ph::clients::http
