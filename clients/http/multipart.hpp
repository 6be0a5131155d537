#pragma once

#include <string>
#include <utility>
#include <vector>

namespace ph::clients::http {

/// One uploaded file of a multipart/form-data body.
struct file_part {
  std::string filename;
  std::string content;
  /// Empty: application/octet-stream.
  std::string content_type;
};

/// A request body and the Content-Type that describes it.
struct encoded_body {
  std::string content_type;
  std::string body;
};

/// Encodes form fields then files as multipart/form-data (RFC 7578): one part per field, in order,
/// each with Content-Disposition: form-data; name="..." (and filename="..." for files, plus the
/// file's Content-Type). Quotes, CR and LF in names and filenames are percent-encoded (RFC 7578
/// §4.2, as browsers do). The boundary (RFC 2046 §5.1.1: at most 70 characters) is `boundary` when
/// given and else random; either way it is replaced until it occurs in no part. A given boundary
/// holding a character other than ALPHA, DIGIT and "'+_-." (the bchars a Content-Type parameter
/// takes unquoted) is replaced too.
/// A file's content_type is written as given; one holding CR or LF (which would end the part's
/// header section early) throws std::invalid_argument.
encoded_body encode_multipart(const std::vector<std::pair<std::string, std::string>>& fields,
                              const std::vector<std::pair<std::string, file_part>>& files,
                              std::string boundary = {});

}  // namespace ph::clients::http
