#include "clients/http/multipart.hpp"

#include <cctype>
#include <random>
#include <stdexcept>
#include <string_view>

namespace ph::clients::http {

namespace {

std::string random_boundary() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 32; ++i)
    out += hex[rng() & 15];
  return out;
}

std::string quote_param(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '"')
      out += "%22";
    else if (c == '\r')
      out += "%0D";
    else if (c == '\n')
      out += "%0A";
    else
      out += c;
  }
  return out;
}

}  // namespace

encoded_body encode_multipart(const std::vector<std::pair<std::string, std::string>>& fields,
                              const std::vector<std::pair<std::string, file_part>>& files,
                              std::string boundary) {
  std::vector<std::string> parts;
  for (const auto& [name, value] : fields)
    parts.push_back("Content-Disposition: form-data; name=\"" + quote_param(name) + "\"\r\n\r\n" +
                    value);
  for (const auto& [name, file] : files) {
    // The type is written as is: a CR or LF in it would end the part's header early.
    if (file.content_type.find_first_of("\r\n") != std::string::npos)
      throw std::invalid_argument("multipart: CR or LF in the Content-Type of file field \"" +
                                  quote_param(name) + "\"");
    parts.push_back("Content-Disposition: form-data; name=\"" + quote_param(name) +
                    "\"; filename=\"" + quote_param(file.filename) + "\"\r\nContent-Type: " +
                    (file.content_type.empty() ? "application/octet-stream" : file.content_type) +
                    "\r\n\r\n" + file.content);
  }
  auto collides = [&](const std::string& b) {
    if (b.empty() || b.size() > 70) return true;
    // RFC 2046 §5.1.1 bchars, kept to those a Content-Type parameter takes unquoted (a CR or LF
    // would end the Content-Type field and every delimiter line early).
    for (char c : b)
      if (!std::isalnum(static_cast<unsigned char>(c)) &&
          std::string_view("'+_-.").find(c) == std::string_view::npos)
        return true;
    for (const auto& p : parts)
      if (p.find(b) != std::string::npos) return true;
    return false;
  };
  while (collides(boundary))
    boundary = random_boundary();
  encoded_body out;
  out.content_type = "multipart/form-data; boundary=" + boundary;
  for (const auto& p : parts)
    out.body += "--" + boundary + "\r\n" + p + "\r\n";
  out.body += "--" + boundary + "--\r\n";
  return out;
}

}  // namespace ph::clients::http
