#include "clients/smtp/errors.hpp"

#include <utility>

#include <fmt/format.h>

namespace ph::clients::smtp {
namespace {

std::string describe(const std::string& context, const smtp::reply& r) {
  std::string text = r.text();
  for (auto& c : text)
    if (c == '\n') c = ' ';
  return context.empty() ? fmt::format("{} {}", r.code, text)
                         : fmt::format("{}: {} {}", context, r.code, text);
}

std::string describe(const std::map<std::string, smtp::reply>& refused) {
  std::string out = "all recipients refused:";
  for (const auto& [rcpt, r] : refused)
    out += fmt::format(" <{}> {};", rcpt, r.code);
  if (!refused.empty()) out.pop_back();
  return out;
}

}  // namespace

response_error::response_error(const std::string& context, smtp::reply r)
    : error(describe(context, r)), reply_(std::move(r)), text_(reply_.text()) {}

sender_refused::sender_refused(std::string sender, smtp::reply r)
    : response_error(fmt::format("sender <{}> refused", sender), std::move(r)),
      sender_(std::move(sender)) {}

recipients_refused::recipients_refused(std::map<std::string, smtp::reply> refused)
    : error(describe(refused)), refused_(std::move(refused)) {}

}  // namespace ph::clients::smtp
