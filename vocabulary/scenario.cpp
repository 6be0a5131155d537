#include "vocabulary/scenario.hpp"

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

#include "vocabulary/toml_document.hpp"

namespace ph {
namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

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
  auto doc_and_lines = read_toml(text, file);
  s.document = std::move(doc_and_lines.root);
  s.lines = std::move(doc_and_lines.lines);
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

}  // namespace ph
