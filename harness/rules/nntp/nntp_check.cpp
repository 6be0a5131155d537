#include "harness/rules/nntp/nntp_check.hpp"

#include <algorithm>

namespace ph::harness::rules::nntp {

bool valid_message_id(std::string_view id, bool need_at) {
  // RFC 3977 §3.6: message-id = "<" 1*248A-NOTGT ">", A-NOTGT = %x21-3D / %x3F-7E.
  if (id.size() < 3 || id.size() > 250 || id.front() != '<' || id.back() != '>') return false;
  const std::string_view inner = id.substr(1, id.size() - 2);
  for (char c : inner) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x21 || u > 0x7E || c == '>') return false;
  }
  if (!need_at) return true;
  // RFC 5536 §3.1.3 (via RFC 5322 §3.6.4): id-left "@" id-right, neither empty.
  const std::size_t at = inner.rfind('@');
  return at != std::string_view::npos && at > 0 && at + 1 < inner.size() && inner.find('@') == at &&
         inner.find('<') == std::string_view::npos;
}

std::vector<header_field> header_fields(std::string_view text) {
  return parse_header(text, on_junk::skip).fields;
}

int article_event(const session& s, const article& a, std::size_t at) {
  const int e = s.client_event_at(a.segment, a.offset + std::min(at, a.raw.size()));
  if (e >= 0) return e;
  return a.command >= 0 ? s.turns[static_cast<std::size_t>(a.command)].last_event : -1;
}

bool sent_before_response(const session& s, int i, int next) {
  const response* r = s.response_to(at(s, i));
  const bool status_done = r != nullptr && (r->complete || r->multiline);
  if (status_done) return at(s, next).first_event <= r->status_event;
  return !at(s, next).is("QUIT");  // gave up waiting
}

std::string name_of(const turn& t) {
  switch (t.kind) {
    case turn_kind::command:
      return t.verb.empty() ? std::string("(empty line)") : t.verb;
    case turn_kind::article:
      return "the article";
    case turn_kind::sasl_response:
      return "AUTHINFO SASL response";
  }
  return "?";
}

}  // namespace ph::harness::rules::nntp
