#include "harness/rules/smtp/smtp_syntax.hpp"

#include <cstdint>

#include "harness/rules/lexical.hpp"

namespace ph::harness::rules::smtp {

namespace {

constexpr std::size_t npos = std::string_view::npos;

bool is_alpha(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_digit(unsigned char c) {
  return c >= '0' && c <= '9';
}
bool is_hex(unsigned char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// RFC 5322 §3.2.3 atext (RFC 5321 §4.1.2 Atom), widened to UTF-8 by RFC 6531 §3.3.
bool is_atext(unsigned char c) {
  if (is_alpha(c) || is_digit(c) || c >= 0x80) return true;
  constexpr std::string_view specials = "!#$%&'*+-/=?^_`{|}~";
  return specials.find(static_cast<char>(c)) != npos;
}

using lexical::split;

bool is_dot_string(std::string_view s) {
  if (s.empty()) return false;
  for (std::string_view atom : split(s, '.')) {
    if (atom.empty()) return false;
    for (unsigned char c : atom)
      if (!is_atext(c)) return false;
  }
  return true;
}

// RFC 5321 §4.1.2 Quoted-string; returns the length consumed, 0 when malformed.
std::size_t quoted_string_length(std::string_view s) {
  if (s.empty() || s.front() != '"') return 0;
  for (std::size_t i = 1; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == '"') return i + 1;
    if (c == '\\') {
      if (i + 1 >= s.size()) return 0;
      const auto q = static_cast<unsigned char>(s[i + 1]);
      if (q < 32 || q == 127) return 0;
      ++i;
      continue;
    }
    if (c < 32 || c == 127) return 0;
  }
  return 0;
}

// Domain labels as the path grammar sees them; LDH strictness is SMTP-FQDN's business.
bool is_loose_domain(std::string_view d) {
  if (d.empty()) return false;
  if (d.front() == '[') return is_address_literal(d);
  for (std::string_view label : split(d, '.')) {
    if (label.empty()) return false;
    for (unsigned char c : label)
      if (!(is_alpha(c) || is_digit(c) || c == '-' || c == '_' || c >= 0x80)) return false;
  }
  return true;
}

void parse_mailbox(std::string_view m, path_arg& out) {
  out.mailbox = m;
  std::size_t local_len = 0;
  if (!m.empty() && m.front() == '"') {
    local_len = quoted_string_length(m);
    if (local_len == 0) {
      out.problems.push_back("malformed quoted local-part");
      return;
    }
  } else {
    local_len = m.find('@');
    if (local_len == npos) local_len = m.size();
    if (!is_dot_string(m.substr(0, local_len)))
      out.problems.push_back("local-part is not a dot-string");
  }
  out.local = m.substr(0, local_len);
  if (local_len >= m.size() || m[local_len] != '@') {
    out.problems.push_back("mailbox has no '@domain'");
    return;
  }
  out.domain = m.substr(local_len + 1);
  if (!is_loose_domain(out.domain)) out.problems.push_back("malformed domain");
}

bool is_param_keyword(std::string_view k) {
  if (k.empty() || !(is_alpha(k[0]) || is_digit(k[0]))) return false;
  for (unsigned char c : k)
    if (!(is_alpha(c) || is_digit(c) || c == '-')) return false;
  return true;
}

void parse_params(std::string_view rest, path_arg& out) {
  if (rest.empty()) return;
  if (rest.front() != ' ') {
    out.problems.push_back("text directly after the path");
    return;
  }
  for (std::string_view tok : split(rest.substr(1), ' ')) {
    if (tok.empty()) {
      out.problems.push_back("parameters not separated by single spaces");
      continue;
    }
    esmtp_param p;
    p.raw = tok;
    const std::size_t eq = tok.find('=');
    p.keyword = upper(tok.substr(0, eq));
    if (eq != npos) {
      p.has_value = true;
      p.value = tok.substr(eq + 1);
    }
    bool ok = is_param_keyword(tok.substr(0, eq)) && (!p.has_value || !p.value.empty());
    for (unsigned char c : p.value)
      if (c < 33 || c == '=' || c == 127) ok = false;
    if (!ok) out.problems.push_back("malformed parameter '" + std::string(tok) + "'");
    out.params.push_back(std::move(p));
  }
}

}  // namespace

bool is_ldh_label(std::string_view label, bool allow_utf8) {
  if (label.empty() || label.size() > 63) return false;
  if (label.front() == '-' || label.back() == '-') return false;
  for (unsigned char c : label)
    if (!(is_alpha(c) || is_digit(c) || c == '-' || (allow_utf8 && c >= 0x80))) return false;
  return true;
}

bool is_domain(std::string_view domain, bool allow_utf8) {
  if (domain.empty() || domain.size() > 255) return false;
  for (std::string_view label : split(domain, '.'))
    if (!is_ldh_label(label, allow_utf8)) return false;
  return true;
}

bool is_fqdn(std::string_view domain, bool allow_utf8) {
  if (!is_domain(domain, allow_utf8)) return false;
  const auto labels = split(domain, '.');
  if (labels.size() < 2) return false;
  for (unsigned char c : labels.back())
    if (!is_digit(c)) return true;
  return false;
}

bool is_ipv4(std::string_view s) {
  const auto parts = split(s, '.');
  if (parts.size() != 4) return false;
  for (std::string_view p : parts) {
    if (p.empty() || p.size() > 3) return false;
    int v = 0;
    for (unsigned char c : p) {
      if (!is_digit(c)) return false;
      v = v * 10 + (c - '0');
    }
    if (v > 255) return false;
  }
  return true;
}

bool is_ipv6(std::string_view s) {
  if (s.empty()) return false;
  // An IPv4 tail stands for the last two groups (RFC 5321 §4.1.3 IPv6v4-full/-comp).
  int tail_groups = 0;
  std::string_view head = s;
  const std::size_t last_colon = s.rfind(':');
  if (last_colon != npos && s.find('.', last_colon) != npos) {
    if (!is_ipv4(s.substr(last_colon + 1))) return false;
    tail_groups = 2;
    head = s.substr(0, last_colon + 1);
    // "...:" before the IPv4 part: drop the colon unless it belongs to "::".
    if (head.size() < 2 || head.substr(head.size() - 2) != "::") head.remove_suffix(1);
  }
  auto count_groups = [](std::string_view part, int& n) {
    if (part.empty()) return true;
    for (std::string_view g : split(part, ':')) {
      if (g.empty() || g.size() > 4) return false;
      for (unsigned char c : g)
        if (!is_hex(c)) return false;
      ++n;
    }
    return true;
  };
  const std::size_t dc = head.find("::");
  int n = 0;
  if (dc == npos) {
    if (!count_groups(head, n)) return false;
    return n + tail_groups == 8;
  }
  if (head.find("::", dc + 1) != npos) return false;
  if (!count_groups(head.substr(0, dc), n) || !count_groups(head.substr(dc + 2), n)) return false;
  // RFC 5321 §4.1.3: "::" stands for at least two groups; at most 6 (4 with an IPv4 tail).
  return n + tail_groups <= 6;
}

bool is_address_literal(std::string_view s) {
  if (s.size() < 3 || s.front() != '[' || s.back() != ']') return false;
  const std::string_view in = s.substr(1, s.size() - 2);
  if (is_ipv4(in)) return true;
  const std::size_t colon = in.find(':');
  if (colon == npos || colon == 0) return false;
  const std::string_view tag = in.substr(0, colon);
  const std::string_view content = in.substr(colon + 1);
  if (iequals(tag, "IPv6")) return is_ipv6(content);
  // General-address-literal: Standardized-tag ":" 1*dcontent.
  if (!is_ldh_label(tag) || content.empty()) return false;
  for (unsigned char c : content)
    if (c < 33 || c > 126 || c == '[' || c == '\\' || c == ']') return false;
  return true;
}

bool is_bare_ip(std::string_view s) {
  if (is_ipv4(s)) return true;
  if (s.size() > 5 && iequals(s.substr(0, 5), "IPv6:")) return is_ipv6(s.substr(5));
  return is_ipv6(s);
}

std::size_t find_8bit(std::string_view s) {
  for (std::size_t i = 0; i < s.size(); ++i)
    if (static_cast<unsigned char>(s[i]) >= 0x80) return i;
  return npos;
}

path_arg parse_path_arg(std::string_view arg, bool rcpt) {
  path_arg out;
  const std::string_view keyword = rcpt ? "TO" : "FROM";
  std::string_view a = arg;
  if (!a.empty() && a.front() == ' ') {
    out.problems.push_back("more than one space after the verb");
    while (!a.empty() && a.front() == ' ')
      a.remove_prefix(1);
  }
  const std::size_t colon = a.find(':');
  if (colon == npos) {
    out.problems.push_back(std::string("no \"") + std::string(keyword) + ":\"");
    return out;
  }
  std::string_view kw = a.substr(0, colon);
  if (!iequals(kw, keyword)) {
    while (!kw.empty() && kw.back() == ' ')
      kw.remove_suffix(1);
    if (!iequals(kw, keyword)) {
      out.problems.push_back(std::string("no \"") + std::string(keyword) + ":\"");
      return out;
    }
    // RFC 5321 §3.3: no space on either side of the colon.
    out.problems.push_back("space before the colon");
  }
  a.remove_prefix(colon + 1);
  if (!a.empty() && a.front() == ' ') {
    out.problems.push_back("space after the colon");
    while (!a.empty() && a.front() == ' ')
      a.remove_prefix(1);
  }
  if (a.empty()) {
    out.problems.push_back("no path");
    return out;
  }
  if (a.front() != '<') {
    out.problems.push_back("path not in angle brackets");
    const std::size_t sp = a.find(' ');
    const std::string_view token = a.substr(0, sp);
    out.found = true;
    out.path = token;
    parse_mailbox(token, out);
    parse_params(sp == npos ? std::string_view{} : a.substr(sp), out);
    return out;
  }
  std::size_t i = 1;
  bool quoted = false;
  for (; i < a.size(); ++i) {
    const char c = a[i];
    if (quoted) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        quoted = false;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == '>') {
      break;
    }
  }
  if (i >= a.size()) {
    out.problems.push_back("path has no closing '>'");
    return out;
  }
  out.found = true;
  out.path = a.substr(0, i + 1);
  std::string_view inner = a.substr(1, i - 1);
  const std::string_view rest = a.substr(i + 1);
  if (inner.empty()) {
    out.null_path = true;
    if (rcpt) out.problems.push_back("empty forward-path");
  } else {
    if (inner.front() == '@') {
      // RFC 5321 §4.1.2 A-d-l: "@dom,@dom:" before the mailbox.
      out.source_route = true;
      const std::size_t c = inner.find(':');
      if (c == npos) {
        out.problems.push_back("source route without ':'");
        inner = {};
      } else {
        for (std::string_view hop : split(inner.substr(0, c), ','))
          if (hop.size() < 2 || hop.front() != '@' || !is_loose_domain(hop.substr(1)))
            out.problems.push_back("malformed source route");
        inner.remove_prefix(c + 1);
      }
    }
    if (rcpt && iequals(inner, "postmaster")) {
      out.postmaster = true;
      out.mailbox = inner;
      out.local = inner;
    } else if (!inner.empty()) {
      parse_mailbox(inner, out);
    }
  }
  parse_params(rest, out);
  return out;
}

}  // namespace ph::harness::rules::smtp
