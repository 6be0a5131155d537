// multipart/form-data encoding (RFC 7578, RFC 2046 §5.1): fuzzed fields, files and boundary;
// the body is split again at its delimiters (an independent reading) to check that the parts
// come out whole, in order, and that names and filenames cannot break their header line.

#include <algorithm>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <fuzzer/FuzzedDataProvider.h>

#include "clients/http/multipart.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using namespace ph::clients;
using ph::fuzz::check;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  std::string boundary = in.ConsumeRandomLengthString(80);
  std::vector<std::pair<std::string, std::string>> fields;
  std::vector<std::pair<std::string, http::file_part>> files;
  const int n = in.ConsumeIntegralInRange(0, 6);
  for (int i = 0; i < n && in.remaining_bytes() > 0; ++i) {
    std::string name = in.ConsumeRandomLengthString(32);
    if (in.ConsumeBool()) {
      fields.emplace_back(std::move(name), in.ConsumeRandomLengthString(256));
    } else {
      http::file_part f;
      f.filename = in.ConsumeRandomLengthString(32);
      f.content_type = in.ConsumeRandomLengthString(32);
      f.content = in.ConsumeRandomLengthString(256);
      files.emplace_back(std::move(name), std::move(f));
    }
  }
  http::encoded_body out;
  try {
    out = http::encode_multipart(fields, files, boundary);
  } catch (const std::invalid_argument&) {
    check(std::any_of(files.begin(), files.end(),
                      [](const auto& f) {
                        return f.second.content_type.find_first_of("\r\n") != std::string::npos;
                      }),
          "invalid_argument without CR/LF in a Content-Type");
    return 0;
  }

  const std::string prefix = "multipart/form-data; boundary=";
  check(out.content_type.starts_with(prefix), "Content-Type prefix");
  const std::string b = out.content_type.substr(prefix.size());
  check(!b.empty() && b.size() <= 70, "boundary length (RFC 2046 §5.1.1)");
  if (fields.empty() && files.empty()) {
    check(out.body == "--" + b + "--\r\n", "empty form");
    return 0;
  }
  // Parts: "--b" CRLF, then each part is followed by CRLF "--b" (CRLF, or "--" CRLF at the end).
  check(out.body.starts_with("--" + b + "\r\n"), "first delimiter");
  const std::string delimiter = "\r\n--" + b;
  std::vector<std::string_view> parts;
  std::string_view rest = std::string_view(out.body).substr(b.size() + 4);
  while (true) {
    const auto at = rest.find(delimiter);
    check(at != std::string_view::npos, "a part without its closing delimiter");
    parts.push_back(rest.substr(0, at));
    rest.remove_prefix(at + delimiter.size());
    if (rest == "--\r\n") break;
    check(rest.starts_with("\r\n"), "delimiter not followed by CRLF");
    rest.remove_prefix(2);
  }
  check(parts.size() == fields.size() + files.size(), "part count");
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const std::string_view p = parts[i];
    const auto blank = p.find("\r\n\r\n");
    check(blank != std::string_view::npos, "part without a header section");
    const std::string_view head = p.substr(0, blank);
    const std::string_view content = p.substr(blank + 4);
    const std::string_view disposition = head.substr(0, head.find("\r\n"));
    check(disposition.starts_with("Content-Disposition: form-data; name=\""), "disposition");
    check(disposition.find_first_of("\r\n") == std::string_view::npos, "CR/LF in disposition");
    if (i < fields.size()) {
      check(content == fields[i].second, "field value");
      check(std::count(disposition.begin(), disposition.end(), '"') == 2, "quote in name");
    } else {
      check(content == files[i - fields.size()].second.content, "file content");
      check(std::count(disposition.begin(), disposition.end(), '"') == 4, "quote in filename");
    }
  }
  return 0;
}
