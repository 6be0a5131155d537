#pragma once
// What the drivers' client sessions share: the client options built from a scenario's
// [client_options] and the endpoint, the connect that starts a session whose steps do not begin
// with one, and (line_session) the perform() that runs a step's row of the op table.

#include <chrono>
#include <memory>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "clients/net/line_stream.hpp"
#include "harness/driver.hpp"
#include "vocabulary/scenario.hpp"

namespace ph::harness::drivers {

// Trust the fake server's certificate (ep.ca_pem); tls_verify (default true) and
// tls_server_name (default: the host connected to) from [client_options].
ph::clients::net::tls_options tls_options_of(const scenario& scen, const endpoint& ep);

// A client's options with the deadline (client_options.timeout_ms) and TLS settings set, for
// clients whose options hold `timeout` and `tls`.
template <class Options>
Options client_options_of(const scenario& scen, const endpoint& ep) {
  Options o;
  o.timeout = scen.client_timeout();
  o.tls = tls_options_of(scen, ep);
  return o;
}

// A JSON object of a map's entries (capabilities, features, ...).
template <class Map>
nlohmann::json json_object(const Map& map) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [key, value] : map)
    out[key] = value;
  return out;
}

// The op "connect" and the implicit connect before a session's first step when it is not a
// connect. TLS from the first byte when the step's args.tls, else [client_options] tls, is
// "implicit" and the client has connect_tls() (FTP's options carry its TLS mode instead).
class first_connect {
 public:
  first_connect(const scenario& scen, const endpoint& ep)
      : ep_(ep), implicit_tls_(scen.client_options.value("tls", "") == "implicit") {}

  // The op "connect": returns the server's greeting.
  template <class Client>
  auto connect(Client& client, const nlohmann::json& args) {
    connected_ = true;
    if constexpr (has_connect_tls<Client>) {
      if (args.value("tls", implicit_tls_ ? "implicit" : "") == "implicit")
        return client.connect_tls(ep_.host, ep_.port);
    }
    return client.connect(ep_.host, ep_.port);
  }

  // Before any step: connects unless connected or `op` is the connect itself.
  template <class Client>
  void before(Client& client, const std::string& op) {
    if (connected_ || op == "connect") return;
    (void)connect(client, nlohmann::json::object());
  }

 private:
  template <class Client>
  static constexpr bool has_connect_tls = requires(Client& c, const std::string& host) {
    c.connect_tls(host, 0);
  };

  endpoint ep_;
  bool implicit_tls_;
  bool connected_ = false;
};

// A client session whose steps are the rows of `Session::ops()` (an op_table<Session>), run on
// a `Client` that first_connect connects: what SMTP, POP3, NNTP and FTP sessions share.
template <class Session, class Client>
class line_session : public client_session {
 public:
  void set_timeout(std::chrono::milliseconds timeout) override { client_.set_timeout(timeout); }

  nlohmann::json perform(const client_step& step) override {
    connect_.before(client_, step.op);
    return Session::ops().perform(static_cast<Session&>(*this), step);
  }

  // The op "close": drops the connection without QUIT; outcome {}.
  static nlohmann::json close(Session& session, const nlohmann::json&) {
    session.client_.close();
    return nlohmann::json::object();
  }

 protected:
  template <class Options>
  line_session(const scenario& scen, const endpoint& ep, Options options)
      : connect_(scen, ep), client_(std::move(options)) {}

  first_connect connect_;
  Client client_;
};

// A driver's start(): a new `Session` on `ep`.
template <class Session>
std::unique_ptr<client_session> start_session(const scenario& scen, const endpoint& ep) {
  return std::make_unique<Session>(scen, ep);
}

}  // namespace ph::harness::drivers
