// The message itself (un-stuffed content): SMTP-LEN-TEXT, SMTP-RETURN-PATH,
// SMTP-IMF-REQUIRED, SMTP-IMF-SENDER, SMTP-IMF-MSGID, SMTP-IMF-FIELDS, SMTP-IMF-DATE,
// SMTP-IMF-ASCII.

#include <map>
#include <string>
#include <string_view>

#include "harness/rules/smtp/imf_header.hpp"
#include "harness/rules/smtp/smtp_check.hpp"
#include "harness/rules/smtp/smtp_syntax.hpp"

namespace ph::harness::rules::smtp {

namespace {

constexpr std::size_t npos = std::string_view::npos;

// Calls fn(block, header) for each complete message (judging a cut-off one would blame the
// client for the server's fault). An empty block is no message: it is the lone "." that
// RFC 2920 §3.1 asks for when every recipient was refused but DATA got 354.
template <typename Fn>
void for_each_message(const session& s, Fn&& fn) {
  for (const auto& b : s.blocks) {
    if (!b.terminated || b.message.empty()) continue;
    const header_section h = parse_header(b.message);
    fn(b, h);
  }
}

std::string field_line(const std::string& message, const header_field& field) {
  return message.substr(field.offset, std::min<std::size_t>(field.size, 80));
}

bool binary_body(const session& s, const data_block& b) {
  const int mail = mail_for_block(s, b);
  if (mail < 0) return false;
  for (const auto& p : parse_path_arg(s.turns[static_cast<std::size_t>(mail)].arg, false).params)
    if (p.keyword == "BODY" && iequals(p.value, "BINARYMIME")) return true;
  return false;
}

}  // namespace

// RFC 5322 §2.1.1, RFC 5321 §4.5.3.1.6: at most 998 octets per line before the CRLF.
void check_len_text(const session& s, const context&, findings& f) {
  for (const auto& b : s.blocks) {
    if (b.message.empty() || binary_body(s, b)) continue;
    f.applied();
    const std::string_view m = b.message;
    std::size_t pos = 0;
    while (pos < m.size()) {
      const std::size_t e = m.find("\r\n", pos);
      const std::size_t len = (e == npos ? m.size() : e) - pos;
      if (len > 998)
        f.fail("content line of " + std::to_string(len) + " octets (max 998 before CRLF)",
               s.message_event_at(b, pos), m.substr(pos, 60));
      if (e == npos) break;
      pos = e + 2;
    }
  }
}

// RFC 5321 §4.4: Return-Path is added by the final delivery, not by an originating client.
void check_return_path(const session& s, const context&, findings& f) {
  for_each_message(s, [&](const data_block& b, const header_section& h) {
    f.applied();
    for (const header_field* field : h.find("Return-Path"))
      f.fail("message carries a Return-Path field", s.message_event_at(b, field->offset),
             field_line(b.message, *field));
  });
}

// RFC 5322 §3.6: exactly one Date and From; at most one of the single-instance fields.
void check_imf_required(const session& s, const context&, findings& f) {
  static constexpr std::string_view once[] = {"Sender",  "Reply-To",    "To",
                                              "Cc",      "Bcc",         "Message-ID",
                                              "Subject", "In-Reply-To", "References"};
  for_each_message(s, [&](const data_block& b, const header_section& h) {
    f.applied();
    for (std::string_view name : {std::string_view("Date"), std::string_view("From")}) {
      const auto found = h.find(name);
      if (found.empty())
        f.fail("message has no " + std::string(name) + " field", s.message_event_at(b, 0),
               b.message.substr(0, 60));
      else if (found.size() > 1)
        f.fail("message has " + std::to_string(found.size()) + " " + std::string(name) + " fields",
               s.message_event_at(b, found[1]->offset), field_line(b.message, *found[1]));
    }
    for (std::string_view name : once) {
      const auto found = h.find(name);
      if (found.size() > 1)
        f.fail("message has " + std::to_string(found.size()) + " " + std::string(name) + " fields",
               s.message_event_at(b, found[1]->offset), field_line(b.message, *found[1]));
    }
  });
}

// RFC 5322 §3.6.2: several From mailboxes need a single-mailbox Sender.
void check_imf_sender(const session& s, const context&, findings& f) {
  for_each_message(s, [&](const data_block& b, const header_section& h) {
    const auto from = h.find("From");
    if (from.empty()) return;
    f.applied();
    if (count_mailboxes(from.front()->body) < 2) return;
    const auto sender = h.find("Sender");
    if (sender.empty())
      f.fail("From lists several mailboxes but there is no Sender field",
             s.message_event_at(b, from.front()->offset), field_line(b.message, *from.front()));
    else if (count_mailboxes(sender.front()->body) != 1)
      f.fail("Sender does not name exactly one mailbox",
             s.message_event_at(b, sender.front()->offset), field_line(b.message, *sender.front()));
  });
}

// RFC 5322 §3.6.4: a Message-ID SHOULD be present; it MUST be a msg-id and unique.
void check_imf_msgid(const session& s, const context&, findings& f) {
  std::map<std::string, const data_block*> seen;
  for_each_message(s, [&](const data_block& b, const header_section& h) {
    f.applied();
    const auto ids = h.find("Message-ID");
    if (ids.empty()) {
      f.fail_weak("message has no Message-ID field", s.message_event_at(b, 0),
                  b.message.substr(0, 60));
      return;
    }
    for (const header_field* id : ids) {
      const int event = s.message_event_at(b, id->offset);
      if (!is_msg_id(id->body)) {
        f.fail("Message-ID is not <id-left@id-right>", event, field_line(b.message, *id));
        continue;
      }
      const std::string key = unfold_and_strip_comments(id->body);
      auto [it, fresh] = seen.emplace(key, &b);
      // The same message sent again (a later transaction, a retry) may keep its id.
      if (!fresh && it->second->message != b.message)
        f.fail("the same Message-ID on two different messages", event, field_line(b.message, *id));
    }
  });
}

// RFC 5322 §2.2, §3.2.2: every header line is "name:" or a fold with content; the section
// ends at the first empty line.
void check_imf_fields(const session& s, const context&, findings& f) {
  for_each_message(s, [&](const data_block& b, const header_section& h) {
    f.applied();
    for (const auto& p : h.problems)
      f.fail(p.what, s.message_event_at(b, p.offset), p.bytes.substr(0, 80));
  });
}

// RFC 5322 §3.3: Date in the current (non-obsolete) syntax, and a real date.
void check_imf_date(const session& s, const context&, findings& f) {
  for_each_message(s, [&](const data_block& b, const header_section& h) {
    for (const header_field* d : h.find("Date")) {
      f.applied();
      const std::string problem = check_date(d->body);
      if (!problem.empty())
        f.fail("Date: " + problem, s.message_event_at(b, d->offset), field_line(b.message, *d));
    }
  });
}

// RFC 5322 §2.2 (field bodies are printable ASCII, SP and HTAB); RFC 6531 §3.2: raw UTF-8
// in the header only with SMTPUTF8 advertised and requested.
void check_imf_ascii(const session& s, const context&, findings& f) {
  for_each_message(s, [&](const data_block& b, const header_section& h) {
    f.applied();
    for (const auto& field : h.fields) {
      const std::string_view body = field.body;
      for (std::size_t i = 0; i < body.size(); ++i) {
        const auto c = static_cast<unsigned char>(body[i]);
        const bool ctl = (c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c == 0x7F;
        if (ctl) {
          f.fail("control character in the " + field.name + " field",
                 s.message_event_at(b, field.offset), field_line(b.message, field));
          break;
        }
      }
    }
    const std::size_t eight = find_8bit(std::string_view(b.message).substr(0, h.end));
    if (eight == npos) return;
    const int mail = mail_for_block(s, b);
    const ehlo_state* e = mail >= 0 ? s.ehlo_for(mail) : nullptr;
    bool requested = false;
    if (mail >= 0)
      for (const auto& p :
           parse_path_arg(s.turns[static_cast<std::size_t>(mail)].arg, false).params)
        if (p.keyword == "SMTPUTF8") requested = true;
    if (e == nullptr || !e->has("SMTPUTF8") || !requested)
      f.fail("8-bit octets in the header section without SMTPUTF8 (use RFC 2047 encoded-words)",
             s.message_event_at(b, eight), line_around(b.message, eight));
  });
}

}  // namespace ph::harness::rules::smtp
