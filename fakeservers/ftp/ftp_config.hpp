#pragma once
// The FTP model server's [server.model]: users, features and the virtual file tree,
// compiled once per scenario (every connection starts from a copy of the tree).

#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "vocabulary/scenario.hpp"

namespace ph::fakeservers::ftp {

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

// A directory, and a file holding `content`.
node make_dir(std::string perm = "rwxr-xr-x");
node make_file(std::string content, std::string perm = "rw-r--r--");

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

// A name a directory entry may have: not empty, ".", "..", nor holding '/', NUL, CR or LF.
bool valid_name(const std::string& n);

// Reads [server.model] over the default tree (scenarios/README.md, "FTP"); throws
// ph::scenario_error naming file:line.
model_config parse_model(const ph::scenario& scen);

}  // namespace ph::fakeservers::ftp
