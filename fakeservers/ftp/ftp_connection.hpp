#pragma once
// One FTP control connection's state in the model server: login, directory, transfer
// settings, its copy of the tree, and what its commands share (paths resolved inside the
// tree, data transfers). ftp_model.cpp adds the commands.

#include <cstddef>
#include <string>
#include <vector>

#include "fakeservers/engine/session.hpp"
#include "fakeservers/ftp/ftp_config.hpp"
#include "fakeservers/ftp/ftp_data_channel.hpp"

namespace ph::fakeservers::ftp {

enum class resolve_error { none, escape, invalid, missing, too_long };

class connection {
 public:
  connection(session& s, const model_config& cfg)
      : s_(s), data_(data_channel::of(s)), cfg_(cfg), root_(cfg.root) {}

  awaitable<void> reply(std::string line);

 protected:
  // Resolves a client path inside the virtual tree; ".." never climbs above the root and
  // NUL bytes are refused (RFC 2577 §6 spirit: nothing outside the served tree). A path
  // deeper or longer (as "/a/b") than the model's bounds is too_long.
  resolve_error resolve(const std::string& arg, std::vector<std::string>& out) const;

  // Replies `code` for a path past the model's bounds.
  awaitable<void> refuse_too_long(const std::string& code);

  // The node at a resolved path, or nullptr.
  node* lookup(const std::vector<std::string>& parts);

  // The node for arg, or replies 550/501 and returns nullptr.
  awaitable<node*> find(std::string arg, std::vector<std::string>* path = nullptr);

  // The parent directory of arg (must exist, be writable) and the new name. A path past the
  // model's bounds is refused with `too_long_code`: 553 "File name not allowed" where RFC 959
  // lists it (STOR, APPE, RNTO), else 550.
  awaitable<node*> parent_of(std::string arg, std::string& name, std::string too_long_code = "550");

  // Opens the data connection after a 150, protected when PROT P is in force.
  awaitable<bool> open_data(std::string what);

  // Sends on the open data connection, closes it, replies 226 (426 when the client
  // closed or reset it first).
  awaitable<void> send_data(std::string bytes);

  // LIST, NLST or MLSD of arg over a data connection.
  awaitable<void> listing(std::string verb, std::string arg);

  // RETR: the file from the REST offset, in the current TYPE.
  awaitable<void> retrieve(std::string arg);

  // STOR or APPE: what the client sends until it closes the data connection.
  awaitable<void> store(std::string verb, std::string arg);

  session& s_;
  data_channel& data_;  // the session's: it outlives this connection's model
  const model_config& cfg_;
  node root_;  // this connection's copy of the tree: uploads are visible to it only
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

}  // namespace ph::fakeservers::ftp
