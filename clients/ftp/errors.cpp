#include "clients/ftp/errors.hpp"

#include <utility>

namespace ph::clients::ftp {
namespace {

std::string describe(const std::string& context, const ftp::reply& r) {
  std::string out = context.empty() ? std::string{} : context + ": ";
  out += std::to_string(r.code);
  const std::string text = r.text();
  if (!text.empty()) out += " " + text;
  return out;
}

}  // namespace

reply_error::reply_error(const std::string& context, ftp::reply r)
    : error(describe(context, r)), reply_(std::move(r)) {}

}  // namespace ph::clients::ftp
