#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "clients/codec/ascii.hpp"

namespace ph::clients::http {

/// ASCII case-insensitive equality, as field names compare (RFC 9110 §5.1).
using codec::iequals;

/// An ordered list of header fields with case-insensitive names. Repeated fields are kept in
/// arrival order; get() joins them with ", " (RFC 9110 §5.3).
class headers {
 public:
  using field = std::pair<std::string, std::string>;

  /// Appends a field (a repeat is kept beside the earlier ones).
  void add(std::string name, std::string value);
  /// Replaces every field of that name by one (appended where the first one was, else at the end).
  void set(const std::string& name, std::string value);
  /// Removes every field of that name; returns how many.
  std::size_t erase(std::string_view name);
  /// Appends text to the last field's value (an obs-fold continuation). Requires !empty().
  void extend_last(std::string_view more) { fields_.back().second += more; }
  bool contains(std::string_view name) const;
  /// All values of the field joined with ", ", or nullopt when absent.
  std::optional<std::string> get(std::string_view name) const;
  /// Each value of the field, in order.
  std::vector<std::string> get_all(std::string_view name) const;

  const std::vector<field>& fields() const noexcept { return fields_; }
  bool empty() const noexcept { return fields_.empty(); }
  std::size_t size() const noexcept { return fields_.size(); }

 private:
  std::vector<field> fields_;
};

}  // namespace ph::clients::http
