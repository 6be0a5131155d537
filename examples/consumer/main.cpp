// A program outside the protoharness tree, built against an installed protoharness through
// find_package (tests/package/package_test.py builds it): one message with the SMTP client.
// Usage: send_hello HOST PORT

#include <chrono>
#include <cstdint>
#include <exception>
#include <iostream>
#include <string>

#include "clients/smtp/client.hpp"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: send_hello HOST PORT\n";
    return 2;
  }
  try {
    ph::clients::smtp::client smtp({.timeout = std::chrono::seconds(10)});
    smtp.connect(argv[1], static_cast<std::uint16_t>(std::stoi(argv[2])));
    // The header fields RFC 5322 §3.6 requires (and Message-ID, which it recommends).
    auto refused = smtp.sendmail("a@client.example.org", {"b@fake.test"},
                                 "From: a@client.example.org\r\n"
                                 "To: b@fake.test\r\n"
                                 "Date: Mon, 7 Dec 2026 10:00:00 +0000\r\n"
                                 "Message-ID: <hello.1@client.example.org>\r\n"
                                 "Subject: hello\r\n"
                                 "\r\n"
                                 "hello from an installed protoharness\r\n");
    smtp.quit();
    std::cout << "sent, " << refused.size() << " recipient(s) refused\n";
    return refused.empty() ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "send_hello: " << e.what() << "\n";
    return 1;
  }
}
