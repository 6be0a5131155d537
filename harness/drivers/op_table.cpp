#include "harness/drivers/op_table.hpp"

#include <fmt/format.h>

namespace ph::harness::drivers {

using json = nlohmann::json;

namespace {

bool holds(const json& value, arg_kind kind) {
  switch (kind) {
    case arg_kind::string:
      return value.is_string();
    case arg_kind::count:
      return value.is_number_unsigned() ||
             (value.is_number_integer() && value.get<long long>() >= 0);
    case arg_kind::integer:
      return value.is_number_integer();
    case arg_kind::boolean:
      return value.is_boolean();
    case arg_kind::table:
      return value.is_object();
    case arg_kind::string_or_array:
      return value.is_string() || value.is_array();
    case arg_kind::string_or_integer:
      return value.is_string() || value.is_number_integer();
    case arg_kind::string_or_table:
      return value.is_string() || value.is_object();
    case arg_kind::string_pair:
      return value.is_array() && value.size() == 2 && value[0].is_string() && value[1].is_string();
    case arg_kind::any:
      return true;
  }
  return false;
}

std::string_view what(arg_kind kind, wording words) {
  switch (kind) {
    case arg_kind::string:
      return "a string";
    case arg_kind::count:
      return "a non-negative integer";
    case arg_kind::integer:
      return "an integer";
    case arg_kind::boolean:
      return words == wording::quoted ? "true or false" : "a boolean";
    case arg_kind::table:
      return "a table";
    case arg_kind::string_or_array:
      return "a string or an array of strings";
    case arg_kind::string_or_integer:
      return "a string or an integer";
    case arg_kind::string_or_table:
      return "a string or a table";
    case arg_kind::string_pair:
      return "an array of two strings";
    case arg_kind::any:
      break;
  }
  return "anything";
}

std::string mistyped(const std::string& name, arg_kind kind, wording words) {
  switch (words) {
    case wording::argument:
      if (kind == arg_kind::table) return fmt::format("{} must be a table", name);
      return fmt::format("argument '{}' must be {}", name, what(kind, words));
    case wording::quoted:
      return fmt::format("'{}' must be {}", name, what(kind, words));
    case wording::bare:
      return fmt::format("{} must be {}", name, what(kind, words));
    case wording::terse:
      break;
  }
  return fmt::format("argument '{}' has the wrong type", name);
}

const arg_spec* find_arg(const std::vector<arg_spec>& specs, const std::string& name) {
  for (const auto& s : specs)
    if (s.name == name) return &s;
  return nullptr;
}

// Fails at `pointer` unless `value` is of `kind`, worded as the protocol words it.
void check_kind(const scenario& scen, const std::string& pointer, const std::string& name,
                const json& value, arg_kind kind, wording words) {
  if (!holds(value, kind)) scen.fail(pointer, mistyped(name, kind, words));
}

}  // namespace

void check_client_options(const scenario& scen, std::string_view protocol, wording words,
                          const std::vector<arg_spec>& options) {
  for (const auto& [key, value] : scen.client_options.items()) {
    const std::string pointer = "/client_options/" + key;
    const arg_spec* spec = find_arg(options, key);
    if (spec == nullptr) {
      std::vector<std::string> names;
      for (const auto& o : options)
        names.push_back(o.name);
      scen.fail(pointer, fmt::format("unknown {} client option '{}' ({})", protocol, key,
                                     fmt::join(names, ", ")));
    }
    check_kind(scen, pointer, key, value, spec->kind, words);
    if (spec->check != nullptr) spec->check(scen, pointer, value);
  }
}

op_catalogue::op_catalogue(std::string protocol, wording words, std::vector<op_spec> ops)
    : protocol_(std::move(protocol)), words_(words), ops_(std::move(ops)) {}

const op_spec* op_catalogue::find(std::string_view op) const {
  for (const auto& spec : ops_)
    if (spec.name == op) return &spec;
  return nullptr;
}

void op_catalogue::check(const scenario& scen) const {
  for (const auto& step : scen.client) {
    const json& args = step.args;
    if (!args.is_object()) scen.fail(step.pointer + "/args", "args must be a table");
    const op_spec* spec = find(step.op);
    if (spec == nullptr) {
      std::vector<std::string> names;
      for (const auto& s : ops_)
        names.push_back(s.name);
      scen.fail(step.pointer + "/op", fmt::format("unknown {} op '{}' (known: {})", protocol_,
                                                  step.op, fmt::join(names, ", ")));
    }
    if (words_ == wording::terse && spec->args.empty() && !args.empty())
      scen.fail(step.pointer + "/args", fmt::format("op '{}' takes no arguments", step.op));
    for (const auto& arg : spec->args)
      if (arg.required && !args.contains(arg.name))
        scen.fail(step.pointer, fmt::format("op '{}' needs args.{}", step.op, arg.name));
    for (const auto& [a, b] : spec->exclusive)
      if (args.contains(a) && args.contains(b))
        scen.fail(step.pointer, fmt::format("op '{}' takes {} or {}, not both", step.op, a, b));
    for (const auto& [key, value] : args.items()) {
      const std::string pointer = step.pointer + "/args/" + key;
      const arg_spec* arg = find_arg(spec->args, key);
      if (arg == nullptr)
        scen.fail(pointer, fmt::format("op '{}' takes no argument '{}'", step.op, key));
      check_kind(scen, pointer, key, value, arg->kind, words_);
      if (arg->check != nullptr) arg->check(scen, pointer, value);
    }
    if (spec->check != nullptr) spec->check(scen, step);
  }
}

}  // namespace ph::harness::drivers
