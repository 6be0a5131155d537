#include "fakeservers/smtp/smtp_config.hpp"

#include <fmt/format.h>

#include "fakeservers/model/command_table.hpp"
#include "fakeservers/model/model_config.hpp"

namespace ph::fakeservers::smtp {

model_config parse_model(const ph::scenario& scen) {
  model_config m;
  const json model = model_table(scen);
  for (const auto& [key, v] : model.items()) {
    std::string at = "/server/model/" + key;
    if (key == "hostname" || key == "greeting") {
      if (!v.is_string()) scen.fail(at, key + " must be a string");
      (key == "hostname" ? m.hostname : m.greeting) = v;
    } else if (key == "extensions") {
      m.extensions = string_array(scen, v, at);
    } else if (key == "accept") {
      m.accept = string_array(scen, v, at);
    } else if (key == "reject") {
      m.reject = string_array(scen, v, at);
    } else if (key == "reject_senders") {
      m.reject_senders = string_array(scen, v, at);
    } else if (key == "users") {
      if (!v.is_object()) scen.fail(at, "users must be a table of name = \"password\"");
      m.users.clear();
      for (const auto& [name, pw] : v.items()) {
        if (!pw.is_string()) scen.fail(at + "/" + name, "a password must be a string");
        m.users[name] = pw;
      }
    } else if (key == "auth_required") {
      if (!v.is_boolean()) scen.fail(at, "auth_required must be true or false");
      m.auth_required = v;
    } else if (key == "max_recipients") {
      if (!v.is_number_integer()) scen.fail(at, "max_recipients must be an integer");
      m.max_recipients = v;
    } else {
      scen.fail(at,
                fmt::format("unknown SMTP model key '{}' (hostname, greeting, extensions, users, "
                            "auth_required, accept, reject, reject_senders, max_recipients)",
                            key));
    }
  }
  if (m.greeting.empty()) m.greeting = "220 " + m.hostname + " ESMTP protoharness";
  for (const auto& ext : m.extensions) {
    if (upper(ext.substr(0, 5)) == "SIZE ") m.size_limit = std::stoull("0" + ext.substr(5));
  }
  return m;
}

}  // namespace ph::fakeservers::smtp
