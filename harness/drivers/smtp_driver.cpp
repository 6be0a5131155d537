#include "harness/drivers/smtp_driver.hpp"

#include <map>
#include <set>

#include <fmt/format.h>

#include "clients/smtp/client.hpp"
#include "clients/smtp/errors.hpp"
#include "harness/drivers/common_errors.hpp"
#include "harness/model/base64.hpp"

namespace ph::harness::drivers {

namespace smtp = ph::clients::smtp;
using json = nlohmann::json;

namespace {

// op -> argument names it takes (required ones first, marked with '!').
const std::map<std::string, std::vector<std::string>>& ops() {
  static const std::map<std::string, std::vector<std::string>> table = {
      {"connect", {"tls"}},
      {"ehlo", {"name"}},
      {"helo", {"name"}},
      {"starttls", {}},
      {"login", {"!user", "!password", "mechanism"}},
      {"sendmail", {"!from", "!to", "!message", "mail_options", "rcpt_options"}},
      {"send_message", {"!from", "!to", "cc", "bcc", "subject", "body", "headers"}},
      {"mail", {"!from", "params"}},
      {"rcpt", {"!to", "params"}},
      {"data", {"!message"}},
      {"noop", {}},
      {"rset", {}},
      {"vrfy", {"!address"}},
      {"docmd", {"!command", "args"}},
      {"quit", {}},
      {"close", {}},
  };
  return table;
}

json reply_json(const smtp::reply& r) {
  return {{"code", r.code}, {"text", r.text()}};
}

std::vector<std::string> string_or_list(const json& j) {
  if (j.is_string()) return {j.get<std::string>()};
  std::vector<std::string> out;
  if (j.is_array())
    for (const auto& x : j)
      out.push_back(x.get<std::string>());
  return out;
}

json refused_json(const std::map<std::string, smtp::reply>& refused) {
  json out = json::object();
  for (const auto& [addr, r] : refused)
    out[addr] = r.code;
  return out;
}

class smtp_session final : public client_session {
 public:
  void set_timeout(std::chrono::milliseconds timeout) override { client_.set_timeout(timeout); }

  smtp_session(const scenario& scen, const endpoint& ep)
      : ep_(ep), client_(make_options(scen, ep)) {
    implicit_tls_ = scen.client_options.value("tls", "") == "implicit";
  }

  json perform(const client_step& step) override {
    const json& a = step.args;
    const std::string& op = step.op;
    if (op == "connect") {
      connected_ = true;
      bool tls = a.value("tls", implicit_tls_ ? "implicit" : "") == "implicit";
      return reply_json(tls ? client_.connect_tls(ep_.host, ep_.port)
                            : client_.connect(ep_.host, ep_.port));
    }
    if (!connected_) {  // steps without an explicit connect start with one
      connected_ = true;
      if (implicit_tls_)
        client_.connect_tls(ep_.host, ep_.port);
      else
        client_.connect(ep_.host, ep_.port);
    }
    if (op == "ehlo") {
      json out = reply_json(client_.ehlo(a.value("name", "")));
      json ext = json::object();
      for (const auto& [k, v] : client_.esmtp_features())
        ext[k] = v;
      out["extensions"] = ext;
      return out;
    }
    if (op == "helo") return reply_json(client_.helo(a.value("name", "")));
    if (op == "starttls") return reply_json(client_.starttls());
    if (op == "login") {
      std::optional<std::string> mech;
      if (a.contains("mechanism")) mech = a["mechanism"].get<std::string>();
      return reply_json(client_.login(a["user"], a["password"], mech));
    }
    if (op == "sendmail") {
      auto refused =
          client_.sendmail(a["from"], string_or_list(a["to"]), a["message"].get<std::string>(),
                           string_or_list(a.value("mail_options", json())),
                           string_or_list(a.value("rcpt_options", json())));
      return {{"refused", refused_json(refused)}};
    }
    if (op == "send_message") {
      smtp::message m;
      m.from = a["from"];
      m.to = string_or_list(a["to"]);
      m.cc = string_or_list(a.value("cc", json()));
      m.bcc = string_or_list(a.value("bcc", json()));
      m.subject = a.value("subject", "");
      m.body = a.value("body", "");
      if (a.contains("headers"))
        for (const auto& [k, v] : a["headers"].items())
          m.headers.emplace_back(k, v.get<std::string>());
      return {{"refused", refused_json(client_.send_message(m))}};
    }
    if (op == "mail")
      return reply_json(client_.mail(a["from"], string_or_list(a.value("params", json()))));
    if (op == "rcpt")
      return reply_json(client_.rcpt(a["to"], string_or_list(a.value("params", json()))));
    if (op == "data") return reply_json(client_.data(a["message"].get<std::string>()));
    if (op == "noop") return reply_json(client_.noop());
    if (op == "rset") return reply_json(client_.rset());
    if (op == "vrfy") return reply_json(client_.vrfy(a["address"]));
    if (op == "docmd")
      return reply_json(client_.docmd(a["command"].get<std::string>(), a.value("args", "")));
    if (op == "quit") return reply_json(client_.quit());
    if (op == "close") {
      client_.close();
      return json::object();
    }
    throw std::logic_error("unvalidated op " + op);
  }

 private:
  static smtp::options make_options(const scenario& scen, const endpoint& ep) {
    smtp::options o;
    o.timeout = scen.client_timeout();
    o.local_hostname = scen.client_options.value("local_hostname", "");
    o.tls.ca_pem = ep.ca_pem;
    o.tls.verify = scen.client_options.value("tls_verify", true);
    o.tls.server_name = scen.client_options.value("tls_server_name", "");
    return o;
  }

  endpoint ep_;
  smtp::client client_;
  bool connected_ = false;
  bool implicit_tls_ = false;
};

}  // namespace

void smtp_driver::validate(const scenario& scen) const {
  static const std::set<std::string> option_keys = {"timeout_ms", "local_hostname", "tls",
                                                    "tls_verify", "tls_server_name"};
  for (const auto& [key, _] : scen.client_options.items())
    if (!option_keys.contains(key))
      scen.fail("/client_options/" + key,
                fmt::format(
                    "unknown SMTP client option '{}' (timeout_ms, local_hostname, tls, tls_verify, "
                    "tls_server_name)",
                    key));
  for (const auto& step : scen.client) {
    auto it = ops().find(step.op);
    if (it == ops().end()) {
      std::vector<std::string> names;
      for (const auto& [name, _] : ops())
        names.push_back(name);
      scen.fail(step.pointer + "/op",
                fmt::format("unknown SMTP op '{}' (known: {})", step.op, fmt::join(names, ", ")));
    }
    std::set<std::string> allowed;
    for (const auto& arg : it->second) {
      bool required = arg.front() == '!';
      std::string name = required ? arg.substr(1) : arg;
      allowed.insert(name);
      if (required && !step.args.contains(name))
        scen.fail(step.pointer, fmt::format("op '{}' needs args.{}", step.op, name));
    }
    for (const auto& [key, value] : step.args.items()) {
      if (!allowed.contains(key))
        scen.fail(step.pointer + "/args/" + key,
                  fmt::format("op '{}' takes no argument '{}'", step.op, key));
      bool list_ok = key == "to" || key == "cc" || key == "bcc" || key == "params" ||
                     key == "mail_options" || key == "rcpt_options";
      if (key == "headers") {
        if (!value.is_object())
          scen.fail(step.pointer + "/args/headers", "headers must be a table");
      } else if (!value.is_string() && !(list_ok && value.is_array())) {
        scen.fail(step.pointer + "/args/" + key,
                  fmt::format("argument '{}' must be a string{}", key,
                              list_ok ? " or an array of strings" : ""));
      }
    }
  }
}

std::unique_ptr<client_session> smtp_driver::start(const scenario& scen, const endpoint& ep) const {
  return std::make_unique<smtp_session>(scen, ep);
}

json smtp_driver::describe_error(std::exception_ptr error) const {
  try {
    std::rethrow_exception(error);
  } catch (const smtp::recipients_refused& e) {
    json refused = json::object();
    for (const auto& [addr, r] : e.recipients())
      refused[addr] = r.code;
    return {{"error", "recipients_refused"}, {"refused", refused}, {"message", e.what()}};
  } catch (const smtp::response_error& e) {
    std::string name = "response_error";
    if (dynamic_cast<const smtp::sender_refused*>(&e))
      name = "sender_refused";
    else if (dynamic_cast<const smtp::data_error*>(&e))
      name = "data_error";
    else if (dynamic_cast<const smtp::connect_error*>(&e))
      name = "connect_error";
    else if (dynamic_cast<const smtp::helo_error*>(&e))
      name = "helo_error";
    else if (dynamic_cast<const smtp::auth_error*>(&e))
      name = "auth_error";
    return {{"error", name}, {"code", e.code()}, {"message", e.what()}};
  } catch (const smtp::not_supported& e) {
    return {{"error", "not_supported"}, {"message", e.what()}};
  } catch (const smtp::error& e) {
    return {{"error", "client_error"}, {"message", e.what()}};
  } catch (...) {
    return describe_common_error(std::current_exception());
  }
}

std::vector<std::string> smtp_driver::secrets(const scenario& scen) const {
  std::vector<std::string> out;
  for (const auto& step : scen.client) {
    if (step.op != "login") continue;
    std::string user = step.args.value("user", ""), password = step.args.value("password", "");
    if (password.empty()) continue;
    out.push_back(password);
    out.push_back(base64_encode(password));
    out.push_back(base64_encode(std::string(1, '\0') + user + std::string(1, '\0') + password));
  }
  return out;
}

}  // namespace ph::harness::drivers
