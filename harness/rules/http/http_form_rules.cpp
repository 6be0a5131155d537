// Forms: HTTP-FORM-PARTS, HTTP-FORM-BOUNDARY.

#include <algorithm>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "harness/rules/http/http_check.hpp"

namespace ph::harness::rules::http {

namespace {

constexpr std::size_t npos = std::string_view::npos;

// The boundary parameter of a multipart/form-data Content-Type; `quoted_ok` false when it
// needed quotes and had none.
std::optional<std::string> boundary_of(std::string_view ct, bool& quoted_ok) {
  quoted_ok = true;
  const std::string folded = lower(ct);
  if (!folded.starts_with("multipart/form-data")) return std::nullopt;
  const std::size_t at = folded.find("boundary=");
  if (at == npos) return std::string();
  std::string_view b = ct.substr(at + 9);
  if (!b.empty() && b.front() == '"') {
    const std::size_t close = b.find('"', 1);
    return std::string(b.substr(1, close == npos ? npos : close - 1));
  }
  b = b.substr(0, std::min(b.find(';'), b.size()));
  b = trim(b);
  if (!is_token(b)) quoted_ok = false;
  return std::string(b);
}

struct part {
  std::vector<std::string> headers;  // raw lines
  std::string content;
  std::size_t offset = 0;  // in the body
};

// RFC 2046 §5.1.1: parts between CRLF "--" boundary delimiters; `closed` when the final
// "--boundary--" came.
std::vector<part> split_parts(std::string_view body, const std::string& boundary, bool& closed,
                              bool& first_ok) {
  std::vector<part> out;
  closed = false;
  const std::string delim = "--" + boundary;
  first_ok = body.starts_with(delim) || body.find("\r\n" + delim) != npos;
  std::size_t pos = body.starts_with(delim) ? 0 : body.find("\r\n" + delim);
  if (pos == npos) return out;
  if (pos != 0) pos += 2;
  while (true) {
    pos += delim.size();
    if (body.compare(pos, 2, "--") == 0) {
      closed = true;
      return out;
    }
    const std::size_t eol = body.find("\r\n", pos);
    if (eol == npos) return out;
    const std::size_t next = body.find("\r\n" + delim, eol);
    const std::string_view whole =
        body.substr(eol + 2, (next == npos ? body.size() : next) - eol - 2);
    part p;
    p.offset = eol + 2;
    const std::size_t hend = whole.find("\r\n\r\n");
    const std::string_view head = whole.substr(0, hend == npos ? 0 : hend);
    p.content = hend == npos ? std::string(whole) : std::string(whole.substr(hend + 4));
    if (whole.starts_with("\r\n")) p.content = whole.substr(2);
    std::size_t hp = 0;
    while (hp < head.size()) {
      const std::size_t e = std::min(head.find("\r\n", hp), head.size());
      p.headers.emplace_back(head.substr(hp, e - hp));
      hp = e + 2;
    }
    out.push_back(std::move(p));
    if (next == npos) return out;
    pos = next + 2;
  }
}

}  // namespace

// RFC 7578 §4.2, §4.7, §4.8: every part has Content-Disposition: form-data; name="...";
// no filename*, no Content-Transfer-Encoding, no fields but Content-Type/-Disposition.
void check_form_parts(const session& s, const context&, findings& f) {
  for (const auto& r : s.requests) {
    const field* ct = r.get("content-type");
    if (ct == nullptr || !r.complete) continue;
    bool quoted_ok = true;
    const auto b = boundary_of(ct->value, quoted_ok);
    if (!b || b->empty()) continue;
    f.applied();
    bool closed = false;
    bool first_ok = false;
    for (const part& p : split_parts(r.body, *b, closed, first_ok)) {
      const int ev = event_in(s, r, r.body_start + p.offset);
      bool disposition = false;
      for (const std::string& h : p.headers) {
        const std::size_t colon = h.find(':');
        const std::string name =
            lower(trim(std::string_view(h).substr(0, std::min(colon, h.size()))));
        const std::string value = colon == npos
                                      ? std::string()
                                      : std::string(trim(std::string_view(h).substr(colon + 1)));
        if (name == "content-disposition") {
          const std::string lv = lower(value);
          if (lv.starts_with("form-data") && lv.find("name=") != npos) disposition = true;
          if (lv.find("filename*") != npos) f.fail("part uses filename* (RFC 7578 §4.2)", ev, h);
        } else if (name == "content-transfer-encoding") {
          f.fail("part carries Content-Transfer-Encoding (RFC 7578 §4.7)", ev, h);
        } else if (name != "content-type") {
          f.fail("part carries a header field other than Content-Type/Content-Disposition", ev, h);
        }
      }
      if (!disposition)
        f.fail("part has no Content-Disposition: form-data; name=\"...\"", ev,
               excerpt(r.body, p.offset, 60));
    }
  }
}

// RFC 7578 §4.1; RFC 2046 §5.1.1: boundary of 1-70 bchars (quoted if needed), absent from
// every part, delimiters after CRLF, closed by "--boundary--".
void check_form_boundary(const session& s, const context&, findings& f) {
  for (const auto& r : s.requests) {
    const field* ct = r.get("content-type");
    if (ct == nullptr || !r.head_complete) continue;
    bool quoted_ok = true;
    const auto b = boundary_of(ct->value, quoted_ok);
    if (!b) continue;
    f.applied();
    const int ev = event_in(s, r, ct->offset);
    if (b->empty() || b->size() > 70) {
      f.fail("multipart boundary is missing or longer than 70 characters", ev, ct->raw);
      continue;
    }
    if (!quoted_ok) {
      f.fail("multipart boundary needs quoting but is not quoted", ev, ct->raw);
      continue;
    }
    if (!r.complete) continue;
    bool closed = false;
    bool first_ok = false;
    const auto parts = split_parts(r.body, *b, closed, first_ok);
    if (!first_ok) {
      f.fail("body has no delimiter line \"--" + *b + "\"", event_in(s, r, r.body_start),
             excerpt(r.body, 0, 60));
      continue;
    }
    if (!closed) {
      f.fail("body does not end with \"--" + *b + "--\"", r.last_event,
             excerpt(r.body, r.body.size() > 60 ? r.body.size() - 60 : 0, 60));
      continue;
    }
    for (const part& p : parts)
      if (p.content.find("--" + *b) != std::string::npos) {
        f.fail("the boundary occurs inside a part", event_in(s, r, r.body_start + p.offset),
               excerpt(r.body, p.offset, 60));
        break;
      }
  }
}

}  // namespace ph::harness::rules::http
