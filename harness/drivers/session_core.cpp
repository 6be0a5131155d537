#include "harness/drivers/session_core.hpp"

namespace ph::harness::drivers {

ph::clients::net::tls_options tls_options_of(const scenario& scen, const endpoint& ep) {
  ph::clients::net::tls_options tls;
  tls.ca_pem = ep.ca_pem;
  tls.verify = scen.client_options.value("tls_verify", true);
  tls.server_name = scen.client_options.value("tls_server_name", "");
  return tls;
}

}  // namespace ph::harness::drivers
