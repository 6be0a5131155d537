// FTP checks about transfers, data connections and TLS (rfc-rules.md §3).

#include <optional>
#include <set>
#include <string>

#include "harness/rules/ftp/ftp_check.hpp"
#include "harness/rules/lexical.hpp"

namespace ph::harness::rules::ftp {

namespace {

constexpr std::size_t npos = std::string_view::npos;

using lexical::all_digits;
using lexical::number;
using lexical::split;

bool is_ipv4(std::string_view s) {
  const auto parts = split(s, '.');
  if (parts.size() != 4) return false;
  for (auto p : parts) {
    const auto n = number(p, 3);
    if (!n || *n > 255) return false;
  }
  return true;
}

bool is_ipv6(std::string_view s) {
  if (s.find(':') == npos || s.size() > 45) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' ||
          c == '.'))
      return false;
  return true;
}

// Binary representation: TYPE I or TYPE L 8 (RFC 959 §3.1.1.3, §3.1.1.4).
bool binary_type(std::string_view type) {
  return type == "I" || type == "L 8";
}

// RFC 959 §5.3.2: type-code ::= A [sp form-code] | E [sp form-code] | I | L sp byte-size.
bool valid_type(std::string_view arg) {
  const std::string a = upper(arg);
  if (a == "I" || a == "A" || a == "E") return true;
  if ((a.size() == 3) && (a[0] == 'A' || a[0] == 'E') && a[1] == ' ')
    return a[2] == 'N' || a[2] == 'T' || a[2] == 'C';
  if (a.size() >= 3 && a[0] == 'L' && a[1] == ' ') {
    const auto n = number(std::string_view(a).substr(2), 3);
    return n && *n >= 1 && *n <= 255;
  }
  return false;
}

bool is_login_free(const command& c) {
  static const std::set<std::string, std::less<>> free = {
      "USER", "PASS", "ACCT", "AUTH", "FEAT", "PBSZ", "PROT", "HOST", "SYST", "NOOP", "QUIT",
      "OPTS", "CLNT", "CCC",  "HELP", "STAT", "LANG", "TYPE", "MODE", "STRU", "REIN"};
  return free.count(c.verb) > 0;
}

// The transfer a REST applies to: the first transfer after it, skipping data-port setup.
int transfer_after_rest(const session& s, std::size_t rest, bool& setup_between) {
  setup_between = false;
  for (std::size_t j = rest + 1; j < s.commands.size(); ++j) {
    const command& c = s.commands[j];
    if (c.is_transfer()) return static_cast<int>(j);
    if (!c.is_setup()) return -1;
    setup_between = true;
  }
  return -1;
}

}  // namespace

// RFC 959 §5.3.2 (grammar, must*); §3.1.1 (semantic): byte-exact transfers run under TYPE I.
// The scenario says which transfers are binary (retr/stor/appe `binary`, default true).
void check_type(const session& s, const context& ctx, findings& f) {
  for (const command& c : s.commands) {
    if (!c.is("TYPE")) continue;
    f.applied();
    if (!valid_type(c.arg)) f.fail("TYPE argument outside RFC 959 §5.3.2", c.first_event, c.raw);
  }
  if (ctx.scen == nullptr) return;
  for (std::string_view op : {"retr", "stor", "appe"}) {
    const std::string verb = upper(op);
    std::vector<int> cmds;
    for (std::size_t i = 0; i < s.commands.size(); ++i)
      if (s.commands[i].verb == verb) cmds.push_back(static_cast<int>(i));
    std::size_t n = 0;
    for (const auto& step : ctx.scen->client) {
      if (step.op != op) continue;
      if (n >= cmds.size()) break;
      const command& c = s.at(cmds[n++]);
      f.applied();
      bool binary = true;
      if (step.args.is_object() && step.args.contains("binary") && step.args["binary"].is_boolean())
        binary = step.args["binary"].get<bool>();
      if (binary && !binary_type(c.type))
        f.fail_weak("binary " + verb + " under TYPE " + c.type, c.first_event, c.raw);
      else if (!binary && binary_type(c.type))
        f.fail_weak("text " + verb + " under TYPE " + c.type, c.first_event, c.raw);
    }
  }
}

// RFC 959 §3.1.1.1: under TYPE A the client's data uses CRLF line ends.
void check_ascii_eol(const session& s, const context&, findings& f) {
  for (const command& c : s.commands) {
    if (!(c.is("STOR") || c.is("APPE") || c.is("STOU")) || c.data_channel < 0) continue;
    if (c.type.empty() || c.type[0] != 'A') continue;
    const data_channel& d = s.data[static_cast<std::size_t>(c.data_channel)];
    f.applied();
    const std::string& b = d.client_bytes;
    for (std::size_t i = 0; i < b.size(); ++i)
      if (b[i] == '\n' && (i == 0 || b[i - 1] != '\r')) {
        f.fail(c.verb + " under TYPE A sends a bare LF", d.first_client_data,
               excerpt(b, i >= 20 ? i - 20 : 0, 40));
        break;
      }
  }
}

// RFC 959 §4.1.2, §5.3.2 (grammar, must*); RFC 1123 §4.1.2.5 (SHOULD: a new port per
// transfer). The address should be the one the server sees the client at.
void check_port(const session& s, const context&, findings& f) {
  std::set<std::string> ports;
  for (const command& c : s.commands) {
    if (!c.is("PORT")) continue;
    f.applied();
    const auto parts = split(c.arg, ',');
    bool ok = parts.size() == 6;
    for (auto p : parts) {
      const auto n = number(p, 3);
      if (!n || *n > 255) ok = false;
    }
    if (!ok) {
      f.fail("PORT argument is not six decimal numbers 0-255", c.first_event, c.raw);
      continue;
    }
    const std::string host = std::string(parts[0]) + "." + std::string(parts[1]) + "." +
                             std::string(parts[2]) + "." + std::string(parts[3]);
    if (is_ipv4(s.client_host) && host != s.client_host)
      f.fail_weak("PORT names " + host + ", not the client address " + s.client_host, c.first_event,
                  c.raw);
    const std::string port = std::string(parts[4]) + "," + std::string(parts[5]);
    if (!ports.insert(port).second)
      f.fail_weak("PORT reuses a data port of an earlier transfer", c.first_event, c.raw);
  }
}

// RFC 2428 §2: EPRT SP <d><net-prt><d><net-addr><d><tcp-port><d>.
void check_eprt(const session& s, const context&, findings& f) {
  for (const command& c : s.commands) {
    if (!c.is("EPRT")) continue;
    f.applied();
    const std::string_view a = c.arg;
    const auto d = a.empty() ? 0 : static_cast<unsigned char>(a[0]);
    if (d < 33 || d > 126) {
      f.fail("EPRT delimiter is not a printable ASCII character (33-126)", c.first_event, c.raw);
      continue;
    }
    const auto parts = split(a, static_cast<char>(d));
    if (parts.size() != 5 || !parts[0].empty() || !parts[4].empty()) {
      f.fail("EPRT argument is not <d>proto<d>addr<d>port<d>", c.first_event, c.raw);
      continue;
    }
    const auto port = number(parts[3], 5);
    const bool addr_ok =
        (parts[1] == "1" && is_ipv4(parts[2])) || (parts[1] == "2" && is_ipv6(parts[2]));
    if (!addr_ok || !port || *port < 1 || *port > 65535)
      f.fail("EPRT address does not match its protocol, or the port is out of range", c.first_event,
             c.raw);
  }
}

// RFC 2428 §4: EPSV for transfers between the control connection's two hosts; PASV/PORT
// only once the extended command was refused.
void check_epsv_use(const session& s, const context&, findings& f) {
  bool epsv_refused = false;
  bool eprt_refused = false;
  for (const command& c : s.commands) {
    if (!c.is_setup()) continue;
    f.applied();
    if ((c.is("PASV") || c.is("LPSV")) && !epsv_refused)
      f.fail(c.verb + " sent without EPSV having been refused", c.first_event, c.raw);
    if ((c.is("PORT") || c.is("LPRT")) && !epsv_refused && !eprt_refused)
      f.fail(c.verb + " sent without EPSV/EPRT having been refused", c.first_event, c.raw);
    if (c.is("EPSV") && c.code >= 500) epsv_refused = true;
    if (c.is("EPRT") && c.code >= 500) eprt_refused = true;
  }
}

// RFC 2428 §4: after EPSV ALL no other data-setup command on the session.
void check_epsv_all(const session& s, const context&, findings& f) {
  int all = -1;
  for (std::size_t i = 0; i < s.commands.size(); ++i) {
    const command& c = s.commands[i];
    if (c.is("EPSV") && upper(c.arg) == "ALL") {
      f.applied();
      if (c.code == 0 || (c.code >= 200 && c.code < 300)) all = static_cast<int>(i);
      continue;
    }
    if (all >= 0 && c.is_setup() && !c.is("EPSV"))
      f.fail(c.verb + " sent after EPSV ALL", c.first_event, c.raw);
  }
}

// RFC 1123 §4.1.2.5, §4.1.2.6: each transfer gets its own data-port negotiation.
void check_fresh_data(const session& s, const context&, findings& f) {
  int setups = 0;
  bool consumed = false;
  for (const command& c : s.commands) {
    if (c.is_setup() && (c.code == 0 || (c.code >= 200 && c.code < 300))) ++setups;
    if (!c.is_transfer()) continue;
    f.applied();
    if (setups == 0 && consumed)
      f.fail(c.verb + " reuses the data-port negotiation of an earlier transfer", c.first_event,
             c.raw);
    // A transfer refused before any data connection leaves the negotiation unused.
    if (c.prelim >= 0 || c.data_channel >= 0) {
      consumed = true;
      setups = 0;
    }
  }
}

// RFC 959 §4.1.3 (REST "shall be immediately followed" by the transfer command); RFC 3659
// §5.3 (stream-mode marker is a decimal octet count).
void check_rest(const session& s, const context&, findings& f) {
  bool need_fresh = false;  // a REST's transfer failed: the next transfer needs a new REST
  for (std::size_t i = 0; i < s.commands.size(); ++i) {
    const command& c = s.commands[i];
    if (c.is_transfer()) {
      const bool after_rest = i > 0 && s.commands[i - 1].is("REST");
      if (need_fresh && !after_rest) {
        f.fail(c.verb + " follows a failed restarted transfer without a fresh REST", c.first_event,
               c.raw);
      }
      need_fresh = after_rest && c.code >= 400 && c.prelim < 0;
      continue;
    }
    if (!c.is("REST")) continue;
    f.applied();
    if (!all_digits(c.arg)) {
      f.fail("REST marker is not a decimal octet count", c.first_event, c.raw);
      continue;
    }
    if (c.code != 0 && c.code != 350) continue;
    if (i + 1 >= s.commands.size()) continue;
    const command& next = s.commands[i + 1];
    if (next.is_transfer()) {
      if (!(next.is("RETR") || next.is("STOR") || next.is("APPE") || next.is("STOU")))
        f.fail("REST is followed by " + next.verb, next.first_event, next.raw);
      continue;
    }
    bool setup_between = false;
    const int t = transfer_after_rest(s, i, setup_between);
    if (t >= 0 && setup_between) {
      // Servers keep the marker across PASV/EPSV/PORT; the letter of RFC 959 does not.
      f.fail_weak("data-port negotiation between REST and " + s.at(t).verb, next.first_event,
                  next.raw);
    } else {
      f.fail("REST is followed by " + next.verb + ", not the transfer", next.first_event, next.raw);
    }
  }
}

// RFC 3659 §4, §5.2: an offset for REST comes from a SIZE taken under the transfer's TYPE.
void check_size_type(const session& s, const context&, findings& f) {
  for (std::size_t i = 0; i < s.commands.size(); ++i) {
    const command& rest = s.commands[i];
    if (!rest.is("REST") || rest.arg == "0") continue;
    bool setup_between = false;
    const int t = transfer_after_rest(s, i, setup_between);
    if (t < 0) continue;
    const command& xfer = s.at(t);
    for (std::size_t j = i; j-- > 0;) {
      const command& size = s.commands[j];
      if (!size.is("SIZE") || size.arg != xfer.arg) continue;
      f.applied();
      if (binary_type(size.type) != binary_type(xfer.type))
        f.fail("REST offset comes from a SIZE under TYPE " + size.type + " but " + xfer.verb +
                   " runs under TYPE " + xfer.type,
               xfer.first_event, xfer.raw);
      break;
    }
  }
}

// RFC 4217 §4.1, §4.2; RFC 2228 §3: AUTH TLS, the handshake right after 234, then USER again
// and TYPE re-established.
void check_auth_tls(const session& s, const context&, findings& f) {
  for (std::size_t i = 0; i < s.commands.size(); ++i) {
    const command& c = s.commands[i];
    if (!c.is("AUTH")) continue;
    f.applied();
    if (upper(c.arg) != "TLS")
      f.fail_weak("AUTH " + excerpt(c.arg, 0, 40) + " requested instead of AUTH TLS", c.first_event,
                  c.raw);
    if (c.code != 234) continue;
    if (i + 1 < s.commands.size() && s.commands[i + 1].segment == c.segment)
      f.fail("command sent after AUTH before the TLS handshake", s.commands[i + 1].first_event,
             s.commands[i + 1].raw);
  }
  for (const tls_boundary& b : s.tls) {
    if (b.command < 0) continue;
    if (b.plaintext_event >= 0)
      f.fail("plaintext sent after 234 instead of a TLS ClientHello", b.plaintext_event,
             b.plaintext);
    if (b.ready_event < 0) continue;
    bool user = false;
    for (const command& c : s.commands) {
      if (c.first_event < b.ready_event) continue;
      if (c.is("USER")) user = true;
      if (!user && !is_login_free(c)) {
        f.fail(c.verb + " sent after AUTH TLS without USER being sent again", c.first_event, c.raw);
        break;
      }
    }
  }
  for (const command& c : s.commands)
    if (c.is_transfer() && c.stale_type >= 0)
      f.fail_weak(c.verb + " relies on a TYPE " + excerpt(s.at(c.stale_type).arg, 0, 40) +
                      " set before AUTH, which AUTH reset",
                  c.first_event, c.raw);
}

// RFC 4217 §8, §9: PBSZ 0 then PROT, both after the control connection's handshake.
void check_pbsz_prot(const session& s, const context&, findings& f) {
  bool pbsz = false;
  int segment = -1;
  for (const command& c : s.commands) {
    if (c.segment != segment) {
      segment = c.segment;
      pbsz = false;  // a new security state needs its own PBSZ
    }
    if (c.is("PBSZ")) {
      f.applied();
      if (!c.tls) f.fail("PBSZ sent before the TLS handshake", c.first_event, c.raw);
      if (c.arg != "0") f.fail("PBSZ argument is not 0 under TLS", c.first_event, c.raw);
      if (c.code == 0 || (c.code >= 200 && c.code < 300)) pbsz = true;
    } else if (c.is("PROT")) {
      f.applied();
      if (!c.tls) f.fail("PROT sent before the TLS handshake", c.first_event, c.raw);
      if (!pbsz) f.fail("PROT sent without a preceding PBSZ 0", c.first_event, c.raw);
      const std::string a = upper(c.arg);
      if (a != "P" && a != "C") f.fail("PROT level is neither P nor C", c.first_event, c.raw);
    }
  }
}

// RFC 4217 §7: on a protected data connection the FTP client is the TLS client.
void check_data_tls_role(const session& s, const context&, findings& f) {
  for (const data_channel& d : s.data) {
    if (d.tls_start < 0) continue;
    f.applied();
    if (d.plaintext_event >= 0) {
      f.fail("plaintext on a protected data connection instead of a TLS ClientHello",
             d.plaintext_event, "");
    } else if (d.tls_failed >= 0 && d.tls_ready < 0) {
      f.fail(
          "TLS handshake on a protected data connection failed: the client did not act as "
          "the TLS client",
          d.tls_failed, "");
    }
  }
}

// RFC 959 §4.1.3: abort a running transfer with IAC IP, IAC DM (Synch), then ABOR.
void check_abor(const session& s, const context&, findings& f) {
  for (const command& c : s.commands) {
    if (!c.is("ABOR")) continue;
    f.applied();
    if (s.running_transfer(c.first_event) < 0) continue;
    const std::string& t = c.telnet;
    const bool ip = t.size() >= 2 && static_cast<unsigned char>(t[0]) == 0xff &&
                    static_cast<unsigned char>(t[1]) == 0xf4;
    // The DM travels as urgent data and may not reach the server's ordinary reads.
    const bool dm = t.size() >= 3 && static_cast<unsigned char>(t[2]) == 0xff;
    if (!ip || !dm)
      f.fail("ABOR during a transfer without the Telnet IP and Synch before it", c.first_event,
             c.raw);
  }
}

// Security: a password sent outside TLS after the server required TLS (530/534 saying so)
// or after the client itself obtained 234 to AUTH TLS (RFC 4217 §4; RFC 2228 §3).
void check_cleartext(const session& s, const context&, findings& f) {
  const reply* required = s.reply_of(s.tls_required_reply);
  int auth_ok = -1;
  for (std::size_t i = 0; i < s.commands.size(); ++i) {
    const command& c = s.commands[i];
    if (c.is("AUTH") && c.code == 234 && auth_ok < 0) auth_ok = static_cast<int>(i);
    if (!c.is("PASS")) continue;
    const bool was_required = required != nullptr && required->final_event < c.first_event;
    if (!was_required && auth_ok < 0) continue;
    f.applied();
    if (!c.tls)
      f.fail(std::string("password sent in cleartext after ") +
                 (was_required ? "the server required TLS" : "AUTH TLS was accepted"),
             c.first_event, "PASS");
  }
}

}  // namespace ph::harness::rules::ftp
