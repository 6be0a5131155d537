#include "reports/encoding.hpp"

#include <fmt/format.h>

namespace ph::reports {

std::size_t utf8_sequence_length(std::string_view s, std::size_t i) {
  auto at = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char b0 = at(i);
  if (b0 < 0x80) return 1;
  std::size_t len = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte (RFC 3629 §4)
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3;
    if (b0 == 0xE0) lo = 0xA0;  // overlong
    if (b0 == 0xED) hi = 0x9F;  // surrogates
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4;
    if (b0 == 0xF0) lo = 0x90;  // overlong
    if (b0 == 0xF4) hi = 0x8F;  // above U+10FFFF
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  if (at(i + 1) < lo || at(i + 1) > hi) return 0;
  for (std::size_t k = 2; k < len; ++k)
    if (at(i + k) < 0x80 || at(i + k) > 0xBF) return 0;
  return len;
}

bool is_valid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t n = utf8_sequence_length(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

std::size_t utf8_safe_cut(std::string_view s, std::size_t n) {
  if (n >= s.size()) return s.size();
  std::size_t cut = n;
  // Back up over at most three continuation bytes to the start of their sequence.
  for (int k = 0; k < 3 && cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80; ++k)
    --cut;
  // Only a well-formed sequence that straddles n moves the cut; stray bytes cut anywhere.
  const std::size_t len = utf8_sequence_length(s, cut);
  return len > 0 && cut + len > n ? cut : n;
}

std::string visible(std::string_view bytes) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(bytes.size() + bytes.size() / 8);
  auto escape = [&](unsigned char b) {
    out += "\\x";
    out += hex[b >> 4];
    out += hex[b & 0xF];
  };
  for (std::size_t i = 0; i < bytes.size();) {
    const auto b = static_cast<unsigned char>(bytes[i]);
    if (b == '\r') {
      out += "\u240D";
    } else if (b == '\n') {
      out += "\u240A";
    } else if (b == '\t') {
      out += "\u2409";
    } else if (b < 0x20 || b == 0x7F) {
      escape(b);
    } else if (b >= 0x80) {
      if (const std::size_t n = utf8_sequence_length(bytes, i); n > 0) {
        out.append(bytes.substr(i, n));
        i += n;
        continue;
      }
      escape(b);
    } else {
      out += static_cast<char>(b);
    }
    ++i;
  }
  return out;
}

std::string visible_excerpt(std::string_view bytes, std::size_t max_bytes) {
  if (bytes.size() <= max_bytes) return visible(bytes);
  return visible(bytes.substr(0, utf8_safe_cut(bytes, max_bytes))) + "\u2026";
}

std::string evidence_cut_note(const ph::evidence& ev) {
  if (!ev.cut()) return {};
  return fmt::format(" ({} bytes in all, sha256 {})", ev.length, ev.sha256);
}

std::string xml_escape(std::string_view text, bool attribute) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size() + text.size() / 16);
  auto escape = [&](unsigned char b) {
    out += "\\x";
    out += hex[b >> 4];
    out += hex[b & 0xF];
  };
  for (std::size_t i = 0; i < text.size();) {
    const auto b = static_cast<unsigned char>(text[i]);
    if (b >= 0x80) {
      const std::size_t n = utf8_sequence_length(text, i);
      const std::string_view seq = text.substr(i, n);
      if (n == 0) {
        escape(b);
        ++i;
      } else if (seq == "\xEF\xBF\xBE" || seq == "\xEF\xBF\xBF") {  // U+FFFE, U+FFFF
        for (char c : seq)
          escape(static_cast<unsigned char>(c));
        i += n;
      } else {
        out.append(seq);
        i += n;
      }
      continue;
    }
    switch (b) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += attribute ? "&quot;" : "\"";
        break;
      case '\'':
        out += attribute ? "&apos;" : "'";
        break;
      case '\t':
        out += attribute ? "&#9;" : "\t";
        break;
      case '\n':
        out += attribute ? "&#10;" : "\n";
        break;
      case '\r':
        out += "&#13;";
        break;  // a raw CR would be normalised away by the parser
      default:
        if (b < 0x20)
          escape(b);
        else
          out += static_cast<char>(b);
    }
    ++i;
  }
  return out;
}

}  // namespace ph::reports
