#include "harness/drivers/pop3_driver.hpp"

#include <cstdint>

#include "clients/pop3/client.hpp"
#include "clients/pop3/errors.hpp"
#include "harness/drivers/common_errors.hpp"
#include "harness/drivers/op_table.hpp"
#include "harness/drivers/session_core.hpp"
#include "vocabulary/base64.hpp"

namespace ph::harness::drivers {

namespace pop3 = ph::clients::pop3;
using json = nlohmann::json;

namespace {

json status_json(const pop3::response& r) {
  return {{"ok", r.ok}, {"text", r.text}};
}

json body_json(const pop3::multiline& m) {
  return {{"octets", m.octets}, {"lines", m.lines}, {"text", m.data()}};
}

std::uint64_t number_arg(const json& a, const char* name) {
  return a[name].get<std::uint64_t>();
}

void implicit_only(const scenario& scen, const std::string& pointer, const json& value) {
  if (value != "implicit") scen.fail(pointer, "tls must be \"implicit\"");
}

class pop3_session final : public line_session<pop3_session, pop3::client> {
 public:
  pop3_session(const scenario& scen, const endpoint& ep)
      : line_session(scen, ep, make_options(scen, ep)) {}

  static const op_table<pop3_session>& ops();

 private:
  static pop3::options make_options(const scenario& scen, const endpoint& ep) {
    auto o = client_options_of<pop3::options>(scen, ep);
    o.require_tls = scen.client_options.value("require_tls", false);
    return o;
  }

  json list(const json& a) {
    if (a.contains("which")) {
      const auto l = client_.list(number_arg(a, "which"));
      return {{"number", l.number}, {"size", l.size}};
    }
    json messages = json::object();
    for (const auto& [n, size] : client_.list())
      messages[std::to_string(n)] = size;
    return {{"messages", messages}};
  }

  json uidl(const json& a) {
    if (a.contains("which")) {
      const auto u = client_.uidl(number_arg(a, "which"));
      return {{"number", u.number}, {"uid", u.uid}};
    }
    json uids = json::object();
    for (const auto& [n, uid] : client_.uidl())
      uids[std::to_string(n)] = uid;
    return {{"uids", uids}};
  }
};

// In alphabetical order, as `check` lists them.
const op_table<pop3_session>& pop3_session::ops() {
  using k = arg_kind;
  using s = pop3_session;
  static const op_table<pop3_session> table(
      "POP3", wording::argument,
      {
          {{"apop", {{"user", true}, {"password", true}}},
           [](s& x, const json& a) {
             return status_json(x.client_.apop(a["user"], a["password"]));
           }},
          {{"auth", {{"mechanism"}, {"user", true}, {"password", true}}},
           [](s& x, const json& a) {
             return status_json(
                 x.client_.auth(a.value("mechanism", "PLAIN"), a["user"], a["password"]));
           }},
          {{"capa", {}},
           [](s& x, const json&) -> json {
             return {{"capabilities", json_object(x.client_.capa())}};
           }},
          {{"close", {}}, &s::close},
          {{"connect", {{"tls", false, k::string, &implicit_only}}},
           [](s& x, const json& a) { return status_json(x.connect_.connect(x.client_, a)); }},
          {{"dele", {{"which", true, k::count}}},
           [](s& x, const json& a) { return status_json(x.client_.dele(number_arg(a, "which"))); }},
          {{"list", {{"which", false, k::count}}}, [](s& x, const json& a) { return x.list(a); }},
          {{"noop", {}}, [](s& x, const json&) { return status_json(x.client_.noop()); }},
          {{"pass", {{"password", true}}},
           [](s& x, const json& a) { return status_json(x.client_.pass(a["password"])); }},
          {{"quit", {}}, [](s& x, const json&) { return status_json(x.client_.quit()); }},
          {{"retr", {{"which", true, k::count}}},
           [](s& x, const json& a) { return body_json(x.client_.retr(number_arg(a, "which"))); }},
          {{"rset", {}}, [](s& x, const json&) { return status_json(x.client_.rset()); }},
          {{"stat", {}},
           [](s& x, const json&) -> json {
             const auto st = x.client_.stat();
             return {{"count", st.count}, {"size", st.size}};
           }},
          {{"stls", {}}, [](s& x, const json&) { return status_json(x.client_.stls()); }},
          {{"top", {{"which", true, k::count}, {"lines", true, k::count}}},
           [](s& x, const json& a) {
             return body_json(x.client_.top(number_arg(a, "which"), number_arg(a, "lines")));
           }},
          {{"uidl", {{"which", false, k::count}}}, [](s& x, const json& a) { return x.uidl(a); }},
          {{"user", {{"name", true}}},
           [](s& x, const json& a) { return status_json(x.client_.user(a["name"])); }},
      });
  return table;
}

void validate(const scenario& scen) {
  check_client_options(scen, "POP3", wording::argument,
                       {{"timeout_ms", false, arg_kind::any},
                        {"tls", false, arg_kind::any, &implicit_only},
                        {"tls_verify", false, arg_kind::any},
                        {"tls_server_name", false, arg_kind::any},
                        {"require_tls", false, arg_kind::boolean}});
  pop3_session::ops().catalogue().check(scen);
}

json describe_error(std::exception_ptr error) {
  try {
    std::rethrow_exception(error);
  } catch (const pop3::response_error& e) {
    json out = {{"error", "response_error"}, {"text", e.text()}, {"message", e.what()}};
    if (!e.code().empty()) out["code"] = e.code();
    return out;
  } catch (...) {
    return describe_client_error<pop3::not_supported, pop3::error>(std::current_exception());
  }
}

std::vector<std::string> secrets(const scenario& scen) {
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

}  // namespace

constinit const driver pop3_driver = {&validate, &start_session<pop3_session>, &describe_error,
                                      &secrets};

}  // namespace ph::harness::drivers
