#include "clients/nntp/errors.hpp"

#include <utility>

#include <fmt/format.h>

namespace ph::clients::nntp {

response_error::response_error(const std::string& context, int code, std::string text)
    : error(context.empty() ? fmt::format("{} {}", code, text)
                            : fmt::format("{}: {} {}", context, code, text)),
      code_(code),
      text_(std::move(text)) {}

}  // namespace ph::clients::nntp
