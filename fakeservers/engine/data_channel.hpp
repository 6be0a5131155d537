#pragma once
// A session's FTP data connection (internal to the engine: session.cpp, data_channel.cpp).

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>

#include "fakeservers/engine/session.hpp"

namespace ph::fakeservers {

struct session::data_channel {
  data_channel(asio::any_io_executor ex, asio::ssl::context& tls) : stream(ex, tls) {}
  asio::ssl::stream<asio::ip::tcp::socket> stream;
  int index = 0;  // transcript channel
  bool tls = false;
  bool eof = false;
  bool open = true;
};

}  // namespace ph::fakeservers
