// The envelope: SMTP-EHLO-ARG, SMTP-PATH-SYNTAX, SMTP-FQDN, SMTP-ASCII-ENVELOPE,
// SMTP-LEN-CMD, SMTP-PARAMS-ADVERTISED, SMTP-8BIT, SMTP-SIZE, SMTP-LOCALPART-CASE.

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "harness/rules/smtp/imf_header.hpp"
#include "harness/rules/smtp/smtp_check.hpp"
#include "harness/rules/smtp/smtp_syntax.hpp"

namespace ph::harness::rules::smtp {

namespace {

constexpr std::size_t npos = std::string_view::npos;

bool is_envelope(const turn& t) {
  return t.is("MAIL") || t.is("RCPT");
}

path_arg path_of(const turn& t) {
  return parse_path_arg(t.arg, t.is("RCPT"));
}

const esmtp_param* param(const path_arg& p, std::string_view keyword) {
  for (const auto& prm : p.params)
    if (prm.keyword == keyword) return &prm;
  return nullptr;
}

// The MAIL turn of the transaction turn i belongs to (the last MAIL when it failed).
int mail_of(const session& s, int i) {
  if (at(s, i).txn >= 0) return at(s, i).txn;
  for (int j = i - 1; j >= 0 && at(s, j).segment == at(s, i).segment; --j)
    if (at(s, j).is("MAIL")) return j;
  return -1;
}

bool parse_u64(std::string_view digits, std::uint64_t& out) {
  if (digits.empty()) return false;
  for (char c : digits)
    if (c < '0' || c > '9') return false;
  auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), out);
  return ec == std::errc{} && p == digits.data() + digits.size();
}

}  // namespace

// RFC 5321 §4.1.1.1, §4.1.4, §2.3.5: "EHLO" SP (Domain / address-literal), the client's
// FQDN or else an address literal; RFC 6531 §3.7.1: ASCII only.
void check_ehlo_arg(const session& s, const context&, findings& f) {
  for (const auto& t : s.turns) {
    if (!t.is("EHLO") && !t.is("HELO")) continue;
    f.applied();
    const std::string_view arg = t.arg;
    const std::size_t sp = arg.find(' ');
    const std::string_view name = arg.substr(0, sp);
    if (name.empty()) {
      f.fail(t.verb + " without a domain or address literal", t.first_event, t.raw);
      continue;
    }
    if (find_8bit(name) != npos) {
      f.fail(t.verb + " argument is not ASCII", t.first_event, t.raw);
    } else if (name.front() == '[') {
      if (!is_address_literal(name))
        f.fail("malformed address literal '" + std::string(name) + "'", t.first_event, t.raw);
    } else if (is_bare_ip(name)) {
      f.fail_weak("bare IP address '" + std::string(name) + "'; use an address literal such as [" +
                      std::string(name) + "]",
                  t.first_event, t.raw);
    } else if (!is_domain(name)) {
      f.fail("'" + std::string(name) + "' is not a domain of letter-digit-hyphen labels",
             t.first_event, t.raw);
    } else if (!is_fqdn(name)) {
      f.fail("'" + std::string(name) + "' is not a fully-qualified domain name", t.first_event,
             t.raw);
    }
    if (sp != npos) f.fail_weak("text after the " + t.verb + " argument", t.first_event, t.raw);
  }
}

// RFC 5321 §4.1.2 (ABNF), §3.3: "MAIL FROM:<path>", "RCPT TO:<path>", no spaces around the
// colon, angle brackets, single-SP parameters; source routes SHOULD NOT be used (§3.6.1).
void check_path_syntax(const session& s, const context&, findings& f) {
  for (const auto& t : s.turns) {
    if (!is_envelope(t)) continue;
    f.applied();
    const path_arg p = path_of(t);
    if (!p.problems.empty()) f.fail(t.verb + ": " + p.problems.front(), t.first_event, t.raw);
    if (p.source_route) f.fail_weak("source route in the path", t.first_event, t.raw);
  }
}

// RFC 5321 §2.3.5, §4.1.2: envelope domains are fully qualified LDH names or literals.
void check_fqdn(const session& s, const context&, findings& f) {
  for (const auto& t : s.turns) {
    if (!is_envelope(t)) continue;
    const path_arg p = path_of(t);
    if (!p.found || p.null_path || p.postmaster) continue;
    f.applied();
    const std::string& d = p.domain;
    if (d.empty()) {
      f.fail("address without a domain (only Postmaster may omit it)", t.first_event, t.raw);
    } else if (d.front() == '[') {
      continue;  // an address literal; its syntax is SMTP-PATH-SYNTAX's
    } else if (is_bare_ip(d)) {
      f.fail("IP address '" + d + "' used as a domain without brackets", t.first_event, t.raw);
    } else if (!is_domain(d, true)) {
      f.fail("domain '" + d + "' has a label that is not letter-digit-hyphen", t.first_event,
             t.raw);
    } else if (!is_fqdn(d, true)) {
      f.fail("domain '" + d + "' is not fully qualified", t.first_event, t.raw);
    }
  }
}

// RFC 5321 §2.4, §4.1.2; RFC 6531 §3.2, §3.4: envelope octets >= 0x80 only with SMTPUTF8
// advertised and requested on MAIL; no control characters ever; SMTPUTF8 takes no value.
void check_ascii_envelope(const session& s, const context&, findings& f) {
  for (std::size_t n = 0; n < s.turns.size(); ++n) {
    const int i = static_cast<int>(n);
    const turn& t = at(s, i);
    const bool ehlo = t.is("EHLO") || t.is("HELO");
    if (!(ehlo || is_envelope(t) || t.is("VRFY") || t.is("EXPN"))) continue;
    f.applied();
    if (find_ctl(t.arg) != npos) {
      f.fail("control character in " + t.verb + " argument", t.first_event, t.raw);
      continue;
    }
    const bool eight = find_8bit(t.arg) != npos;
    const ehlo_state* e = s.ehlo_for(i);
    const bool advertised = e != nullptr && e->has("SMTPUTF8");
    if (ehlo) {
      if (eight) f.fail(t.verb + " argument must stay ASCII", t.first_event, t.raw);
      continue;
    }
    if (t.is("VRFY") || t.is("EXPN")) {
      if (eight && !advertised)
        f.fail("non-ASCII " + t.verb + " argument without SMTPUTF8", t.first_event, t.raw);
      continue;
    }
    const int mail = t.is("MAIL") ? i : mail_of(s, i);
    const path_arg mp = mail >= 0 ? path_of(at(s, mail)) : path_arg{};
    const esmtp_param* utf8 = param(mp, "SMTPUTF8");
    if (t.is("MAIL") && utf8 != nullptr && utf8->has_value)
      f.fail("SMTPUTF8 parameter takes no value", t.first_event, t.raw);
    if (eight && (!advertised || utf8 == nullptr))
      f.fail(std::string("non-ASCII ") + t.verb + " argument without " +
                 (advertised ? "the SMTPUTF8 parameter on MAIL" : "SMTPUTF8 in the EHLO reply"),
             t.first_event, t.raw);
  }
  // RFC 6531 §3.4: the parameter is for transactions that need it.
  for (const auto& b : s.blocks) {
    const int mail = mail_for_block(s, b);
    if (mail < 0 || !b.terminated) continue;
    const path_arg mp = path_of(at(s, mail));
    if (param(mp, "SMTPUTF8") == nullptr) continue;
    bool needed = find_8bit(at(s, mail).arg) != npos;
    for (int j = mail + 1; j < b.command && !needed; ++j)
      if (at(s, j).is("RCPT") && find_8bit(at(s, j).arg) != npos) needed = true;
    const header_section h = parse_header(b.message);
    if (find_8bit(std::string_view(b.message).substr(0, h.end)) != npos) needed = true;
    if (!needed)
      f.fail_weak("SMTPUTF8 requested for an all-ASCII envelope and header",
                  at(s, mail).first_event, at(s, mail).raw);
  }
}

// RFC 5321 §4.5.3.1.1-4: 512-octet command lines (plus what extensions in use add: RFC 1870
// §3 SIZE 26, RFC 4954 §3 AUTH= 500, RFC 6531 §3.1 SMTPUTF8 10), local-part 64, domain
// 255, path 256 octets.
void check_len_cmd(const session& s, const context&, findings& f) {
  for (const auto& t : s.turns) {
    if (t.kind != turn_kind::command) continue;
    f.applied();
    const std::size_t line = t.raw.size() + (t.terminated ? 0 : 2);
    // The whole line, so that the evidence names its length and digest; AUTH lines carry
    // credentials, of which no digest is published.
    const std::string_view shown =
        t.is("AUTH") ? std::string_view(t.raw).substr(0, 80) : std::string_view(t.raw);
    std::size_t limit = 512;
    if (is_envelope(t)) {
      const path_arg p = path_of(t);
      for (const auto& prm : p.params) {
        if (prm.keyword == "SIZE") {
          limit += 26;
        } else if (prm.keyword == "AUTH") {
          limit += 500;
        } else if (prm.keyword == "SMTPUTF8") {
          limit += 10;
        } else {
          limit += prm.raw.size() + 1;  // no published increment: allow what it takes
        }
      }
      if (p.local.size() > 64)
        f.fail("local-part of " + std::to_string(p.local.size()) + " octets (max 64)",
               t.first_event, shown);
      if (p.domain.size() > 255)
        f.fail("domain of " + std::to_string(p.domain.size()) + " octets (max 255)", t.first_event,
               shown);
      if (p.path.size() > 256)
        f.fail("path of " + std::to_string(p.path.size()) + " octets (max 256)", t.first_event,
               shown);
    }
    if (line > limit)
      f.fail(excerpt(t.verb, 0, 20) + " line of " + std::to_string(line) + " octets (max " +
                 std::to_string(limit) + ")",
             t.first_event, shown);
  }
}

// RFC 5321 §4.1.1.11 (via §4.1.1.2-3): parameters only of extensions in the EHLO reply in
// force; §4.1.1.4, §4.1.1.5, §4.1.1.10: DATA, RSET and QUIT take no argument.
void check_params_advertised(const session& s, const context&, findings& f) {
  for (std::size_t n = 0; n < s.turns.size(); ++n) {
    const int i = static_cast<int>(n);
    const turn& t = at(s, i);
    if (t.is("DATA") || t.is("RSET") || t.is("QUIT")) {
      f.applied();
      if (t.line().size() != t.verb.size())
        f.fail(t.verb + " takes no argument", t.first_event, t.raw);
      continue;
    }
    if (!is_envelope(t)) continue;
    f.applied();
    const ehlo_state* e = s.ehlo_for(i);
    for (const auto& prm : path_of(t).params) {
      const auto needed = extensions_for_param(prm.keyword, prm.value);
      const bool ok = e != nullptr && std::any_of(needed.begin(), needed.end(),
                                                  [e](const auto& k) { return e->has(k); });
      if (!ok)
        f.fail(
            prm.keyword + " parameter but " + needed.front() + " is not in the EHLO reply in force",
            t.first_event, t.raw);
    }
  }
}

// RFC 5321 §2.4, RFC 6152 §2-3: 8-bit content only with 8BITMIME advertised and BODY=8BITMIME
// declared (or SMTPUTF8 in use); one BODY, of a known value; RFC 3030 §3: BINARYMIME uses BDAT.
void check_8bit(const session& s, const context&, findings& f) {
  for (const auto& t : s.turns) {
    if (!t.is("MAIL")) continue;
    const path_arg p = path_of(t);
    int bodies = 0;
    for (const auto& prm : p.params) {
      if (prm.keyword != "BODY") continue;
      f.applied();
      ++bodies;
      if (!iequals(prm.value, "7BIT") && !iequals(prm.value, "8BITMIME") &&
          !iequals(prm.value, "BINARYMIME"))
        f.fail("BODY=" + prm.value + " is not 7BIT, 8BITMIME or BINARYMIME", t.first_event, t.raw);
    }
    if (bodies > 1) f.fail("more than one BODY parameter", t.first_event, t.raw);
  }
  for (const auto& b : s.blocks) {
    if (b.content < 0 && !b.bdat) continue;
    f.applied();
    const int mail = mail_for_block(s, b);
    const path_arg p = mail >= 0 ? path_of(at(s, mail)) : path_arg{};
    const esmtp_param* body = param(p, "BODY");
    const std::string value = body != nullptr ? upper(body->value) : std::string{};
    if (value == "BINARYMIME" && !b.bdat)
      f.fail("BODY=BINARYMIME content sent with DATA instead of BDAT", at(s, b.command).first_event,
             at(s, b.command).raw);
    const std::size_t eight = find_8bit(b.message);
    if (eight == npos) continue;
    const ehlo_state* e = mail >= 0 ? s.ehlo_for(mail) : s.ehlo_for(b.command);
    const bool declared = (value == "8BITMIME" && e != nullptr && e->has("8BITMIME")) ||
                          (value == "BINARYMIME" && e != nullptr && e->has("BINARYMIME"));
    const bool utf8 = param(p, "SMTPUTF8") != nullptr && e != nullptr && e->has("SMTPUTF8");
    if (!declared && !utf8)
      f.fail(body == nullptr ? "8-bit content without BODY=8BITMIME"
                             : "8-bit content but BODY=" + body->value +
                                   (e != nullptr && e->has("8BITMIME")
                                        ? std::string{}
                                        : std::string(" and no 8BITMIME in the EHLO reply")),
             s.message_event_at(b, eight), line_around(b.message, eight));
  }
}

// RFC 1870 §3 (SIZE=1*20DIGIT, once), §5-6 (an estimate no smaller than the message; no
// message above a non-zero advertised limit; RSET or QUIT after 452/552 to MAIL).
void check_size(const session& s, const context&, findings& f) {
  for (std::size_t n = 0; n < s.turns.size(); ++n) {
    const int i = static_cast<int>(n);
    const turn& t = at(s, i);
    if (!t.is("MAIL")) continue;
    const path_arg p = path_of(t);
    int sizes = 0;
    for (const auto& prm : p.params) {
      if (prm.keyword != "SIZE") continue;
      f.applied();
      ++sizes;
      std::uint64_t v = 0;
      if (prm.value.size() > 20 || !parse_u64(prm.value, v))
        f.fail("SIZE=" + prm.value + " is not 1*20DIGIT", t.first_event, t.raw);
    }
    if (sizes > 1) f.fail("SIZE given more than once", t.first_event, t.raw);
    const reply* r = t.reply >= 0 ? &s.replies[static_cast<std::size_t>(t.reply)] : nullptr;
    if (r != nullptr && (r->code == 552 || r->code == 452)) {
      f.applied();
      for (std::size_t j = n + 1; j < s.turns.size() && s.turns[j].segment == t.segment; ++j) {
        const turn& next = s.turns[j];
        if (next.kind != turn_kind::command) continue;
        if (!next.is("RSET") && !next.is("QUIT"))
          f.fail_weak("after " + std::to_string(r->code) + " to MAIL the client sent " + next.verb +
                          ", not RSET or QUIT",
                      next.first_event, next.raw);
        break;
      }
    }
  }
  for (const auto& b : s.blocks) {
    const int mail = mail_for_block(s, b);
    if (mail < 0 || !b.terminated) continue;
    // RFC 1870 §3: octets of the message, CRLFs counted, stuffing and ".CRLF" not.
    const std::uint64_t real = b.message.size();
    const path_arg mp = path_of(at(s, mail));
    const esmtp_param* size = param(mp, "SIZE");
    std::uint64_t declared = 0;
    if (size != nullptr && parse_u64(size->value, declared)) {
      f.applied();
      // Two octets of slack: the CRLF a client adds to a message that lacks one (RFC 5321
      // §4.1.1.4) is easily left out of the estimate.
      if (declared + 2 < real)
        f.fail_weak("declared SIZE=" + size->value + " but the message has " +
                        std::to_string(real) + " octets",
                    at(s, mail).first_event, at(s, mail).raw);
    }
    const ehlo_state* e = s.ehlo_for(mail);
    std::uint64_t limit = 0;
    if (e != nullptr && e->has("SIZE") && parse_u64(e->params("SIZE"), limit) && limit > 0) {
      f.applied();
      if (real > limit)
        f.fail_weak("sent a message of " + std::to_string(real) +
                        " octets to a server whose SIZE limit is " + std::to_string(limit),
                    s.message_event_at(b, 0), at(s, mail).raw);
    }
  }
}

// RFC 5321 §2.4: the local-part's case is kept exactly (oracle: the scenario's addresses).
void check_localpart_case(const session& s, const context& ctx, findings& f) {
  if (ctx.scen == nullptr) return;
  std::vector<std::string> oracle;
  auto add = [&oracle](const nlohmann::json& v) {
    auto one = [&oracle](const nlohmann::json& x) {
      if (!x.is_string()) return;
      std::string a = x.get<std::string>();
      const std::size_t lt = a.rfind('<');
      const std::size_t gt = a.rfind('>');
      if (lt != std::string::npos && gt != std::string::npos && gt > lt)
        a = a.substr(lt + 1, gt - lt - 1);
      if (a.find('@') != std::string::npos && a.find_first_of(" \r\n") == std::string::npos)
        oracle.push_back(a);
    };
    if (v.is_array()) {
      for (const auto& x : v)
        one(x);
    } else {
      one(v);
    }
  };
  for (const auto& step : ctx.scen->client) {
    if (!step.args.is_object()) continue;
    for (const char* key : {"from", "to", "cc", "bcc", "address"}) {
      auto it = step.args.find(key);
      if (it != step.args.end()) add(*it);
    }
  }
  if (oracle.empty()) return;
  for (const auto& t : s.turns) {
    if (!is_envelope(t)) continue;
    const path_arg p = path_of(t);
    if (!p.found || p.local.empty() || p.domain.empty()) continue;
    bool exact = false;
    const std::string* folded = nullptr;
    for (const auto& o : oracle) {
      const std::size_t atpos = o.rfind('@');
      const std::string_view ol = std::string_view(o).substr(0, atpos);
      const std::string_view od = std::string_view(o).substr(atpos + 1);
      if (!iequals(od, p.domain) || !iequals(ol, p.local)) continue;
      if (ol == p.local)
        exact = true;
      else
        folded = &o;
    }
    if (exact || folded != nullptr) f.applied();
    if (!exact && folded != nullptr)
      f.fail("local-part case changed: asked for " + *folded + ", sent " + p.mailbox, t.first_event,
             t.raw);
  }
}

}  // namespace ph::harness::rules::smtp
