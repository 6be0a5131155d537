#include "vocabulary/digest.hpp"

#include <openssl/evp.h>

namespace ph {

// OpenSSL rather than a hand-written loop: the fake servers hash what they drop from a
// transcript at the rate a client sends it (SHA-NI makes that several hundred MB/s faster).
struct sha256::state {
  state() : ctx(EVP_MD_CTX_new()) { restart(); }
  ~state() { EVP_MD_CTX_free(ctx); }
  state(const state&) = delete;
  state& operator=(const state&) = delete;
  void restart() { EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr); }
  EVP_MD_CTX* ctx;
};

sha256::sha256() : state_(std::make_unique<state>()) {}
sha256::~sha256() = default;
sha256::sha256(sha256&&) noexcept = default;
sha256& sha256::operator=(sha256&&) noexcept = default;

void sha256::update(std::string_view bytes) {
  if (!state_) state_ = std::make_unique<state>();
  if (!bytes.empty()) EVP_DigestUpdate(state_->ctx, bytes.data(), bytes.size());
}

std::string sha256::hex() {
  if (!state_) state_ = std::make_unique<state>();
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_DigestFinal_ex(state_->ctx, digest, &n);
  state_->restart();
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * n);
  for (unsigned int i = 0; i < n; ++i) {
    out += digits[digest[i] >> 4];
    out += digits[digest[i] & 0xF];
  }
  return out;
}

std::string sha256_hex(std::string_view bytes) {
  sha256 h;
  h.update(bytes);
  return h.hex();
}

}  // namespace ph
