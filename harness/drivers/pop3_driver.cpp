#include "harness/drivers/pop3_driver.hpp"

#include <algorithm>
#include <cstdint>
#include <map>
#include <set>

#include <fmt/format.h>

#include "clients/pop3/client.hpp"
#include "clients/pop3/errors.hpp"
#include "harness/drivers/common_errors.hpp"
#include "harness/model/base64.hpp"

namespace ph::harness::drivers {

namespace pop3 = ph::clients::pop3;
using json = nlohmann::json;

namespace {

enum class arg_kind { string, number };

struct arg_spec {
  std::string name;
  bool required = false;
  arg_kind kind = arg_kind::string;
};

// op -> the arguments it takes.
const std::map<std::string, std::vector<arg_spec>>& ops() {
  using k = arg_kind;
  static const std::map<std::string, std::vector<arg_spec>> table = {
      {"connect", {{"tls", false, k::string}}},
      {"capa", {}},
      {"user", {{"name", true, k::string}}},
      {"pass", {{"password", true, k::string}}},
      {"apop", {{"user", true, k::string}, {"password", true, k::string}}},
      {"auth",
       {{"mechanism", false, k::string}, {"user", true, k::string}, {"password", true, k::string}}},
      {"stls", {}},
      {"stat", {}},
      {"list", {{"which", false, k::number}}},
      {"retr", {{"which", true, k::number}}},
      {"top", {{"which", true, k::number}, {"lines", true, k::number}}},
      {"dele", {{"which", true, k::number}}},
      {"rset", {}},
      {"noop", {}},
      {"uidl", {{"which", false, k::number}}},
      {"quit", {}},
      {"close", {}},
  };
  return table;
}

json status_json(const pop3::response& r) {
  return {{"ok", r.ok}, {"text", r.text}};
}

json body_json(const pop3::multiline& m) {
  return {{"octets", m.octets}, {"lines", m.lines}, {"text", m.data()}};
}

std::uint64_t number_arg(const json& a, const char* name) {
  return a[name].get<std::uint64_t>();
}

class pop3_session final : public client_session {
 public:
  void set_timeout(std::chrono::milliseconds timeout) override { client_.set_timeout(timeout); }

  pop3_session(const scenario& scen, const endpoint& ep)
      : ep_(ep), client_(make_options(scen, ep)) {
    implicit_tls_ = scen.client_options.value("tls", "") == "implicit";
  }

  json perform(const client_step& step) override {
    const json& a = step.args;
    const std::string& op = step.op;
    if (op == "connect") {
      connected_ = true;
      const bool tls = a.value("tls", implicit_tls_ ? "implicit" : "") == "implicit";
      return status_json(tls ? client_.connect_tls(ep_.host, ep_.port)
                             : client_.connect(ep_.host, ep_.port));
    }
    if (!connected_) {  // steps without an explicit connect start with one
      connected_ = true;
      if (implicit_tls_)
        client_.connect_tls(ep_.host, ep_.port);
      else
        client_.connect(ep_.host, ep_.port);
    }
    if (op == "capa") {
      json caps = json::object();
      for (const auto& [k, v] : client_.capa())
        caps[k] = v;
      return {{"capabilities", caps}};
    }
    if (op == "user") return status_json(client_.user(a["name"]));
    if (op == "pass") return status_json(client_.pass(a["password"]));
    if (op == "apop") return status_json(client_.apop(a["user"], a["password"]));
    if (op == "auth")
      return status_json(client_.auth(a.value("mechanism", "PLAIN"), a["user"], a["password"]));
    if (op == "stls") return status_json(client_.stls());
    if (op == "stat") {
      const auto s = client_.stat();
      return {{"count", s.count}, {"size", s.size}};
    }
    if (op == "list") {
      if (a.contains("which")) {
        const auto l = client_.list(number_arg(a, "which"));
        return {{"number", l.number}, {"size", l.size}};
      }
      json messages = json::object();
      for (const auto& [n, size] : client_.list())
        messages[std::to_string(n)] = size;
      return {{"messages", messages}};
    }
    if (op == "retr") return body_json(client_.retr(number_arg(a, "which")));
    if (op == "top") return body_json(client_.top(number_arg(a, "which"), number_arg(a, "lines")));
    if (op == "dele") return status_json(client_.dele(number_arg(a, "which")));
    if (op == "rset") return status_json(client_.rset());
    if (op == "noop") return status_json(client_.noop());
    if (op == "uidl") {
      if (a.contains("which")) {
        const auto u = client_.uidl(number_arg(a, "which"));
        return {{"number", u.number}, {"uid", u.uid}};
      }
      json uids = json::object();
      for (const auto& [n, uid] : client_.uidl())
        uids[std::to_string(n)] = uid;
      return {{"uids", uids}};
    }
    if (op == "quit") return status_json(client_.quit());
    if (op == "close") {
      client_.close();
      return json::object();
    }
    throw std::logic_error("unvalidated op " + op);
  }

 private:
  static pop3::options make_options(const scenario& scen, const endpoint& ep) {
    pop3::options o;
    o.timeout = scen.client_timeout();
    o.tls.ca_pem = ep.ca_pem;
    o.tls.verify = scen.client_options.value("tls_verify", true);
    o.tls.server_name = scen.client_options.value("tls_server_name", "");
    return o;
  }

  endpoint ep_;
  pop3::client client_;
  bool connected_ = false;
  bool implicit_tls_ = false;
};

}  // namespace

void pop3_driver::validate(const scenario& scen) const {
  static const std::set<std::string> option_keys = {"timeout_ms", "tls", "tls_verify",
                                                    "tls_server_name"};
  for (const auto& [key, _] : scen.client_options.items())
    if (!option_keys.contains(key))
      scen.fail("/client_options/" + key,
                fmt::format("unknown POP3 client option '{}' (timeout_ms, tls, tls_verify, "
                            "tls_server_name)",
                            key));
  for (const auto& step : scen.client) {
    auto it = ops().find(step.op);
    if (it == ops().end()) {
      std::vector<std::string> names;
      for (const auto& [name, _] : ops())
        names.push_back(name);
      scen.fail(step.pointer + "/op",
                fmt::format("unknown POP3 op '{}' (known: {})", step.op, fmt::join(names, ", ")));
    }
    if (!step.args.is_object()) scen.fail(step.pointer + "/args", "args must be a table");
    for (const auto& spec : it->second)
      if (spec.required && !step.args.contains(spec.name))
        scen.fail(step.pointer, fmt::format("op '{}' needs args.{}", step.op, spec.name));
    for (const auto& [key, value] : step.args.items()) {
      const auto spec = std::find_if(it->second.begin(), it->second.end(),
                                     [&name = key](const arg_spec& s) { return s.name == name; });
      if (spec == it->second.end())
        scen.fail(step.pointer + "/args/" + key,
                  fmt::format("op '{}' takes no argument '{}'", step.op, key));
      if (spec->kind == arg_kind::number) {
        if (!value.is_number_unsigned() &&
            !(value.is_number_integer() && value.get<long long>() >= 0))
          scen.fail(step.pointer + "/args/" + key,
                    fmt::format("argument '{}' must be a non-negative integer", key));
      } else if (!value.is_string()) {
        scen.fail(step.pointer + "/args/" + key,
                  fmt::format("argument '{}' must be a string", key));
      }
    }
    if (step.op == "connect" && step.args.contains("tls") && step.args["tls"] != "implicit")
      scen.fail(step.pointer + "/args/tls", "tls must be \"implicit\"");
  }
  if (scen.client_options.contains("tls") && scen.client_options["tls"] != "implicit")
    scen.fail("/client_options/tls", "tls must be \"implicit\"");
}

std::unique_ptr<client_session> pop3_driver::start(const scenario& scen, const endpoint& ep) const {
  return std::make_unique<pop3_session>(scen, ep);
}

json pop3_driver::describe_error(std::exception_ptr error) const {
  try {
    std::rethrow_exception(error);
  } catch (const pop3::response_error& e) {
    json out = {{"error", "response_error"}, {"text", e.text()}, {"message", e.what()}};
    if (!e.code().empty()) out["code"] = e.code();
    return out;
  } catch (const pop3::not_supported& e) {
    return {{"error", "not_supported"}, {"message", e.what()}};
  } catch (const pop3::error& e) {
    return {{"error", "client_error"}, {"message", e.what()}};
  } catch (...) {
    return describe_common_error(std::current_exception());
  }
}

std::vector<std::string> pop3_driver::secrets(const scenario& scen) const {
  std::vector<std::string> out;
  for (const auto& step : scen.client) {
    if (step.op != "pass" && step.op != "apop" && step.op != "auth") continue;
    const std::string password = step.args.value("password", "");
    if (password.empty()) continue;
    out.push_back(password);
    out.push_back(base64_encode(password));
    if (step.op == "auth") {
      const std::string user = step.args.value("user", "");
      out.push_back(base64_encode(std::string(1, '\0') + user + std::string(1, '\0') + password));
    }
  }
  return out;
}

}  // namespace ph::harness::drivers
