// http_proxy: a small HTTP/1.1 server that forwards every request it receives to another
// server, built on ph::clients::http (the seeds' "forwarding server", in C++).
//
//   http_proxy LISTEN_PORT UPSTREAM_BASE_URL [--count N]
//
// Listens on 127.0.0.1:LISTEN_PORT (0: any free port; the first line printed is
// "listening on 127.0.0.1:PORT"), forwards METHOD TARGET with its headers and body to
// UPSTREAM_BASE_URL + TARGET, and answers with the upstream's status, headers and body.
// One request per connection (Connection: close), one thread per connection. With --count
// it exits after N connections. Exit codes: 0 done, 2 usage.

#include <cstdlib>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>

#include "clients/http/session.hpp"

namespace asio = boost::asio;
using asio::ip::tcp;
namespace http = ph::clients::http;

namespace {

// RFC 9110 §7.6.1: connection-specific fields are not forwarded.
bool hop_by_hop(std::string name) {
  for (auto& c : name)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const char* h :
       {"connection", "keep-alive", "proxy-connection", "proxy-authenticate", "proxy-authorization",
        "te", "trailer", "transfer-encoding", "upgrade", "host", "content-length"})
    if (name == h) return true;
  return false;
}

std::string reply(int status, const std::string& reason, const http::headers& fields,
                  const std::string& body) {
  std::string out = "HTTP/1.1 " + std::to_string(status) + " " + reason + "\r\n";
  for (const auto& [name, value] : fields.fields())
    if (!hop_by_hop(name)) out += name + ": " + value + "\r\n";
  out += "Content-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
  return out;
}

void serve(tcp::socket sock, const std::string& upstream) {
  try {
    asio::streambuf buf;
    asio::read_until(sock, buf, "\r\n\r\n");
    std::string all(asio::buffers_begin(buf.data()), asio::buffers_end(buf.data()));
    const auto head_end = all.find("\r\n\r\n");
    std::string head = all.substr(0, head_end);
    std::string body = all.substr(head_end + 4);

    // Request line: METHOD SP TARGET SP VERSION.
    const auto line_end = head.find("\r\n");
    const std::string request_line = head.substr(0, line_end);
    const auto sp1 = request_line.find(' ');
    const auto sp2 = request_line.rfind(' ');
    if (sp1 == std::string::npos || sp2 == sp1) {
      std::string out = reply(400, "Bad Request", {}, "malformed request line\n");
      asio::write(sock, asio::buffer(out));
      return;
    }
    const std::string method = request_line.substr(0, sp1);
    const std::string target = request_line.substr(sp1 + 1, sp2 - sp1 - 1);

    http::request_options opts;
    opts.allow_redirects = false;  // the client behind the proxy decides
    std::size_t content_length = 0;
    std::size_t pos = line_end == std::string::npos ? head.size() : line_end + 2;
    while (pos < head.size()) {
      auto end = head.find("\r\n", pos);
      if (end == std::string::npos) end = head.size();
      const std::string field = head.substr(pos, end - pos);
      pos = end + 2;
      const auto colon = field.find(':');
      if (colon == std::string::npos) continue;
      std::string name = field.substr(0, colon);
      std::string value =
          field.substr(field.find_first_not_of(" \t", colon + 1) == std::string::npos
                           ? field.size()
                           : field.find_first_not_of(" \t", colon + 1));
      std::string lower = name;
      for (auto& c : lower)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (lower == "content-length") content_length = std::strtoull(value.c_str(), nullptr, 10);
      if (lower == "transfer-encoding") {
        std::string out = reply(411, "Length Required", {}, "chunked requests are not forwarded\n");
        asio::write(sock, asio::buffer(out));
        return;
      }
      if (!hop_by_hop(name)) opts.headers.add(name, value);
    }
    if (body.size() < content_length) {
      std::string more(content_length - body.size(), '\0');
      asio::read(sock, asio::buffer(more));
      body += more;
    }
    if (content_length > 0 || method == "POST" || method == "PUT" || method == "PATCH")
      opts.data = body;

    http::session upstream_session;
    std::string out;
    try {
      http::response r = upstream_session.request(method, upstream + target, opts);
      out = reply(r.status, r.reason, r.headers, method == "HEAD" ? std::string() : r.content);
    } catch (const std::exception& e) {
      out = reply(502, "Bad Gateway", {}, std::string("upstream failed: ") + e.what() + "\n");
    }
    asio::write(sock, asio::buffer(out));
    boost::system::error_code ignored;
    sock.shutdown(tcp::socket::shutdown_send, ignored);
  } catch (const std::exception& e) {
    std::cerr << "http_proxy: " << e.what() << "\n";
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3 && !(argc == 5 && std::string(argv[3]) == "--count")) {
    std::cerr << "usage: http_proxy LISTEN_PORT UPSTREAM_BASE_URL [--count N]\n";
    return 2;
  }
  const int port = std::atoi(argv[1]);
  std::string upstream = argv[2];
  while (!upstream.empty() && upstream.back() == '/')
    upstream.pop_back();
  const long count = argc == 5 ? std::atol(argv[4]) : -1;
  asio::io_context io;
  tcp::acceptor acceptor(
      io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)));
  std::cout << "listening on 127.0.0.1:" << acceptor.local_endpoint().port() << std::endl;
  std::vector<std::thread> workers;
  for (long served = 0; count < 0 || served < count; ++served) {
    tcp::socket sock(io);
    acceptor.accept(sock);
    workers.emplace_back(serve, std::move(sock), upstream);
  }
  for (auto& w : workers)
    w.join();
  return 0;
}
