#pragma once
// SHA-256 (FIPS 180-4), to name bytes that a transcript, a report or a verdict does not keep
// in full: whoever holds the original can check that it is the same.

#include <memory>
#include <string>
#include <string_view>

namespace ph {

// An incremental SHA-256: update() in pieces, hex() once at the end.
class sha256 {
 public:
  sha256();
  ~sha256();
  sha256(sha256&&) noexcept;
  sha256& operator=(sha256&&) noexcept;
  sha256(const sha256&) = delete;
  sha256& operator=(const sha256&) = delete;

  void update(std::string_view bytes);
  // The digest of everything given so far, as 64 lower-case hex digits. Ends the hash: a
  // later update() starts a new one.
  [[nodiscard]] std::string hex();

 private:
  struct state;
  std::unique_ptr<state> state_;
};

// The SHA-256 of `bytes` as 64 lower-case hex digits.
std::string sha256_hex(std::string_view bytes);

}  // namespace ph
