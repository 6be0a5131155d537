// The FTP server side: a well-behaved model server over an in-memory virtual file tree.
// RFC 959 (commands, replies, ASCII type), RFC 2428 (EPRT/EPSV), RFC 3659 (SIZE, MDTM,
// REST STREAM, MLSD), RFC 2389 (FEAT), RFC 4217 (AUTH TLS, PBSZ, PROT), RFC 2577 (security).
// Its parsing is its own: nothing here is shared with clients/ or harness/rules/.

#include "fakeservers/ftp/ftp_dialect.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <memory>

#include <fmt/format.h>

#include "fakeservers/engine/script.hpp"

namespace ph::fakeservers::ftp {

namespace {

std::string upper(std::string s) {
  for (auto& c : s)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

struct node {
  bool dir = false;
  // Shared and immutable: every connection starts from a copy of the tree, and a copy must
  // not duplicate file bytes (the default tree holds 10 MiB). Writes replace the pointer.
  std::shared_ptr<const std::string> data = std::make_shared<const std::string>();
  std::string perm;  // "rwxr-xr-x"
  std::string mtime = "20240102030405";
  std::map<std::string, node> children;
  bool writable() const { return perm.size() > 1 && perm[1] == 'w'; }
  const std::string& content() const { return *data; }
  void set_content(std::string bytes) {
    data = std::make_shared<const std::string>(std::move(bytes));
  }
};

node make_dir(std::string perm = "rwxr-xr-x") {
  node n;
  n.dir = true;
  n.perm = std::move(perm);
  return n;
}

node make_file(std::string content, std::string perm = "rw-r--r--") {
  node n;
  n.set_content(std::move(content));
  n.perm = std::move(perm);
  return n;
}

struct model_config {
  std::string greeting = "220 fake.test FTP server (protoharness) ready";
  std::map<std::string, std::string> users = {{"test", "test"}};
  bool anonymous = true;
  std::vector<std::string> features = {
      "AUTH TLS",    "EPSV", "MDTM", "MLST type*;size*;modify*;perm*;", "PASV", "PBSZ", "PROT",
      "REST STREAM", "SIZE", "UTF8"};
  bool tls = true;  // AUTH TLS offered and accepted
  node root = make_dir();
  // Bounds on what one connection may build (RFC 959 sets none; these keep the model's memory
  // and its replies, which quote whole paths, small): a path's length in octets and depth in
  // directories, and the entries (MKD, new files) it may create.
  std::size_t max_path = 4096;
  std::size_t max_depth = 256;
  std::size_t max_entries = 10000;
};

model_config build_default_model() {
  model_config m;
  m.root = make_dir("r-xr-xr-x");
  m.root.children["big.bin"] = make_file(generated_bytes(10 * 1024 * 1024));
  m.root.children["readme.txt"] =
      make_file("Welcome to the protoharness FTP model server.\nLines end with LF here.\n");
  node pub = make_dir("r-xr-xr-x");
  pub.children["hello.txt"] = make_file("hello, world\n");
  pub.children["empty.txt"] = make_file("");
  pub.children["lines.txt"] = make_file("one\ntwo\nthree\n");
  pub.children["small.bin"] = make_file(generated_bytes(1000));
  pub.children["empty"] = make_dir("r-xr-xr-x");
  m.root.children["pub"] = std::move(pub);
  m.root.children["upload"] = make_dir("rwxrwxrwx");
  return m;
}

// Built once: every scenario validates and every connection starts from a copy.
model_config default_model() {
  static const model_config m = build_default_model();
  return m;
}

bool valid_perm(const std::string& p) {
  static constexpr std::string_view letters = "rwxrwxrwx";
  if (p.size() != 9) return false;
  for (std::size_t i = 0; i < 9; ++i)
    if (p[i] != '-' && p[i] != letters[i]) return false;
  return true;
}

bool valid_mtime(const std::string& t) {
  return t.size() == 14 && std::all_of(t.begin(), t.end(), [](char c) {
           return std::isdigit(static_cast<unsigned char>(c));
         });
}

bool valid_name(const std::string& n) {
  return !n.empty() && n != "." && n != ".." && n.find('/') == std::string::npos &&
         n.find('\0') == std::string::npos && n.find('\r') == std::string::npos &&
         n.find('\n') == std::string::npos;
}

void parse_entries(const harness::scenario& scen, const json& v, const std::string& at, node& dir);

// A file is "content" or { content | size, mtime, perm }; a directory is
// { entries = {...}, mtime, perm }.
node parse_node(const harness::scenario& scen, const json& v, const std::string& at) {
  if (v.is_string()) return make_file(v.get<std::string>());
  if (!v.is_object())
    scen.fail(at,
              "an entry is a string (file content), { content | size, mtime, perm } or "
              "{ entries = {...}, mtime, perm }");
  bool is_dir = v.contains("entries");
  node n = is_dir ? make_dir() : make_file("");
  for (const auto& [key, x] : v.items()) {
    std::string kat = at + "/" + key;
    if (key == "content" && !is_dir) {
      if (!x.is_string()) scen.fail(kat, "content must be a string");
      n.set_content(x.get<std::string>());
    } else if (key == "size" && !is_dir) {
      if (!x.is_number_integer() || x.get<std::int64_t>() < 0 ||
          x.get<std::int64_t>() > (std::int64_t{1} << 30))
        scen.fail(kat, "size must be a count up to 1 GiB (generated bytes: byte i = i mod 251)");
      n.set_content(generated_bytes(x.get<std::size_t>()));
    } else if (key == "entries") {
      parse_entries(scen, x, kat, n);
    } else if (key == "mtime") {
      if (!x.is_string() || !valid_mtime(x.get<std::string>()))
        scen.fail(kat, "mtime must be \"YYYYMMDDHHMMSS\" (RFC 3659 §2.3)");
      n.mtime = x.get<std::string>();
    } else if (key == "perm") {
      if (!x.is_string() || !valid_perm(x.get<std::string>()))
        scen.fail(kat, "perm must look like \"rwxr-xr-x\"");
      n.perm = x.get<std::string>();
    } else {
      scen.fail(kat, fmt::format("unknown {} key '{}' ({})", is_dir ? "directory" : "file", key,
                                 is_dir ? "entries, mtime, perm" : "content, size, mtime, perm"));
    }
  }
  if (v.contains("content") && v.contains("size")) scen.fail(at, "use content or size, not both");
  return n;
}

void parse_entries(const harness::scenario& scen, const json& v, const std::string& at, node& dir) {
  if (!v.is_object()) scen.fail(at, "entries must be a table of name = entry");
  for (const auto& [name, x] : v.items()) {
    if (!valid_name(name))
      scen.fail(at + "/" + name, fmt::format("'{}' is not a valid file name", name));
    dir.children[name] = parse_node(scen, x, at + "/" + name);
  }
}

model_config parse_model(const harness::scenario& scen) {
  model_config m = default_model();
  const json model = scen.server.value("model", json::object());
  if (!model.is_object()) scen.fail("/server/model", "[server.model] must be a table");
  for (const auto& [key, v] : model.items()) {
    std::string at = "/server/model/" + key;
    if (key == "greeting") {
      if (!v.is_string()) scen.fail(at, "greeting must be a string (the whole first line)");
      m.greeting = v.get<std::string>();
    } else if (key == "users") {
      if (!v.is_object()) scen.fail(at, "users must be a table of name = \"password\"");
      m.users.clear();
      for (const auto& [name, pw] : v.items()) {
        if (!pw.is_string()) scen.fail(at + "/" + name, "a password must be a string");
        m.users[name] = pw.get<std::string>();
      }
    } else if (key == "anonymous") {
      if (!v.is_boolean()) scen.fail(at, "anonymous must be true or false");
      m.anonymous = v.get<bool>();
    } else if (key == "features") {
      if (!v.is_array()) scen.fail(at, "features must be an array of strings");
      m.features.clear();
      for (std::size_t i = 0; i < v.size(); ++i) {
        if (!v[i].is_string()) scen.fail(at + "/" + std::to_string(i), "expected a string");
        m.features.push_back(v[i]);
      }
    } else if (key == "tls") {
      if (!v.is_boolean()) scen.fail(at, "tls must be true or false (AUTH TLS offered)");
      m.tls = v.get<bool>();
    } else if (key == "tree") {
      m.root = make_dir();
      parse_entries(scen, v, at, m.root);
    } else if (key == "root_perm") {
      if (!v.is_string() || !valid_perm(v.get<std::string>()))
        scen.fail(at, "root_perm must look like \"rwxr-xr-x\"");
      // Applied after the loop: keys come in name order, and "tree" would replace the root.
    } else if (key == "max_path" || key == "max_depth" || key == "max_entries") {
      if (!v.is_number_integer() || v.get<std::int64_t>() < 1 || v.get<std::int64_t>() > 1000000)
        scen.fail(at, fmt::format("{} must be an integer from 1 to 1000000", key));
      (key == "max_path"    ? m.max_path
       : key == "max_depth" ? m.max_depth
                            : m.max_entries) = v.get<std::size_t>();
    } else {
      scen.fail(at, fmt::format("unknown [server.model] key '{}' (greeting, users, anonymous, "
                                "features, tls, tree, root_perm, max_path, max_depth, "
                                "max_entries)",
                                key));
    }
  }
  if (model.contains("root_perm")) m.root.perm = model["root_perm"].get<std::string>();
  if (!m.tls)
    std::erase_if(m.features, [](const std::string& f) {
      return f.starts_with("AUTH") || f == "PBSZ" || f == "PROT";
    });
  return m;
}

// RFC 959 §5.3.2 / §3.1.1.1: ASCII type sends lines with CRLF; the tree stores LF.
std::string to_netascii(std::string_view in) {
  std::string out;
  out.reserve(in.size() + in.size() / 32);
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '\n' && (i == 0 || in[i - 1] != '\r')) out += '\r';
    out += in[i];
  }
  return out;
}

std::string from_netascii(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i)
    if (!(in[i] == '\r' && i + 1 < in.size() && in[i + 1] == '\n')) out += in[i];
  return out;
}

// RFC 959 §4.2: a quote inside a 257 pathname is doubled.
std::string quote_path(const std::string& p) {
  std::string out = "\"";
  for (char c : p) {
    out += c;
    if (c == '"') out += '"';
  }
  return out + "\"";
}

std::string join(const std::vector<std::string>& parts) {
  if (parts.empty()) return "/";
  std::string out;
  for (const auto& p : parts)
    out += "/" + p;
  return out;
}

const char* month(int m) {
  static const char* names[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  return names[(m >= 1 && m <= 12) ? m - 1 : 0];
}

// One `ls -l` line (the de-facto LIST format; RFC 959 leaves it unspecified).
std::string list_line(const std::string& name, const node& n) {
  int mon = std::stoi(n.mtime.substr(4, 2));
  int day = std::stoi(n.mtime.substr(6, 2));
  return fmt::format("{}{} {:>3} {:<8} {:<8} {:>10} {} {:>2}  {} {}", n.dir ? 'd' : '-', n.perm,
                     n.dir ? 2 : 1, "ftp", "ftp", n.dir ? 4096 : n.content().size(), month(mon),
                     day, n.mtime.substr(0, 4), name);
}

// RFC 3659 §7.2: facts;facts; SP name. perm (§7.5.5) follows the containing directory's
// write bit for changes to the entry and the entry's own for what it holds.
std::string mlsd_line(const std::string& name, const node& n, bool parent_writable) {
  std::string perm = n.dir ? (n.writable() ? "elcmp" : "el") : "r";
  if (parent_writable) perm += n.dir ? "df" : "adfw";
  if (n.dir) return fmt::format("type=dir;modify={};perm={}; {}", n.mtime, perm, name);
  return fmt::format("type=file;size={};modify={};perm={}; {}", n.content().size(), n.mtime, perm,
                     name);
}

enum class resolve_error { none, escape, invalid, missing, too_long };

class model_session {
 public:
  model_session(session& s, model_config cfg)
      : s_(s), cfg_(std::move(cfg)), overrides_(parse_overrides(s.scen())) {}

  awaitable<void> run() {
    co_await s_.send_line(cfg_.greeting);
    if (!cfg_.greeting.starts_with("220")) {
      co_await s_.close();  // RFC 959 §5.4: 421 (or 120) then the server is gone
      co_return;
    }
    while (true) {
      auto line = co_await s_.read_line();
      if (!line) break;
      s_.count_command();
      write_faults saved = s_.faults();
      bool answered = co_await apply_overrides(s_, overrides_, *line);
      bool more = true;
      if (!answered) more = co_await handle(*line);
      s_.faults() = saved;
      if (!more) co_return;
    }
    s_.data_discard();
  }

 private:
  awaitable<void> reply(std::string line) { co_await s_.send_line(line); }

  // Splits "VERB arg" from the raw line; Telnet IP/Synch bytes before ABOR (RFC 959 §4.1.3)
  // are skipped.
  static std::pair<std::string, std::string> split(const std::string& raw) {
    std::string text = strip_eol(raw);
    std::size_t start = 0;
    while (start < text.size() && (static_cast<unsigned char>(text[start]) >= 0x80))
      ++start;
    text.erase(0, start);
    auto sp = text.find(' ');
    if (sp == std::string::npos) return {upper(text), ""};
    return {upper(text.substr(0, sp)), text.substr(sp + 1)};
  }

  // Resolves a client path inside the virtual tree; ".." never climbs above the root and
  // NUL bytes are refused (RFC 2577 §6 spirit: nothing outside the served tree). A path
  // deeper or longer (as "/a/b") than the model's bounds is too_long.
  resolve_error resolve(const std::string& arg, std::vector<std::string>& out) const {
    if (arg.find('\0') != std::string::npos) return resolve_error::invalid;
    std::vector<std::string> parts = arg.starts_with('/') ? std::vector<std::string>{} : cwd_;
    std::size_t at = 0;
    while (at <= arg.size()) {
      auto slash = arg.find('/', at);
      std::string piece =
          arg.substr(at, slash == std::string::npos ? std::string::npos : slash - at);
      if (piece == "..") {
        if (parts.empty()) return resolve_error::escape;
        parts.pop_back();
      } else if (!piece.empty() && piece != ".") {
        parts.push_back(piece);
        if (parts.size() > cfg_.max_depth) return resolve_error::too_long;
      }
      if (slash == std::string::npos) break;
      at = slash + 1;
    }
    std::size_t length = 0;
    for (const auto& p : parts)
      length += 1 + p.size();
    if (length > cfg_.max_path) return resolve_error::too_long;
    out = std::move(parts);
    return resolve_error::none;
  }

  awaitable<void> refuse_too_long(const std::string& code) {
    co_await reply(fmt::format("{} Path too long (the model allows {} octets, {} levels)", code,
                               cfg_.max_path, cfg_.max_depth));
  }

  node* lookup(const std::vector<std::string>& parts) {
    node* n = &cfg_.root;
    for (const auto& p : parts) {
      if (!n->dir) return nullptr;
      auto it = n->children.find(p);
      if (it == n->children.end()) return nullptr;
      n = &it->second;
    }
    return n;
  }

  // The node for arg, or replies 550/501 and returns nullptr.
  awaitable<node*> find(std::string arg, std::vector<std::string>* path = nullptr) {
    std::vector<std::string> parts;
    auto e = resolve(arg, parts);
    if (e == resolve_error::invalid) {
      co_await reply("501 Invalid character in pathname");
      co_return nullptr;
    }
    if (e == resolve_error::escape) {
      s_.note(fmt::format("path '{}' would escape the served tree: refused", arg));
      co_await reply("550 Permission denied: path outside the served tree");
      co_return nullptr;
    }
    if (e == resolve_error::too_long) {
      co_await refuse_too_long("550");
      co_return nullptr;
    }
    node* n = lookup(parts);
    if (!n) co_await reply("550 No such file or directory");
    if (path) *path = parts;
    co_return n;
  }

  // The parent directory of arg (must exist, be writable) and the new name. A path past the
  // model's bounds is refused with `too_long_code`: 553 "File name not allowed" where RFC 959
  // lists it (STOR, APPE, RNTO), else 550.
  awaitable<node*> parent_of(std::string arg, std::string& name,
                             std::string too_long_code = "550") {
    std::vector<std::string> parts;
    auto e = resolve(arg, parts);
    if (e == resolve_error::invalid) {
      co_await reply("501 Invalid character in pathname");
      co_return nullptr;
    }
    if (e == resolve_error::too_long) {
      co_await refuse_too_long(too_long_code);
      co_return nullptr;
    }
    if (e == resolve_error::escape || parts.empty()) {
      if (e == resolve_error::escape)
        s_.note(fmt::format("path '{}' would escape the served tree: refused", arg));
      co_await reply("550 Permission denied");
      co_return nullptr;
    }
    name = parts.back();
    parts.pop_back();
    node* dir = lookup(parts);
    if (!dir || !dir->dir) {
      co_await reply("550 No such directory");
      co_return nullptr;
    }
    if (!dir->writable() || !valid_name(name)) {
      co_await reply("550 Permission denied");
      co_return nullptr;
    }
    co_return dir;
  }

  // Opens the data connection after a 150, protected when PROT P is in force.
  awaitable<bool> open_data(std::string what) {
    if (!s_.data_pending() && !s_.data_connected()) {
      co_await reply("425 Use PORT, EPRT, PASV or EPSV first");
      co_return false;
    }
    std::string opening = fmt::format("150 Opening {} mode data connection for {}",
                                      type_ascii_ ? "ASCII" : "BINARY", what);
    co_await reply(opening);
    if (!co_await s_.data_open()) {
      co_await reply("425 Can't open data connection");
      co_return false;
    }
    bool protected_ok = true;
    if (prot_private_) protected_ok = co_await s_.data_start_tls();
    if (!protected_ok) {
      co_await reply("522 Data connection must be protected with TLS");
      co_return false;
    }
    co_return true;
  }

  awaitable<void> send_data(std::string bytes) {
    bool ok = co_await s_.data_send(bytes);
    if (!ok) {
      s_.data_reset();
      co_await reply("426 Connection closed; transfer aborted");
      aborted_ = true;
      co_return;
    }
    co_await s_.data_close();
    co_await reply("226 Transfer complete");
  }

  awaitable<void> listing(std::string verb, std::string arg) {
    // "LIST -la path": options are an ls habit servers tolerate.
    while (arg.starts_with('-')) {
      auto sp = arg.find(' ');
      arg = sp == std::string::npos ? "" : arg.substr(sp + 1);
    }
    node* n = co_await find(arg);
    if (!n) co_return;
    if (verb == "MLSD" && !n->dir) {
      co_await reply("501 Not a directory");  // RFC 3659 §7.2.1
      co_return;
    }
    std::string out;
    if (n->dir) {
      for (const auto& [name, child] : n->children)
        out += (verb == "LIST"   ? list_line(name, child)
                : verb == "MLSD" ? mlsd_line(name, child, n->writable())
                                 : name) +
               "\r\n";
    } else {
      std::string name = arg.substr(arg.rfind('/') + 1);
      out += (verb == "LIST" ? list_line(name, *n) : arg) + "\r\n";
    }
    std::string what = verb == "MLSD" ? "MLSD" : "file list";
    if (!co_await open_data(what)) co_return;
    co_await send_data(std::move(out));
  }

  awaitable<void> retr(std::string arg) {
    node* n = co_await find(arg);
    if (!n) co_return;
    if (n->dir) {
      co_await reply("550 Not a plain file");
      co_return;
    }
    auto data = n->data;  // the file may be replaced while the transfer waits
    std::string ascii = type_ascii_ ? to_netascii(*data) : std::string();
    const std::string& bytes = type_ascii_ ? ascii : *data;
    std::size_t offset = std::min<std::size_t>(rest_, bytes.size());
    rest_ = 0;
    if (!co_await open_data(arg)) co_return;
    co_await send_data(bytes.substr(offset));
  }

  awaitable<void> store(std::string verb, std::string arg) {
    std::string name;
    const std::string not_allowed = "553";
    node* dir = co_await parent_of(arg, name, not_allowed);
    if (!dir) co_return;
    auto it = dir->children.find(name);
    if (it != dir->children.end() && it->second.dir) {
      co_await reply("550 Is a directory");
      co_return;
    }
    if (it == dir->children.end() && created_ >= cfg_.max_entries) {
      co_await reply(fmt::format(
          "552 Exceeded storage allocation (the model allows {} new entries per connection)",
          cfg_.max_entries));
      co_return;
    }
    std::size_t offset = rest_;
    rest_ = 0;
    if (!co_await open_data(arg)) co_return;
    auto got = co_await s_.data_read_all();
    co_await s_.data_close();
    if (!got) {
      co_await reply("426 Connection closed; transfer aborted");
      co_return;
    }
    std::string bytes = type_ascii_ ? from_netascii(*got) : std::move(*got);
    node& f = dir->children[name];
    if (f.perm.empty()) {
      f = make_file("");
      ++created_;
    }
    if (verb == "APPE")
      f.set_content(f.content() + bytes);
    else if (offset > 0)  // RFC 3659 §5.5: REST then STOR overwrites from the marker
      f.set_content(f.content().substr(0, std::min(offset, f.content().size())) + bytes);
    else
      f.set_content(std::move(bytes));
    co_await reply(fmt::format("226 Transfer complete ({} bytes stored)", f.content().size()));
  }

  awaitable<bool> handle(std::string raw) {
    auto [verb, arg] = split(raw);
    if (verb.empty()) {
      co_await reply("500 Empty command");
      co_return true;
    }
    if (verb != "RNTO") {
      bool had_rnfr = !rename_from_.empty();
      if (verb != "RNFR" && had_rnfr) rename_from_.clear();
    }
    if (verb == "QUIT") {
      co_await reply("221 Goodbye");
      s_.data_discard();
      co_await s_.close();
      co_return false;
    }
    if (verb == "NOOP") {
      co_await reply("200 NOOP ok");
      co_return true;
    }
    if (verb == "FEAT") {
      // RFC 2389 §3.2: each feature line starts with a space.
      std::vector<std::string> lines = {"211-Features:"};
      for (const auto& f : cfg_.features)
        lines.push_back(" " + f);
      lines.push_back("211 End");
      co_await s_.send_lines(lines);
      co_return true;
    }
    if (verb == "SYST") {
      co_await reply("215 UNIX Type: L8");
      co_return true;
    }
    if (verb == "HELP") {
      std::vector<std::string> help = {
          "214-The following commands are recognized:",
          " USER PASS QUIT NOOP FEAT SYST HELP PWD CWD CDUP MKD RMD DELE",
          " RNFR RNTO SIZE MDTM TYPE MODE STRU PASV EPSV PORT EPRT LIST",
          " NLST MLSD RETR STOR APPE REST ABOR AUTH PBSZ PROT OPTS", "214 Help OK"};
      co_await s_.send_lines(help);
      co_return true;
    }
    if (verb == "AUTH") {
      if (!cfg_.tls) {
        co_await reply("502 AUTH not supported");
      } else if (s_.tls_active()) {
        co_await reply("503 TLS already active");
      } else if (upper(arg) == "TLS" || upper(arg) == "TLS-C" || upper(arg) == "SSL") {
        co_await reply("234 AUTH TLS successful");  // RFC 4217 §4
        co_await s_.start_tls();
        logged_in_ = false;  // RFC 4217 §4: AUTH resets the session
        user_.clear();
      } else {
        co_await reply("504 Unknown AUTH type");
      }
      co_return true;
    }
    if (verb == "PBSZ") {
      if (!s_.tls_active())
        co_await reply("503 PBSZ requires AUTH TLS first");  // RFC 4217 §8
      else {
        pbsz_ = true;
        co_await reply("200 PBSZ=0");
      }
      co_return true;
    }
    if (verb == "PROT") {
      std::string level = upper(arg);
      if (!s_.tls_active() || !pbsz_)
        co_await reply("503 PROT requires AUTH TLS and PBSZ first");  // RFC 4217 §9
      else if (level == "P" || level == "C") {
        prot_private_ = level == "P";
        co_await reply(fmt::format("200 Protection level set to {}", level));
      } else if (level == "S" || level == "E")
        co_await reply("536 Protection level not supported");
      else
        co_await reply("504 Unknown protection level");
      co_return true;
    }
    if (verb == "OPTS") {
      const char* text = upper(arg).starts_with("UTF8") ? "200 UTF8 mode on" : "501 Unknown option";
      co_await reply(text);
      co_return true;
    }
    if (verb == "USER") {
      user_ = arg;
      logged_in_ = false;
      if (arg == "anonymous" || arg == "ftp") {
        if (!cfg_.anonymous)
          co_await reply("530 Anonymous access not allowed");
        else
          co_await reply("331 Anonymous login ok, send your e-mail address as password");
      } else {
        co_await reply(fmt::format("331 Password required for {}", arg));
      }
      co_return true;
    }
    if (verb == "PASS") {
      if (user_.empty()) {
        co_await reply("503 Login with USER first");
      } else if ((user_ == "anonymous" || user_ == "ftp") && cfg_.anonymous) {
        logged_in_ = true;
        co_await reply("230 Anonymous access granted");
      } else if (auto it = cfg_.users.find(user_); it != cfg_.users.end() && it->second == arg) {
        logged_in_ = true;
        co_await reply(fmt::format("230 User {} logged in", user_));
      } else {
        user_.clear();
        co_await reply("530 Login incorrect");
      }
      co_return true;
    }
    if (!logged_in_) {
      co_await reply("530 Please login with USER and PASS");
      co_return true;
    }
    if (verb == "PWD" || verb == "XPWD") {
      co_await reply(fmt::format("257 {} is the current directory", quote_path(join(cwd_))));
    } else if (verb == "CWD" || verb == "XCWD" || verb == "CDUP" || verb == "XCUP") {
      std::vector<std::string> path;
      std::string target = verb.ends_with("UP") ? std::string("..") : arg;
      node* n = co_await find(target, &path);
      if (n && !n->dir) {
        co_await reply("550 Not a directory");
      } else if (n) {
        cwd_ = path;
        co_await reply(fmt::format("250 Directory changed to {}", join(cwd_)));
      }
    } else if (verb == "MKD" || verb == "XMKD") {
      std::string name;
      node* dir = co_await parent_of(arg, name);
      if (dir) {
        if (dir->children.contains(name)) {
          co_await reply("550 File exists");
        } else if (created_ >= cfg_.max_entries) {
          co_await reply(
              fmt::format("550 Too many entries (the model allows {} new ones per connection)",
                          cfg_.max_entries));
        } else {
          dir->children[name] = make_dir();
          ++created_;
          std::vector<std::string> p;
          resolve(arg, p);
          co_await reply(fmt::format("257 {} created", quote_path(join(p))));
        }
      }
    } else if (verb == "RMD" || verb == "XRMD" || verb == "DELE") {
      std::string name;
      node* dir = co_await parent_of(arg, name);
      if (dir) {
        auto it = dir->children.find(name);
        bool want_dir = verb != "DELE";
        if (it == dir->children.end())
          co_await reply("550 No such file or directory");
        else if (it->second.dir != want_dir) {
          const char* text = want_dir ? "550 Not a directory" : "550 Is a directory";
          co_await reply(text);
        } else if (want_dir && !it->second.children.empty())
          co_await reply("550 Directory not empty");
        else {
          dir->children.erase(it);
          std::string removed = fmt::format("250 {} removed", want_dir ? "Directory" : "File");
          co_await reply(removed);
        }
      }
    } else if (verb == "RNFR") {
      std::string name;
      node* dir = co_await parent_of(arg, name);
      if (dir) {
        if (!dir->children.contains(name)) {
          co_await reply("550 No such file or directory");
        } else {
          rename_from_ = arg;
          co_await reply("350 Ready for RNTO");
        }
      }
    } else if (verb == "RNTO") {
      if (rename_from_.empty()) {
        co_await reply("503 Bad sequence of commands: RNFR first");
      } else {
        std::string from_name, to_name;
        std::string from = std::exchange(rename_from_, std::string());
        node* from_dir = co_await parent_of(from, from_name);
        if (from_dir) {
          const std::string not_allowed = "553";
          node* to_dir = co_await parent_of(arg, to_name, not_allowed);
          if (to_dir) {
            node moved = std::move(from_dir->children.at(from_name));
            from_dir->children.erase(from_name);
            to_dir->children[to_name] = std::move(moved);
            co_await reply("250 Rename successful");
          }
        }
      }
    } else if (verb == "SIZE") {
      node* n = co_await find(arg);
      if (n && n->dir)
        co_await reply("550 Not a plain file");
      else if (n) {  // RFC 3659 §4: the size in the current TYPE
        std::size_t size = type_ascii_ ? to_netascii(n->content()).size() : n->content().size();
        co_await reply(fmt::format("213 {}", size));
      }
    } else if (verb == "MDTM") {
      node* n = co_await find(arg);
      if (n && n->dir)
        co_await reply("550 Not a plain file");
      else if (n)
        co_await reply("213 " + n->mtime);  // RFC 3659 §3
    } else if (verb == "TYPE") {
      std::string t = upper(arg);
      if (t == "A" || t == "A N") {
        type_ascii_ = true;
        co_await reply("200 Type set to A");
      } else if (t == "I" || t == "L 8") {
        type_ascii_ = false;
        co_await reply("200 Type set to I");
      } else {
        co_await reply("504 Type not implemented");
      }
    } else if (verb == "MODE") {
      const char* text = upper(arg) == "S" ? "200 Mode S ok" : "504 Only stream mode";
      co_await reply(text);
    } else if (verb == "STRU") {
      const char* text = upper(arg) == "F" ? "200 Structure F ok" : "504 Only file structure";
      co_await reply(text);
    } else if (verb == "PASV") {
      if (epsv_all_) {
        co_await reply("503 EPSV ALL in force");  // RFC 2428 §4
      } else if (s_.local_address().find(':') != std::string::npos) {
        co_await reply("425 PASV is IPv4 only; use EPSV");
      } else {
        std::uint16_t port = s_.data_listen();
        std::string host = s_.local_address();
        std::replace(host.begin(), host.end(), '.', ',');
        co_await reply(
            fmt::format("227 Entering Passive Mode ({},{},{})", host, port / 256, port % 256));
      }
    } else if (verb == "EPSV") {
      if (upper(arg) == "ALL") {
        epsv_all_ = true;
        co_await reply("200 EPSV ALL ok");
      } else if (!arg.empty() && arg != "1" && arg != "2") {
        co_await reply("522 Network protocol not supported, use (1,2)");
      } else {
        std::uint16_t port = s_.data_listen();
        co_await reply(fmt::format("229 Entering Extended Passive Mode (|||{}|)", port));
      }
    } else if (verb == "PORT" || verb == "EPRT") {
      auto target = parse_active_target(strip_eol(raw));
      if (epsv_all_)
        co_await reply("503 EPSV ALL in force");
      else if (!target)
        co_await reply(fmt::format("501 Malformed {} argument", verb));
      else if (!s_.data_target(target->first, target->second))
        co_await reply("500 Illegal PORT command: loopback only");  // RFC 2577 §3
      else
        co_await reply(fmt::format("200 {} command successful", verb));
    } else if (verb == "LIST" || verb == "NLST" || verb == "MLSD") {
      co_await listing(verb, arg);
    } else if (verb == "RETR") {
      co_await retr(arg);
    } else if (verb == "STOR" || verb == "APPE") {
      co_await store(verb, arg);
    } else if (verb == "REST") {
      std::size_t v = 0;
      bool ok = !arg.empty() && arg.size() <= 18 && std::all_of(arg.begin(), arg.end(), [](char c) {
        return std::isdigit(static_cast<unsigned char>(c));
      });
      if (ok) v = std::stoull(arg);
      if (!ok) {
        co_await reply("501 REST needs a byte count");
      } else {
        rest_ = v;
        co_await reply(fmt::format("350 Restarting at {}", v));  // RFC 3659 §5.3
      }
    } else if (verb == "ABOR") {
      s_.data_discard();
      // RFC 959 §4.1.3: 426 for the aborted transfer went already; 226 closes the ABOR.
      const char* text =
          std::exchange(aborted_, false) ? "226 Abort successful" : "225 No transfer to abort";
      co_await reply(text);
    } else {
      co_await reply(fmt::format("502 Command {} not implemented", verb));
    }
    co_return true;
  }

  session& s_;
  model_config cfg_;
  std::vector<override_rule> overrides_;
  std::vector<std::string> cwd_;
  std::string user_;
  std::string rename_from_;
  std::size_t rest_ = 0;
  std::size_t created_ = 0;  // entries this connection made (bounded by max_entries)
  bool logged_in_ = false;
  bool type_ascii_ = true;  // RFC 959 §3.1.1.1: ASCII is the default type
  bool pbsz_ = false;
  bool prot_private_ = false;
  bool epsv_all_ = false;
  bool aborted_ = false;
};

}  // namespace

void ftp_dialect::validate(const harness::scenario& scen) const {
  if (scen.server.value("mode", "") == "model") parse_model(scen);
}

awaitable<void> ftp_dialect::serve_model(session& s) const {
  // Each connection gets its own copy of the tree: uploads are visible to that
  // connection only.
  model_session m(s, parse_model(s.scen()));
  co_await m.run();
}

std::vector<std::string> ftp_dialect::block_kinds() const {
  return {};  // FTP's control channel has no multi-line client blocks; data uses data_*
}

awaitable<std::optional<std::string>> ftp_dialect::read_block(session&, std::string_view) const {
  co_return std::nullopt;
}

std::string ftp_dialect::mismatch_reply() const {
  return "500 Unexpected command (the script expected another)";
}

line_limit ftp_dialect::command_line_limit() const {
  // RFC 959 §4.2: 500 "Syntax error, command unrecognized. This may include errors such as
  // command line too long."
  return {64 * 1024, "500 Command line too long", false};
}

}  // namespace ph::fakeservers::ftp
