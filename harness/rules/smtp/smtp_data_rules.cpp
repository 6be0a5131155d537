// Line framing and the DATA phase: SMTP-CRLF, SMTP-DATA-SMUGGLE, SMTP-DOT-STUFF,
// SMTP-DATA-END, SMTP-DATA-354.

#include <string>
#include <string_view>
#include <vector>

#include "harness/rules/lexical.hpp"
#include "harness/rules/smtp/smtp_check.hpp"
#include "harness/rules/smtp/smtp_syntax.hpp"

namespace ph::harness::rules::smtp {

namespace {

constexpr std::size_t npos = std::string_view::npos;

using lexical::crlf_lines;

// BDAT chunks of a BODY=BINARYMIME transaction may hold any octets (RFC 3030 §3).
bool is_binary_chunk_range(const session& s, int seg, std::size_t offset) {
  for (const auto& b : s.blocks) {
    if (!b.bdat || b.segment != seg) continue;
    const int mail = mail_for_block(s, b);
    if (mail < 0) continue;
    const auto p = parse_path_arg(s.turns[static_cast<std::size_t>(mail)].arg, false);
    bool binary = false;
    for (const auto& prm : p.params)
      if (prm.keyword == "BODY" && iequals(prm.value, "BINARYMIME")) binary = true;
    if (!binary) continue;
    for (std::size_t k = 0; k < b.pieces.size(); ++k) {
      const std::size_t len =
          (k + 1 < b.pieces.size() ? b.pieces[k + 1].message_offset : b.message.size()) -
          b.pieces[k].message_offset;
      if (offset >= b.pieces[k].stream_offset && offset < b.pieces[k].stream_offset + len)
        return true;
    }
  }
  return false;
}

// Text of the oracle message(s) the scenario asked the client to send.
std::vector<std::string> oracle_messages(const context& ctx) {
  std::vector<std::string> out;
  if (ctx.scen == nullptr) return out;
  for (const auto& step : ctx.scen->client) {
    if (!step.args.is_object()) continue;
    for (const char* key : {"message", "body"}) {
      auto it = step.args.find(key);
      if (it != step.args.end() && it->is_string()) out.push_back(it->get<std::string>());
    }
  }
  return out;
}

std::vector<std::string_view> any_eol_lines(std::string_view text) {
  std::vector<std::string_view> out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t e = text.find('\n', pos);
    std::string_view l = text.substr(pos, e == npos ? npos : e - pos);
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    out.push_back(l);
    if (e == npos) break;
    pos = e + 1;
  }
  return out;
}

}  // namespace

// RFC 5321 §2.3.8: CR and LF only as the CRLF pair, in commands, responses and content.
void check_crlf(const session& s, const context&, findings& f) {
  for (std::size_t si = 0; si < s.segments.size(); ++si) {
    const std::string& c = s.segments[si].client;
    if (c.empty()) continue;
    f.applied();
    const int seg = static_cast<int>(si);
    for (std::size_t i = 0; i < c.size(); ++i) {
      const bool bare_lf = c[i] == '\n' && (i == 0 || c[i - 1] != '\r');
      // A CR as the very last byte may still be followed by its LF: no verdict.
      const bool bare_cr = c[i] == '\r' && i + 1 < c.size() && c[i + 1] != '\n';
      if (!bare_lf && !bare_cr) continue;
      if (is_binary_chunk_range(s, seg, i)) continue;
      f.fail(bare_lf ? "bare LF in client data" : "bare CR in client data",
             s.client_event_at(seg, i), line_around(c, i));
    }
  }
  for (const auto& b : s.tls) {
    const std::string& p = b.plaintext;
    for (std::size_t i = 0; i < p.size(); ++i) {
      const bool bare_lf = p[i] == '\n' && (i == 0 || p[i - 1] != '\r');
      const bool bare_cr = p[i] == '\r' && i + 1 < p.size() && p[i + 1] != '\n';
      if (bare_lf || bare_cr) {
        f.fail(bare_lf ? "bare LF in client data" : "bare CR in client data", b.plaintext_event,
               line_around(p, i));
        break;
      }
    }
  }
}

// RFC 5321 §4.1.1.4, §4.5.2 (and the 2023 "SMTP smuggling" advisories): no dot framed by
// bare CR/LF inside the content, which a lenient receiver would take for end-of-data.
void check_data_smuggle(const session& s, const context&, findings& f) {
  static constexpr std::string_view patterns[] = {"\n.\n", "\r.\r", "\n.\r\n", "\r\n.\n"};
  for (const auto& b : s.blocks) {
    if (b.bdat || b.content < 0) continue;
    f.applied();
    const turn& content = s.turns[static_cast<std::size_t>(b.content)];
    // The content starts right after the DATA line's CRLF.
    const std::string text = "\r\n" + b.raw;
    std::size_t found = npos;
    for (std::string_view p : patterns) {
      const std::size_t at = text.find(p);
      if (at != npos && at < found) found = at;
    }
    if (found == npos) continue;
    const std::size_t raw_at = found >= 2 ? found - 2 : 0;
    f.fail("dot framed by bare CR/LF inside the content (end-of-data lookalike)",
           s.client_event_at(b.segment, content.offset + raw_at), line_around(b.raw, raw_at));
  }
}

// RFC 5321 §4.5.2: a content line starting with "." gets one more ".".
void check_dot_stuff(const session& s, const context& ctx, findings& f) {
  std::vector<std::string_view> wire_lines;
  std::vector<std::string_view> command_lines;
  for (const auto& b : s.blocks) {
    if (b.bdat || b.content < 0) continue;
    f.applied();
    const turn& content = s.turns[static_cast<std::size_t>(b.content)];
    std::size_t at = 0;
    for (std::string_view line : crlf_lines(b.raw)) {
      wire_lines.push_back(line);
      // A wire line "." followed by anything but "." can only be an unstuffed original.
      if (line.size() >= 2 && line[0] == '.' && line[1] != '.')
        f.fail("content line starting with '.' was not dot-stuffed",
               s.client_event_at(b.segment, content.offset + at), line);
      at += line.size() + 2;
    }
  }
  if (wire_lines.empty()) return;
  for (const auto& t : s.turns)
    if (t.kind == turn_kind::command) command_lines.push_back(t.line());
  // With the scenario as oracle, lines the receiver would misread become visible too: an
  // original "..x" sent as "..x", or a lone "." that ended the message early.
  for (const std::string& msg : oracle_messages(ctx)) {
    const auto lines = any_eol_lines(msg);
    for (std::size_t i = 0; i < lines.size(); ++i) {
      const std::string_view l = lines[i];
      if (l.empty() || l.front() != '.') continue;
      const std::string stuffed = "." + std::string(l);
      if (std::find(wire_lines.begin(), wire_lines.end(), stuffed) != wire_lines.end()) continue;
      if (l == ".") {
        const std::string_view after = i + 1 < lines.size() ? lines[i + 1] : std::string_view{};
        auto it = std::find(command_lines.begin(), command_lines.end(), after);
        if (!after.empty() && it != command_lines.end()) {
          const auto idx = static_cast<std::size_t>(it - command_lines.begin());
          int event = -1;
          std::size_t n = 0;
          for (const auto& t : s.turns)
            if (t.kind == turn_kind::command && n++ == idx) event = t.first_event;
          f.fail("a message line holding only '.' was sent unstuffed and ended the data early",
                 event, after);
        }
      } else if (l.size() >= 2 && l[1] == '.' &&
                 std::find(wire_lines.begin(), wire_lines.end(), l) != wire_lines.end()) {
        f.fail("message line '" + std::string(l.substr(0, 40)) + "' was sent without its extra '.'",
               -1, l);
      }
    }
  }
}

// RFC 5321 §3.3, §4.1.1.4: content ends with CRLF "." CRLF; the client supplies the CRLF
// when the message lacks one.
void check_data_end(const session& s, const context&, findings& f) {
  for (const auto& b : s.blocks) {
    if (b.bdat) continue;
    if (b.terminated) {
      f.applied();
      continue;
    }
    const int event =
        b.content >= 0 ? s.turns[static_cast<std::size_t>(b.content)].last_event : s.end_event;
    const std::string_view raw = b.raw;
    const bool dot_without_crlf = raw.size() >= 3 && raw.substr(raw.size() - 3) == ".\r\n" &&
                                  (raw.size() == 3 || raw[raw.size() - 4] != '\n');
    if (dot_without_crlf && raw != ".\r\n") {
      f.fail("content ended with '.CRLF' but no CRLF before the dot", event,
             raw.substr(raw.size() > 40 ? raw.size() - 40 : 0));
    } else if (s.client_ended) {
      f.fail("client closed the connection inside DATA without CRLF.CRLF", event,
             raw.substr(raw.size() > 40 ? raw.size() - 40 : 0));
    }
  }
}

// RFC 5321 §3.3: content only after 354; after any other reply the next line is a command.
void check_data_354(const session& s, const context&, findings& f) {
  for (std::size_t i = 0; i < s.turns.size(); ++i) {
    const turn& t = s.turns[i];
    if (!t.is("DATA") || t.reply < 0) continue;
    const reply& r = s.replies[static_cast<std::size_t>(t.reply)];
    f.applied();
    if (r.code / 100 == 3) {
      if (t.block < 0) continue;
      const data_block& b = s.blocks[static_cast<std::size_t>(t.block)];
      if (b.content < 0) continue;
      const turn& c = s.turns[static_cast<std::size_t>(b.content)];
      if (!r.complete || c.first_event < r.final_event)
        f.fail("message content sent before the 354 reply to DATA", c.first_event,
               b.raw.substr(0, 60));
      continue;
    }
    if (i + 1 >= s.turns.size()) continue;
    const turn& next = s.turns[i + 1];
    if (next.segment != t.segment || next.kind != turn_kind::command) continue;
    if (!is_known_verb(next.verb))
      f.fail("content sent after a " + std::to_string(r.code) + " reply to DATA", next.first_event,
             next.raw);
  }
}

}  // namespace ph::harness::rules::smtp
