#include <map>
#include <mutex>

#include <boost/asio/ssl/context.hpp>

#include "fakeservers/engine/session.hpp"

namespace ph::fakeservers {

namespace pki {
// Generated at build time from fakeservers/certs/*.pem (see fakeservers/CMakeLists.txt).
extern const char* const ca_pem;
extern const char* const server_pem;
extern const char* const server_key_pem;
extern const char* const wrong_name_pem;
extern const char* const wrong_name_key_pem;
}  // namespace pki

const char* test_ca_pem() {
  return pki::ca_pem;
}

asio::ssl::context& tls_context(const std::string& certificate) {
  static std::mutex mutex;
  static std::map<std::string, std::unique_ptr<asio::ssl::context>> contexts;
  std::lock_guard lock(mutex);
  auto& slot = contexts[certificate];
  if (!slot) {
    const bool wrong = certificate == "wrong-name";
    slot = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
    slot->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                      asio::ssl::context::no_sslv3);
    std::string cert = std::string(wrong ? pki::wrong_name_pem : pki::server_pem) + pki::ca_pem;
    slot->use_certificate_chain(asio::buffer(cert));
    slot->use_private_key(
        asio::buffer(std::string(wrong ? pki::wrong_name_key_pem : pki::server_key_pem)),
        asio::ssl::context::pem);
  }
  return *slot;
}

}  // namespace ph::fakeservers
