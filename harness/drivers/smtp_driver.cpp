#include "harness/drivers/smtp_driver.hpp"

#include <map>
#include <optional>

#include "clients/smtp/client.hpp"
#include "clients/smtp/errors.hpp"
#include "harness/drivers/common_errors.hpp"
#include "harness/drivers/op_table.hpp"
#include "harness/drivers/session_core.hpp"
#include "vocabulary/base64.hpp"

namespace ph::harness::drivers {

namespace smtp = ph::clients::smtp;
using json = nlohmann::json;

namespace {

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

class smtp_session final : public line_session<smtp_session, smtp::client> {
 public:
  smtp_session(const scenario& scen, const endpoint& ep)
      : line_session(scen, ep, make_options(scen, ep)) {}

  static const op_table<smtp_session>& ops();

 private:
  static smtp::options make_options(const scenario& scen, const endpoint& ep) {
    auto o = client_options_of<smtp::options>(scen, ep);
    o.local_hostname = scen.client_options.value("local_hostname", "");
    return o;
  }

  json ehlo(const json& a) {
    json out = reply_json(client_.ehlo(a.value("name", "")));
    out["extensions"] = json_object(client_.esmtp_features());
    return out;
  }

  json send_message(const json& a) {
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
};

// In alphabetical order, as `check` lists them.
const op_table<smtp_session>& smtp_session::ops() {
  using k = arg_kind;
  using s = smtp_session;
  static const op_table<smtp_session> table(
      "SMTP", wording::argument,
      {
          {{"close", {}}, &s::close},
          {{"connect", {{"tls"}}},
           [](s& x, const json& a) { return reply_json(x.connect_.connect(x.client_, a)); }},
          {{"data", {{"message", true}}},
           [](s& x, const json& a) {
             return reply_json(x.client_.data(a["message"].get<std::string>()));
           }},
          {{"docmd", {{"command", true}, {"args"}}},
           [](s& x, const json& a) {
             return reply_json(
                 x.client_.docmd(a["command"].get<std::string>(), a.value("args", "")));
           }},
          {{"ehlo", {{"name"}}}, [](s& x, const json& a) { return x.ehlo(a); }},
          {{"helo", {{"name"}}},
           [](s& x, const json& a) { return reply_json(x.client_.helo(a.value("name", ""))); }},
          {{"login", {{"user", true}, {"password", true}, {"mechanism"}}},
           [](s& x, const json& a) {
             std::optional<std::string> mech;
             if (a.contains("mechanism")) mech = a["mechanism"].get<std::string>();
             return reply_json(x.client_.login(a["user"], a["password"], mech));
           }},
          {{"mail", {{"from", true}, {"params", false, k::string_or_array}}},
           [](s& x, const json& a) {
             return reply_json(
                 x.client_.mail(a["from"], string_or_list(a.value("params", json()))));
           }},
          {{"noop", {}}, [](s& x, const json&) { return reply_json(x.client_.noop()); }},
          {{"quit", {}}, [](s& x, const json&) { return reply_json(x.client_.quit()); }},
          {{"rcpt", {{"to", true, k::string_or_array}, {"params", false, k::string_or_array}}},
           [](s& x, const json& a) {
             return reply_json(x.client_.rcpt(a["to"], string_or_list(a.value("params", json()))));
           }},
          {{"rset", {}}, [](s& x, const json&) { return reply_json(x.client_.rset()); }},
          {{"send_message",
            {{"from", true},
             {"to", true, k::string_or_array},
             {"cc", false, k::string_or_array},
             {"bcc", false, k::string_or_array},
             {"subject"},
             {"body"},
             {"headers", false, k::table}}},
           [](s& x, const json& a) { return x.send_message(a); }},
          {{"sendmail",
            {{"from", true},
             {"to", true, k::string_or_array},
             {"message", true},
             {"mail_options", false, k::string_or_array},
             {"rcpt_options", false, k::string_or_array}}},
           [](s& x, const json& a) -> json {
             auto refused = x.client_.sendmail(a["from"], string_or_list(a["to"]),
                                               a["message"].get<std::string>(),
                                               string_or_list(a.value("mail_options", json())),
                                               string_or_list(a.value("rcpt_options", json())));
             return {{"refused", refused_json(refused)}};
           }},
          {{"starttls", {}}, [](s& x, const json&) { return reply_json(x.client_.starttls()); }},
          {{"vrfy", {{"address", true}}},
           [](s& x, const json& a) { return reply_json(x.client_.vrfy(a["address"])); }},
      });
  return table;
}

void validate(const scenario& scen) {
  check_client_options(scen, "SMTP", wording::argument,
                       {{"timeout_ms", false, arg_kind::any},
                        {"local_hostname", false, arg_kind::any},
                        {"tls", false, arg_kind::any},
                        {"tls_verify", false, arg_kind::any},
                        {"tls_server_name", false, arg_kind::any}});
  smtp_session::ops().catalogue().check(scen);
}

json describe_error(std::exception_ptr error) {
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
  } catch (...) {
    return describe_client_error<smtp::not_supported, smtp::error>(std::current_exception());
  }
}

std::vector<std::string> secrets(const scenario& scen) {
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

}  // namespace

constinit const driver smtp_driver = {&validate, &start_session<smtp_session>, &describe_error,
                                      &secrets};

}  // namespace ph::harness::drivers
