#include "clients/http/cookies.hpp"

#include <algorithm>

#include "clients/codec/ascii.hpp"

namespace ph::clients::http {
namespace {

using sys_clock = std::chrono::system_clock;

bool is_digit(char c) noexcept {
  return c >= '0' && c <= '9';
}
using codec::iequals;
using codec::lower;

std::string_view trim(std::string_view s) noexcept {
  // RFC 6265 §5.2: WSP (SP and HTAB) is stripped around names and values.
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

// RFC 6265 §5.1.1 delimiter
bool is_date_delimiter(char c) noexcept {
  const auto u = static_cast<unsigned char>(c);
  return u == 0x09 || (u >= 0x20 && u <= 0x2f) || (u >= 0x3b && u <= 0x40) ||
         (u >= 0x5b && u <= 0x60) || (u >= 0x7b && u <= 0x7e);
}

// Reads min..max leading digits of token; the rest must be empty or start with a non-digit.
std::optional<int> leading_number(std::string_view& token, std::size_t min, std::size_t max) {
  std::size_t n = 0;
  while (n < token.size() && is_digit(token[n]))
    ++n;
  if (n < min || n > max) return std::nullopt;
  int value = 0;
  for (std::size_t i = 0; i < n; ++i)
    value = value * 10 + (token[i] - '0');
  token.remove_prefix(n);
  return value;
}

bool is_ip_address(std::string_view host) {
  if (host.find(':') != std::string_view::npos) return true;
  return !host.empty() &&
         std::all_of(host.begin(), host.end(), [](char c) { return is_digit(c) || c == '.'; });
}

sys_clock::time_point saturating_add(sys_clock::time_point now, long long seconds) {
  const auto headroom =
      std::chrono::duration_cast<std::chrono::seconds>(sys_clock::time_point::max() - now).count();
  if (seconds >= headroom) return sys_clock::time_point::max();
  return now + std::chrono::seconds(seconds);
}

bool secure_scheme(std::string_view scheme) {
  return scheme == "https" || scheme == "wss";
}

bool expired(const cookie& c, sys_clock::time_point now) {
  return c.persistent && c.expiry <= now;
}

// RFC 6265 §5.4 step 2
bool send_order(const cookie& a, const cookie& b) {
  if (a.path.size() != b.path.size()) return a.path.size() > b.path.size();
  return a.creation < b.creation;
}

}  // namespace

std::optional<sys_clock::time_point> parse_cookie_date(std::string_view text) {
  std::optional<int> hour, minute, second, day, month, year;
  static constexpr std::string_view months[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                                "jul", "aug", "sep", "oct", "nov", "dec"};
  while (!text.empty()) {
    while (!text.empty() && is_date_delimiter(text.front()))
      text.remove_prefix(1);
    std::size_t n = 0;
    while (n < text.size() && !is_date_delimiter(text[n]))
      ++n;
    const std::string_view token = text.substr(0, n);
    text.remove_prefix(n);
    if (token.empty()) continue;
    // The first token of each kind wins, tried in the order of §5.1.1 step 2.
    if (!hour) {
      std::string_view t = token;
      const auto h = leading_number(t, 1, 2);
      if (h && t.starts_with(':')) {
        t.remove_prefix(1);
        const auto m = leading_number(t, 1, 2);
        if (m && t.starts_with(':')) {
          t.remove_prefix(1);
          const auto s = leading_number(t, 1, 2);
          if (s) {
            hour = h;
            minute = m;
            second = s;
            continue;
          }
        }
      }
    }
    if (!day) {
      std::string_view t = token;
      if (const auto d = leading_number(t, 1, 2)) {
        day = d;
        continue;
      }
    }
    if (!month && token.size() >= 3) {
      const std::string prefix = lower(token.substr(0, 3));
      const auto it = std::find(std::begin(months), std::end(months), prefix);
      if (it != std::end(months)) {
        month = static_cast<int>(it - std::begin(months)) + 1;
        continue;
      }
    }
    if (!year) {
      std::string_view t = token;
      if (const auto y = leading_number(t, 2, 4)) {
        year = y;
        continue;
      }
    }
  }
  if (!hour || !day || !month || !year) return std::nullopt;
  // §5.1.1 steps 3 and 4: two-digit years.
  if (*year >= 70 && *year <= 99) *year += 1900;
  if (*year >= 0 && *year <= 69) *year += 2000;
  if (*day < 1 || *day > 31 || *year < 1601 || *hour > 23 || *minute > 59 || *second > 59)
    return std::nullopt;
  const std::chrono::year_month_day date{std::chrono::year(*year),
                                         std::chrono::month(static_cast<unsigned>(*month)),
                                         std::chrono::day(static_cast<unsigned>(*day))};
  if (!date.ok()) return std::nullopt;
  const auto when = std::chrono::sys_days(date) + std::chrono::hours(*hour) +
                    std::chrono::minutes(*minute) + std::chrono::seconds(*second);
  // The clock counts in a unit fine enough that year 1601 or 9999 may lie outside its range.
  const auto max = std::chrono::time_point_cast<std::chrono::seconds>(sys_clock::time_point::max());
  const auto min = std::chrono::time_point_cast<std::chrono::seconds>(sys_clock::time_point::min());
  if (when >= max) return sys_clock::time_point::max();
  if (when <= min) return sys_clock::time_point::min();
  return std::chrono::time_point_cast<sys_clock::duration>(when);
}

bool domain_match(std::string_view host, std::string_view domain) {
  if (host == domain) return true;
  return !domain.empty() && host.size() > domain.size() && host.ends_with(domain) &&
         host[host.size() - domain.size() - 1] == '.' && !is_ip_address(host);
}

bool path_match(std::string_view path, std::string_view cookie_path) {
  if (path == cookie_path) return true;
  if (!path.starts_with(cookie_path)) return false;
  return cookie_path.ends_with('/') || path[cookie_path.size()] == '/';
}

std::string default_cookie_path(std::string_view path) {
  if (path.empty() || path.front() != '/') return "/";
  const std::size_t last = path.rfind('/');
  if (last == 0) return "/";
  return std::string(path.substr(0, last));
}

void cookie_jar::store(const url::url& request_url, std::string_view set_cookie_value,
                       sys_clock::time_point now) {
  std::erase_if(cookies_, [now](const cookie& c) { return expired(c, now); });

  // draft-ietf-httpbis-rfc6265bis, Set-Cookie parsing step 1: a control character other than HTAB
  // voids the whole value (a CR or NUL stored here would go back out in a Cookie field).
  if (std::any_of(set_cookie_value.begin(), set_cookie_value.end(), [](char ch) {
        const auto u = static_cast<unsigned char>(ch);
        return (u < 0x20 && u != '\t') || u == 0x7f;
      }))
    return;

  // RFC 6265 §5.2 steps 1 to 5: the name-value-pair up to the first ";".
  const std::size_t semi = set_cookie_value.find(';');
  const std::string_view pair = set_cookie_value.substr(0, semi);
  std::string_view attributes =
      semi == std::string_view::npos ? std::string_view{} : set_cookie_value.substr(semi + 1);
  const std::size_t eq = pair.find('=');
  if (eq == std::string_view::npos) return;
  cookie c;
  c.name = trim(pair.substr(0, eq));
  c.value = trim(pair.substr(eq + 1));
  if (c.name.empty()) return;

  std::optional<sys_clock::time_point> expires, max_age;
  std::optional<std::string> domain, path;
  // §5.2 steps 1 to 6 of the attribute loop; a later attribute of the same name wins (§5.3).
  while (!attributes.empty()) {
    const std::size_t next = attributes.find(';');
    const std::string_view av = attributes.substr(0, next);
    attributes.remove_prefix(next == std::string_view::npos ? attributes.size() : next + 1);
    const std::size_t av_eq = av.find('=');
    const std::string_view name = trim(av.substr(0, av_eq));
    const std::string_view value =
        av_eq == std::string_view::npos ? std::string_view{} : trim(av.substr(av_eq + 1));
    if (iequals(name, "expires")) {
      // §5.2.1: an unparsable date is ignored.
      if (const auto when = parse_cookie_date(value)) expires = when;
    } else if (iequals(name, "max-age")) {
      // §5.2.2: ( "-" / DIGIT ) *DIGIT; anything else is ignored.
      if (value.empty() || !(is_digit(value[0]) || value[0] == '-')) continue;
      const std::string_view digits = value.substr(value[0] == '-' ? 1 : 0);
      if (!std::all_of(digits.begin(), digits.end(), is_digit)) continue;
      long long seconds = 0;
      for (const char d : digits) {
        seconds = seconds * 10 + (d - '0');
        if (seconds > 1'000'000'000'000LL) break;  // far beyond any clock: saturate below
      }
      if (value[0] == '-' || seconds <= 0) {
        max_age = sys_clock::time_point::min();
      } else {
        max_age = saturating_add(now, seconds);
      }
    } else if (iequals(name, "domain")) {
      // §5.2.3: an empty value is ignored; a leading "." is dropped.
      if (value.empty()) continue;
      std::string_view d = value;
      if (d.front() == '.') d.remove_prefix(1);
      domain = lower(d);
    } else if (iequals(name, "path")) {
      // §5.2.4: a value not starting with "/" means the default-path.
      path = value.starts_with('/') ? std::string(value) : default_cookie_path(request_url.path);
    } else if (iequals(name, "secure")) {
      c.secure = true;
    } else if (iequals(name, "httponly")) {
      c.http_only = true;
    }
  }

  // §5.3 step 3: Max-Age has precedence over Expires, whatever their order.
  if (max_age || expires) {
    c.persistent = true;
    c.expiry = max_age ? *max_age : *expires;
  }
  // §5.3 steps 5 and 6
  const std::string& host = request_url.host;
  if (domain && !domain->empty()) {
    if (!domain_match(host, *domain)) return;
    c.host_only = false;
    c.domain = *domain;
  } else {
    c.host_only = true;
    c.domain = host;
  }
  c.path = path ? *path : default_cookie_path(request_url.path);

  // §5.3 step 11: the old cookie's creation time is kept when replacing it.
  const auto old = std::find_if(cookies_.begin(), cookies_.end(), [&c](const cookie& o) {
    return o.name == c.name && o.domain == c.domain && o.path == c.path;
  });
  if (old != cookies_.end()) {
    c.creation = old->creation;
    cookies_.erase(old);
  } else {
    c.creation = next_creation_++;
  }
  // An already expired cookie is how a server deletes one (§5.3 step 12).
  if (expired(c, now)) return;
  // RFC 6265 §6.1 lets a user agent bound its store; a hostile server must not grow it forever.
  if (cookies_.size() >= max_cookies) {
    cookies_.erase(
        std::min_element(cookies_.begin(), cookies_.end(),
                         [](const cookie& a, const cookie& b) { return a.creation < b.creation; }));
  }
  cookies_.push_back(std::move(c));
}

std::string cookie_jar::header_for(const url::url& request_url, sys_clock::time_point now) const {
  const std::string_view request_path =
      request_url.path.empty() ? std::string_view("/") : std::string_view(request_url.path);
  std::vector<const cookie*> matching;
  for (const cookie& c : cookies_) {
    if (expired(c, now)) continue;
    if (c.host_only ? request_url.host != c.domain : !domain_match(request_url.host, c.domain))
      continue;
    if (!path_match(request_path, c.path)) continue;
    if (c.secure && !secure_scheme(request_url.scheme)) continue;
    matching.push_back(&c);
  }
  std::sort(matching.begin(), matching.end(),
            [](const cookie* a, const cookie* b) { return send_order(*a, *b); });
  std::string out;
  for (const cookie* c : matching) {
    if (!out.empty()) out += "; ";
    out += c->name + "=" + c->value;
  }
  return out;
}

std::vector<cookie> cookie_jar::cookies() const {
  std::vector<cookie> out = cookies_;
  std::sort(out.begin(), out.end(), send_order);
  return out;
}

std::map<std::string, std::string> cookie_jar::snapshot() const {
  std::map<std::string, std::string> out;
  for (const cookie& c : cookies())
    out.emplace(c.name, c.value);
  return out;
}

void cookie_jar::clear() {
  cookies_.clear();
}

}  // namespace ph::clients::http
