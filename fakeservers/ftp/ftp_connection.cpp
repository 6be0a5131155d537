#include "fakeservers/ftp/ftp_connection.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "fakeservers/ftp/ftp_text.hpp"

namespace ph::fakeservers::ftp {

awaitable<void> connection::reply(std::string line) {
  co_await s_.send_line(line);
}

resolve_error connection::resolve(const std::string& arg, std::vector<std::string>& out) const {
  if (arg.find('\0') != std::string::npos) return resolve_error::invalid;
  std::vector<std::string> parts = arg.starts_with('/') ? std::vector<std::string>{} : cwd_;
  std::size_t at = 0;
  while (at <= arg.size()) {
    auto slash = arg.find('/', at);
    std::string piece = arg.substr(at, slash == std::string::npos ? std::string::npos : slash - at);
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

awaitable<void> connection::refuse_too_long(const std::string& code) {
  co_await reply(fmt::format("{} Path too long (the model allows {} octets, {} levels)", code,
                             cfg_.max_path, cfg_.max_depth));
}

node* connection::lookup(const std::vector<std::string>& parts) {
  node* n = &root_;
  for (const auto& p : parts) {
    if (!n->dir) return nullptr;
    auto it = n->children.find(p);
    if (it == n->children.end()) return nullptr;
    n = &it->second;
  }
  return n;
}

awaitable<node*> connection::find(std::string arg, std::vector<std::string>* path) {
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

awaitable<node*> connection::parent_of(std::string arg, std::string& name,
                                       std::string too_long_code) {
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

awaitable<bool> connection::open_data(std::string what) {
  if (!data_.pending() && !data_.connected()) {
    co_await reply("425 Use PORT, EPRT, PASV or EPSV first");
    co_return false;
  }
  std::string opening = fmt::format("150 Opening {} mode data connection for {}",
                                    type_ascii_ ? "ASCII" : "BINARY", what);
  co_await reply(opening);
  if (!co_await data_.open()) {
    co_await reply("425 Can't open data connection");
    co_return false;
  }
  bool protected_ok = true;
  if (prot_private_) protected_ok = co_await data_.start_tls();
  if (!protected_ok) {
    co_await reply("522 Data connection must be protected with TLS");
    co_return false;
  }
  co_return true;
}

awaitable<void> connection::send_data(std::string bytes) {
  bool ok = co_await data_.send(bytes);
  if (!ok) {
    data_.reset();
    co_await reply("426 Connection closed; transfer aborted");
    aborted_ = true;
    co_return;
  }
  co_await data_.close();
  co_await reply("226 Transfer complete");
}

awaitable<void> connection::listing(std::string verb, std::string arg) {
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

awaitable<void> connection::retrieve(std::string arg) {
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

awaitable<void> connection::store(std::string verb, std::string arg) {
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
  auto got = co_await data_.read_all();
  co_await data_.close();
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

}  // namespace ph::fakeservers::ftp
