#include "clients/pop3/errors.hpp"

#include <utility>

namespace ph::clients::pop3 {
namespace {

std::string describe(const std::string& context, const pop3::response& r) {
  std::string out = context.empty() ? std::string() : context + ": ";
  out += r.ok ? "+OK" : "-ERR";
  if (!r.text.empty()) out += " " + r.text;
  return out;
}

}  // namespace

response_error::response_error(const std::string& context, pop3::response r)
    : error(describe(context, r)), response_(std::move(r)) {}

}  // namespace ph::clients::pop3
