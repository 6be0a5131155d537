#include "clients/http/headers.hpp"

#include <algorithm>

namespace ph::clients::http {

void headers::add(std::string name, std::string value) {
  fields_.emplace_back(std::move(name), std::move(value));
}

void headers::set(const std::string& name, std::string value) {
  auto first = std::find_if(fields_.begin(), fields_.end(),
                            [&](const field& f) { return iequals(f.first, name); });
  if (first == fields_.end()) {
    fields_.emplace_back(name, std::move(value));
    return;
  }
  first->first = name;
  first->second = std::move(value);
  fields_.erase(std::remove_if(std::next(first), fields_.end(),
                               [&](const field& f) { return iequals(f.first, name); }),
                fields_.end());
}

std::size_t headers::erase(std::string_view name) {
  const auto before = fields_.size();
  fields_.erase(std::remove_if(fields_.begin(), fields_.end(),
                               [&](const field& f) { return iequals(f.first, name); }),
                fields_.end());
  return before - fields_.size();
}

bool headers::contains(std::string_view name) const {
  return std::any_of(fields_.begin(), fields_.end(),
                     [&](const field& f) { return iequals(f.first, name); });
}

std::optional<std::string> headers::get(std::string_view name) const {
  std::optional<std::string> out;
  for (const auto& [n, v] : fields_) {
    if (!iequals(n, name)) continue;
    if (out)
      *out += ", " + v;
    else
      out = v;
  }
  return out;
}

std::vector<std::string> headers::get_all(std::string_view name) const {
  std::vector<std::string> out;
  for (const auto& [n, v] : fields_)
    if (iequals(n, name)) out.push_back(v);
  return out;
}

}  // namespace ph::clients::http
