#pragma once
// Opening a listening socket, and naming a socket's end in a transcript, the way every server
// of the engine does (fake servers, relays) and the protocols' own connections beside them.

#include <cstdint>
#include <string>

#include <boost/asio/ip/tcp.hpp>

namespace ph::fakeservers {

// Opens `acceptor` on bind:port (0: ephemeral), address reuse on, and listens. Throws
// std::system_error when the address cannot be bound.
inline void open_listening(boost::asio::ip::tcp::acceptor& acceptor, const std::string& bind,
                           std::uint16_t port) {
  const boost::asio::ip::tcp::endpoint ep(boost::asio::ip::make_address(bind), port);
  acceptor.open(ep.protocol());
  acceptor.set_option(boost::asio::ip::tcp::acceptor::reuse_address(true));
  acceptor.bind(ep);
  acceptor.listen();
}

// "127.0.0.1:21" or "[::1]:21", as transcript channels name their ends.
inline std::string endpoint_text(const boost::asio::ip::tcp::endpoint& e) {
  const std::string address = e.address().to_string();
  return (e.address().is_v6() ? "[" + address + "]" : address) + ":" + std::to_string(e.port());
}

}  // namespace ph::fakeservers
