#include "harness/model/scenario.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <set>
#include <sstream>
#include <string_view>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>
#include <toml.hpp>

namespace ph::harness {
namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

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

std::vector<std::string> string_list(const scenario& s, const json& j, const std::string& ptr) {
  std::vector<std::string> out;
  if (j.is_null()) return out;
  if (j.is_string()) return {j.get<std::string>()};
  if (!j.is_array()) s.fail(ptr, "expected an array of strings");
  for (std::size_t i = 0; i < j.size(); ++i) {
    if (!j[i].is_string()) s.fail(ptr + "/" + std::to_string(i), "expected a string");
    out.push_back(j[i].get<std::string>());
  }
  return out;
}

// A duration in milliseconds: a positive integer up to an hour (a negative or zero deadline
// would fire at once and a huge one would hang the run).
std::chrono::milliseconds positive_ms(const scenario& s, const json& v, const std::string& ptr) {
  if (!v.is_number_integer() || v.get<std::int64_t>() <= 0 || v.get<std::int64_t>() > 3600000)
    s.fail(ptr, "timeout_ms must be a positive integer (milliseconds, at most 3600000)");
  return std::chrono::milliseconds(v.get<std::int64_t>());
}

// The file's bytes. Only a regular file is read, and at most scenario_max_bytes of it: a
// FIFO would block, a device would never end.
std::string read_scenario_file(const std::string& file) {
  auto fail = [&](std::string_view what) {
    throw scenario_error(fmt::format("{}: {}", file, what));
  };
  auto check_type = [&](const struct stat& st) {
    if (S_ISDIR(st.st_mode)) fail("is a folder, not a scenario file");
    if (!S_ISREG(st.st_mode))
      fail("not a regular file (a FIFO, device or socket); scenarios are read from files");
  };
  // stat first so that a device or FIFO is never opened; fstat after, against a swap between.
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0)
    fail(fmt::format("cannot open file ({})", std::strerror(errno)));
  check_type(st);
  struct file_descriptor {
    int fd;
    ~file_descriptor() {
      if (fd >= 0) ::close(fd);
    }
  } in{::open(file.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC)};
  if (in.fd < 0) fail(fmt::format("cannot open file ({})", std::strerror(errno)));
  if (::fstat(in.fd, &st) != 0) fail(fmt::format("cannot read file ({})", std::strerror(errno)));
  check_type(st);
  std::string text;
  text.reserve(std::min<std::size_t>(static_cast<std::size_t>(st.st_size), scenario_max_bytes) + 1);
  char buf[1 << 16];
  while (text.size() <= scenario_max_bytes) {
    const ssize_t n = ::read(in.fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail(fmt::format("cannot read file ({})", std::strerror(errno)));
    if (n == 0) break;
    text.append(buf, static_cast<std::size_t>(n));
  }
  if (text.size() > scenario_max_bytes) {
    const auto newlines = std::count(text.begin(), text.begin() + scenario_max_bytes, '\n');
    throw scenario_error(
        fmt::format("{}:{}: larger than {} bytes (4 MiB), the limit for a scenario", file,
                    newlines + 1, scenario_max_bytes));
  }
  return text;
}

}  // namespace

std::string scenario::where(const std::string& pointer) const {
  std::string p = pointer;
  while (true) {
    if (auto it = lines.find(p.empty() ? "/" : p); it != lines.end())
      return fmt::format("{}:{}", file, it->second);
    if (p.empty() || p == "/") break;
    // A pointer without '/' must still shrink, else this loops forever.
    auto slash = p.rfind('/');
    p.erase(slash == std::string::npos ? 0 : slash);
  }
  return file;
}

void scenario::fail(const std::string& pointer, const std::string& message) const {
  throw scenario_error(fmt::format("{}: {}", where(pointer), message));
}

std::chrono::milliseconds scenario::client_timeout() const {
  return std::chrono::milliseconds(client_options.value("timeout_ms", 2000));
}

scenario parse_scenario(const std::string& text, const std::string& file, const std::string& id) {
  scenario s;
  s.file = file;
  s.id = id;
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
  s.document = json_builder(text, file, index, s.lines).convert(root, "");
  const json& doc = s.document;

  static const std::set<std::string> known = {
      "id", "protocol", "summary", "rfc", "tags", "client", "server", "judge", "client_options"};
  for (const auto& [key, _] : doc.items())
    if (!known.contains(key))
      s.fail("/" + escape_pointer_token(key), fmt::format("unknown key '{}'", key));

  auto need_string = [&](const char* key) {
    if (!doc.contains(key)) s.fail("", fmt::format("missing required key '{}'", key));
    if (!doc[key].is_string())
      s.fail(std::string("/") + key, fmt::format("'{}' must be a string", key));
    return doc[key].get<std::string>();
  };
  s.protocol = need_string("protocol");
  s.summary = need_string("summary");
  if (doc.contains("id")) {
    std::string declared = need_string("id");
    if (!id.empty() && declared != id)
      s.fail("/id",
             fmt::format("id '{}' does not match the file's path; expected '{}'", declared, id));
    s.id = declared;
  }
  s.rfc = string_list(s, doc.value("rfc", json()), "/rfc");
  s.tags = string_list(s, doc.value("tags", json()), "/tags");

  if (doc.contains("client")) {
    const json& steps = doc["client"];
    if (!steps.is_array()) s.fail("/client", "'client' must be an array of tables ([[client]])");
    for (std::size_t i = 0; i < steps.size(); ++i) {
      std::string ptr = "/client/" + std::to_string(i);
      const json& st = steps[i];
      if (!st.is_object()) s.fail(ptr, "a client step must be a table");
      for (const auto& [key, _] : st.items())
        if (key != "op" && key != "args" && key != "expect" && key != "timeout_ms")
          s.fail(ptr + "/" + escape_pointer_token(key),
                 fmt::format("unknown client step key '{}' (op, args, expect, timeout_ms)", key));
      if (!st.contains("op") || !st["op"].is_string())
        s.fail(ptr, "a client step needs op = \"...\"");
      client_step step;
      step.op = st["op"].get<std::string>();
      step.pointer = ptr;
      if (st.contains("args")) {
        if (!st["args"].is_object()) s.fail(ptr + "/args", "'args' must be a table");
        step.args = st["args"];
      }
      if (st.contains("expect")) {
        if (!st["expect"].is_object()) s.fail(ptr + "/expect", "'expect' must be a table");
        step.expect = st["expect"];
      }
      if (st.contains("timeout_ms"))
        step.timeout = positive_ms(s, st["timeout_ms"], ptr + "/timeout_ms");
      s.client.push_back(std::move(step));
    }
  }
  if (doc.contains("client_options")) {
    if (!doc["client_options"].is_object())
      s.fail("/client_options", "'client_options' must be a table");
    s.client_options = doc["client_options"];
    if (s.client_options.contains("timeout_ms"))
      positive_ms(s, s.client_options["timeout_ms"], "/client_options/timeout_ms");
  }

  if (!doc.contains("server") || !doc["server"].is_object()) s.fail("", "missing [server] table");
  s.server = doc["server"];
  if (!s.server.contains("mode") || !s.server["mode"].is_string())
    s.fail("/server", "[server] needs mode = \"script\" or \"model\"");
  std::string mode = s.server["mode"].get<std::string>();
  if (mode != "script" && mode != "model")
    s.fail("/server/mode", fmt::format("unknown server mode '{}' (script or model)", mode));

  if (doc.contains("judge")) {
    const json& judge = doc["judge"];
    if (!judge.is_object()) s.fail("/judge", "'judge' must be a table");
    for (const auto& [key, _] : judge.items())
      if (key != "skip_rules" && key != "expect_fail" && key != "timeout_ms")
        s.fail("/judge/" + escape_pointer_token(key),
               fmt::format("unknown judge key '{}' (skip_rules, expect_fail, timeout_ms)", key));
    s.skip_rules = string_list(s, judge.value("skip_rules", json()), "/judge/skip_rules");
    s.expect_fail_rules = string_list(s, judge.value("expect_fail", json()), "/judge/expect_fail");
    if (judge.contains("timeout_ms"))
      s.timeout = positive_ms(s, judge["timeout_ms"], "/judge/timeout_ms");
  }
  return s;
}

scenario load_scenario(const std::string& file) {
  return parse_scenario(read_scenario_file(file), file, scenario_id_for(file));
}

std::string scenario_id_for(const std::string& file) {
  std::error_code ec;  // a path that cannot be examined is for the loader to report
  fs::path abs = fs::weakly_canonical(file, ec);
  if (ec) abs = fs::absolute(file, ec);
  for (fs::path dir = abs.parent_path(); dir.has_relative_path(); dir = dir.parent_path()) {
    if (dir.filename() == "scenarios") {
      return fs::relative(abs, dir).replace_extension().generic_string();
    }
  }
  return abs.stem().string();
}

std::vector<std::string> find_scenario_files(const std::vector<std::string>& paths) {
  std::vector<std::string> out;
  for (const auto& p : paths) {
    if (fs::is_directory(p)) {
      for (const auto& entry : fs::recursive_directory_iterator(p))
        if (entry.is_regular_file() && entry.path().extension() == ".toml")
          out.push_back(entry.path().string());
    } else {
      out.push_back(p);  // a missing file is reported by the loader, not dropped here
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

bool glob_match(std::string_view pattern, std::string_view text, bool ignore_case) {
  auto eq = [ignore_case](char a, char b) {
    if (!ignore_case) return a == b;
    return std::tolower(static_cast<unsigned char>(a)) ==
           std::tolower(static_cast<unsigned char>(b));
  };
  std::size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    // '*' first: a literal '*' in the text must not consume the wildcard as an exact match.
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (p < pattern.size() && (pattern[p] == '?' || eq(pattern[p], text[t]))) {
      ++p;
      ++t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*')
    ++p;
  return p == pattern.size();
}

}  // namespace ph::harness
