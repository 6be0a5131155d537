#include "vocabulary/toml_document.hpp"

#include <cctype>
#include <charconv>
#include <optional>
#include <sstream>
#include <string_view>

#include <fmt/format.h>
#include <toml.hpp>

#include "vocabulary/scenario.hpp"

namespace ph {
using json = nlohmann::json;

std::string escape_pointer_token(const std::string& key) {
  std::string out;
  for (char c : key) {
    if (c == '~')
      out += "~0";
    else if (c == '/')
      out += "~1";
    else
      out += c;
  }
  return out;
}

namespace {

// Byte offset -> 1-based line, by binary search over the offsets of the newlines (toml11's
// own line numbers count newlines from the top of the file for every value: quadratic).
class line_index {
 public:
  explicit line_index(std::string_view text) {
    for (std::size_t i = text.find('\n'); i != std::string_view::npos; i = text.find('\n', i + 1))
      newlines_.push_back(i);
  }
  [[nodiscard]] int line_of(std::size_t offset) const {
    auto before = std::lower_bound(newlines_.begin(), newlines_.end(), offset);
    return static_cast<int>(before - newlines_.begin()) + 1;
  }

 private:
  std::vector<std::size_t> newlines_;
};

// A literal as messages quote it: a value of megabytes is cut.
std::string quoted_literal(std::string_view literal) {
  constexpr std::size_t max = 40;
  if (literal.size() <= max) return std::string(literal);
  return std::string(literal.substr(0, max)) + "...";
}

// What the TOML parser must not see: nesting (it recurses once per array or inline table
// and slows down with every dotted-key part) and binary integers it would overflow on. A
// lexical scan: strings and comments are skipped, and the depth of each key, [table]
// header, array and inline table is counted from the root table as TOML nests them. It only
// has to agree with the parser on valid TOML: the parser stops at the first error, so
// nothing after that point is nested by it.
class prescan {
 public:
  prescan(std::string_view text, const std::string& file, const line_index& lines)
      : text_(text), file_(file), lines_(lines) {}

  void run() {
    while (i_ < text_.size()) {
      const char c = text_[i_];
      if (c == '\n') {
        ++i_;
        if (open_.empty()) key_expected_ = true;
      } else if (c == ' ' || c == '\t' || c == '\r') {
        ++i_;
      } else if (c == '#') {
        i_ = std::min(text_.find('\n', i_), text_.size());
      } else if (key_expected_ && open_.empty() && c == '[') {
        table_header();
      } else if (key_expected_ && starts_key(c)) {
        const std::size_t at = i_;
        value_depth_ = base_depth() + key_parts();
        check(value_depth_, at);
        key_expected_ = false;
      } else if (c == '"' || c == '\'') {
        skip_string();
      } else if (c == '[' || c == '{') {
        // An element of an array is one level below it; any other value is at its key's depth.
        const int depth =
            !open_.empty() && open_.back().kind == '[' ? open_.back().depth + 1 : value_depth_;
        check(depth, i_);
        open_.push_back({c, depth});
        key_expected_ = c == '{';
        ++i_;
      } else if (c == ']' || c == '}') {
        if (!open_.empty()) open_.pop_back();
        key_expected_ = false;
        ++i_;
      } else if (c == ',') {
        key_expected_ = !open_.empty() && open_.back().kind == '{';
        ++i_;
      } else if (bare_key_char(c) || c == '+') {
        value_token();
      } else {
        ++i_;
      }
    }
  }

 private:
  struct container {
    char kind;  // '[' array, '{' inline table
    int depth;
  };

  static bool bare_key_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  }
  static bool starts_key(char c) { return bare_key_char(c) || c == '"' || c == '\''; }

  int base_depth() const { return open_.empty() ? table_depth_ : open_.back().depth; }

  void check(int depth, std::size_t at) const {
    if (depth > scenario_max_depth)
      throw scenario_error(
          fmt::format("{}:{}: nested deeper than {} levels (arrays, tables and "
                      "dotted keys together)",
                      file_, lines_.line_of(at), scenario_max_depth));
  }

  void skip_blanks() {
    while (i_ < text_.size() && (text_[i_] == ' ' || text_[i_] == '\t'))
      ++i_;
  }

  // A key's parts (a.b."c"), skipping them; 0 when no key starts here.
  int key_parts() {
    int parts = 0;
    while (true) {
      skip_blanks();
      if (i_ >= text_.size()) break;
      if (text_[i_] == '"' || text_[i_] == '\'') {
        skip_string();
      } else if (bare_key_char(text_[i_])) {
        while (i_ < text_.size() && bare_key_char(text_[i_]))
          ++i_;
      } else {
        break;
      }
      ++parts;
      skip_blanks();
      if (i_ >= text_.size() || text_[i_] != '.') break;
      ++i_;
      // Bound the key itself: the parser's time grows with every part.
      if (parts >= scenario_max_depth) check(parts + 1, i_);
    }
    return parts;
  }

  // A number, boolean or date. toml11 reads a binary integer by doubling a signed place value
  // once per digit, which overflows (undefined behaviour) from the 63rd digit on, leading
  // zeros included: such a literal never reaches it.
  void value_token() {
    const std::size_t at = i_;
    auto token_char = [](char c) { return bare_key_char(c) || c == '+' || c == '.' || c == ':'; };
    while (i_ < text_.size() && token_char(text_[i_]))
      ++i_;
    const std::string_view token = text_.substr(at, i_ - at);
    if (!token.starts_with("0b")) return;
    constexpr std::ptrdiff_t max_digits = 62;
    if (std::count_if(token.begin() + 2, token.end(), [](char c) { return c != '_'; }) > max_digits)
      throw scenario_error(fmt::format("{}:{}: binary integer {} has more than {} digits", file_,
                                       lines_.line_of(at), quoted_literal(token), max_digits));
  }

  // [a.b] opens table b two levels down; [[a.b]] an array at that depth and a table in it.
  void table_header() {
    const std::size_t at = i_;
    const bool array = i_ + 1 < text_.size() && text_[i_ + 1] == '[';
    i_ += array ? 2 : 1;
    table_depth_ = key_parts() + (array ? 1 : 0);
    check(table_depth_, at);
    key_expected_ = false;
  }

  // A basic or literal string, single- or multi-line, from its opening quote. A single-line
  // string stops at the end of the line (where the parser would stop with an error).
  void skip_string() {
    const char quote = text_[i_];
    if (text_.compare(i_, 3, std::string(3, quote)) == 0) {
      i_ += 3;
      while (i_ < text_.size()) {
        if (quote == '"' && text_[i_] == '\\') {
          i_ += 2;
        } else if (text_.compare(i_, 3, std::string(3, quote)) == 0) {
          i_ += 3;
          // Up to two quotes just before the delimiter belong to the string.
          for (int k = 0; k < 2 && i_ < text_.size() && text_[i_] == quote; ++k)
            ++i_;
          return;
        } else {
          ++i_;
        }
      }
      return;
    }
    ++i_;
    while (i_ < text_.size() && text_[i_] != '\n') {
      if (quote == '"' && text_[i_] == '\\') {
        i_ += 2;
        continue;
      }
      if (text_[i_++] == quote) return;
    }
  }

  std::string_view text_;
  const std::string& file_;
  const line_index& lines_;
  std::size_t i_ = 0;
  std::vector<container> open_;
  int table_depth_ = 0;  // of the table the last [header] opened (0: the root table)
  int value_depth_ = 1;  // of a container that is the value of the last key
  bool key_expected_ = true;
};

// The source text of a parsed value and its byte offset in the file (nullopt when toml11
// kept no region for it).
struct source_span {
  std::string_view text;
  std::size_t offset = 0;
};
std::optional<source_span> span_of(const toml::value& v, std::string_view source) {
  const auto* reg = dynamic_cast<const toml::detail::region*>(toml::detail::get_region(v));
  if (reg == nullptr || !reg->is_ok()) return std::nullopt;
  const auto offset = static_cast<std::size_t>(reg->first() - reg->begin());
  const auto size = static_cast<std::size_t>(reg->last() - reg->first());
  if (offset + size > source.size()) return std::nullopt;
  return source_span{source.substr(offset, size), offset};
}

// toml11 saturates an integer that does not fit in 64 bits and a float out of range: check
// the literal as written (TOML 1.0 §Integer: "an error MUST be thrown").
std::optional<std::string> out_of_range(const toml::value& v, std::string_view literal) {
  std::string digits;
  for (char c : literal)
    if (c != '_') digits += c;
  if (!digits.empty() && digits.front() == '+') digits.erase(0, 1);
  const char* first = digits.data();
  const char* last = digits.data() + digits.size();
  std::from_chars_result r{};
  if (v.is_integer()) {
    std::int64_t n = 0;
    int base = 10;
    if (digits.size() > 2 && digits[0] == '0' &&
        std::isalpha(static_cast<unsigned char>(digits[1]))) {
      base = digits[1] == 'x' ? 16 : digits[1] == 'o' ? 8 : 2;
      first += 2;
    }
    r = std::from_chars(first, last, n, base);
    if (r.ec == std::errc::result_out_of_range)
      return fmt::format("integer {} does not fit in 64 bits", quoted_literal(literal));
  } else if (v.is_floating()) {
    if (digits.find("inf") != std::string::npos || digits.find("nan") != std::string::npos)
      return std::nullopt;
    double d = 0;
    r = std::from_chars(first, last, d);
    if (r.ec == std::errc::result_out_of_range)
      return fmt::format("float {} is out of range", quoted_literal(literal));
  }
  return std::nullopt;
}

// Converts a TOML tree into JSON, remembering the line of every value by JSON pointer.
class json_builder {
 public:
  json_builder(std::string_view source, const std::string& file, const line_index& index,
               std::map<std::string, int>& lines)
      : source_(source), file_(file), index_(index), lines_(lines) {}

  json convert(const toml::value& v, const std::string& pointer) {
    const auto span = span_of(v, source_);
    if (span) lines_[pointer.empty() ? "/" : pointer] = index_.line_of(span->offset);
    switch (v.type()) {
      case toml::value_t::boolean:
        return v.as_boolean();
      case toml::value_t::integer:
      case toml::value_t::floating:
        if (span)
          if (auto problem = out_of_range(v, span->text))
            throw scenario_error(
                fmt::format("{}:{}: {}", file_, index_.line_of(span->offset), *problem));
        if (v.is_integer()) return v.as_integer();
        return v.as_floating();
      case toml::value_t::string:
        return v.as_string().str;
      case toml::value_t::array: {
        json out = json::array();
        const auto& arr = v.as_array();
        for (std::size_t i = 0; i < arr.size(); ++i)
          out.push_back(convert(arr[i], pointer + "/" + std::to_string(i)));
        return out;
      }
      case toml::value_t::table: {
        json out = json::object();
        for (const auto& [key, child] : v.as_table())
          out[key] = convert(child, pointer + "/" + escape_pointer_token(key));
        return out;
      }
      default: {
        std::ostringstream s;
        s << v;
        return s.str();  // dates and times stay text
      }
    }
  }

 private:
  std::string_view source_;
  const std::string& file_;
  const line_index& index_;
  std::map<std::string, int>& lines_;
};

// The first line of a toml11 message without its "[error] toml::fn: " prefix.
std::string short_toml_message(const std::string& what) {
  std::string first = what.substr(0, what.find('\n'));
  if (first.rfind("[error] ", 0) == 0) first.erase(0, 8);
  if (first.rfind("toml::", 0) == 0) {
    auto colon = first.find(": ");
    if (colon != std::string::npos) first.erase(0, colon + 2);
  }
  return first;
}

int line_from_toml_message(const std::string& what) {
  // toml11 renders the offending line as " 12 | text"; take the first such number.
  std::istringstream in(what);
  std::string row;
  while (std::getline(in, row)) {
    auto bar = row.find(" | ");
    if (bar == std::string::npos) continue;
    try {
      return std::stoi(row.substr(0, bar));
    } catch (...) {
    }
  }
  return 0;
}

}  // namespace

toml_document read_toml(const std::string& text, const std::string& file) {
  const line_index index(text);
  prescan(text, file, index).run();
  toml::value root;
  try {
    std::istringstream in(text);
    root = toml::parse(in, file);
  } catch (const toml::exception& e) {
    int line = static_cast<int>(e.location().line());
    if (line <= 0) line = line_from_toml_message(e.what());
    throw scenario_error(
        fmt::format("{}:{}: TOML syntax: {}", file, line, short_toml_message(e.what())));
  } catch (const std::exception& e) {
    throw scenario_error(fmt::format("{}:{}: TOML syntax: {}", file,
                                     line_from_toml_message(e.what()),
                                     short_toml_message(e.what())));
  }
  toml_document out;
  out.root = json_builder(text, file, index, out.lines).convert(root, "");
  return out;
}

}  // namespace ph
