#include "harness/drivers/nntp_driver.hpp"

#include <map>
#include <set>

#include <fmt/format.h>

#include "clients/nntp/article.hpp"
#include "clients/nntp/client.hpp"
#include "clients/nntp/errors.hpp"
#include "harness/drivers/common_errors.hpp"

namespace ph::harness::drivers {

namespace nntp = ph::clients::nntp;
using json = nlohmann::json;

namespace {

// op -> argument names it takes (required ones marked with '!').
const std::map<std::string, std::vector<std::string>>& ops() {
  static const std::map<std::string, std::vector<std::string>> table = {
      {"connect", {"tls"}},
      {"capabilities", {}},
      {"mode_reader", {}},
      {"group", {"!name"}},
      {"listgroup", {"group", "range"}},
      {"over", {"range", "message_id"}},
      {"xover", {"!range"}},
      {"article", {"number", "message_id"}},
      {"head", {"number", "message_id"}},
      {"body", {"number", "message_id"}},
      {"stat", {"number", "message_id"}},
      {"next", {}},
      {"last", {}},
      {"list", {"keyword", "wildmat"}},
      {"newgroups", {"!since"}},
      {"newnews", {"!wildmat", "!since"}},
      {"post", {"!article"}},
      {"ihave", {"!message_id", "!article"}},
      {"date", {}},
      {"help", {}},
      {"authinfo", {"!user", "!password"}},
      {"starttls", {}},
      {"quit", {}},
      {"close", {}},
  };
  return table;
}

json response_json(const nntp::response& r) {
  return {{"code", r.code}, {"text", r.text}};
}

// "range" and "number" may be written as TOML integers or strings.
std::string text_of(const json& j) {
  return j.is_string() ? j.get<std::string>() : std::to_string(j.get<std::int64_t>());
}

json overview_json(const std::vector<nntp::article_overview>& list) {
  json out = json::array();
  for (const auto& o : list) {
    json item = {{"number", o.number},
                 {"subject", o.subject},
                 {"from", o.from},
                 {"date", o.date},
                 {"message_id", o.message_id},
                 {"references", o.references},
                 {"bytes", o.bytes},
                 {"lines", o.lines}};
    for (const auto& [k, v] : o.extra)
      item[k] = v;
    out.push_back(std::move(item));
  }
  return {{"articles", out}};
}

json article_json(const nntp::article& a) {
  return {{"number", a.number}, {"message_id", a.message_id}, {"lines", a.lines}};
}

json ref_json(const nntp::article_ref& r) {
  return {{"number", r.number}, {"message_id", r.message_id}};
}

class nntp_session final : public client_session {
 public:
  void set_timeout(std::chrono::milliseconds timeout) override { client_.set_timeout(timeout); }

  nntp_session(const scenario& scen, const endpoint& ep)
      : ep_(ep), client_(make_options(scen, ep)) {
    implicit_tls_ = scen.client_options.value("tls", "") == "implicit";
  }

  json perform(const client_step& step) override {
    const json& a = step.args;
    const std::string& op = step.op;
    if (op == "connect") {
      connected_ = true;
      const bool tls = a.value("tls", implicit_tls_ ? "implicit" : "") == "implicit";
      json out = response_json(tls ? client_.connect_tls(ep_.host, ep_.port)
                                   : client_.connect(ep_.host, ep_.port));
      out["posting_allowed"] = client_.posting_allowed();
      return out;
    }
    if (!connected_) {  // steps without an explicit connect start with one
      connected_ = true;
      if (implicit_tls_)
        client_.connect_tls(ep_.host, ep_.port);
      else
        client_.connect(ep_.host, ep_.port);
    }
    if (op == "capabilities") {
      json caps = json::object();
      for (const auto& [k, v] : client_.capabilities())
        caps[k] = v;
      return {{"capabilities", caps}};
    }
    if (op == "mode_reader") return response_json(client_.mode_reader());
    if (op == "group") {
      const nntp::group_info g = client_.group(a["name"]);
      return {{"code", 211},
              {"count", g.count},
              {"first", g.first},
              {"last", g.last},
              {"name", g.name}};
    }
    if (op == "listgroup") {
      std::optional<std::string> group, range;
      if (a.contains("group")) group = a["group"].get<std::string>();
      if (a.contains("range")) range = text_of(a["range"]);
      return {{"numbers", client_.listgroup(group, range)}};
    }
    if (op == "over") {
      if (a.contains("message_id")) return overview_json(client_.over_message_id(a["message_id"]));
      std::optional<std::string> range;
      if (a.contains("range")) range = text_of(a["range"]);
      return overview_json(client_.over(range));
    }
    if (op == "xover") return overview_json(client_.xover(text_of(a["range"])));
    if (op == "article" || op == "head" || op == "body" || op == "stat") {
      const bool by_id = a.contains("message_id");
      const std::string id = by_id ? a["message_id"].get<std::string>() : std::string();
      std::optional<std::int64_t> number;
      if (a.contains("number")) number = std::stoll(text_of(a["number"]));
      if (op == "stat") return ref_json(by_id ? client_.stat(id) : client_.stat(number));
      if (op == "article")
        return article_json(by_id ? client_.article(id) : client_.article(number));
      if (op == "head") return article_json(by_id ? client_.head(id) : client_.head(number));
      return article_json(by_id ? client_.body(id) : client_.body(number));
    }
    if (op == "next") return ref_json(client_.next());
    if (op == "last") return ref_json(client_.last());
    if (op == "list") {
      const std::string keyword = a.value("keyword", "");
      const std::string wildmat = a.value("wildmat", "");
      const std::vector<std::string> lines = client_.list(keyword, wildmat);
      json out = {{"lines", lines}};
      if (keyword.empty() || keyword == "ACTIVE" || keyword == "active") {
        json groups = json::array();
        for (const auto& l : lines) {
          const nntp::active_entry e = nntp::parse_active_line(l);
          groups.push_back(
              {{"name", e.name}, {"first", e.first}, {"last", e.last}, {"flag", e.flag}});
        }
        out["groups"] = groups;
      }
      return out;
    }
    if (op == "newgroups") {
      json groups = json::array();
      for (const auto& e : client_.newgroups(nntp::parse_datetime(a["since"].get<std::string>())))
        groups.push_back(e.name);
      return {{"groups", groups}};
    }
    if (op == "newnews")
      return {{"message_ids",
               client_.newnews(a["wildmat"], nntp::parse_datetime(a["since"].get<std::string>()))}};
    if (op == "post") return response_json(client_.post(a["article"]));
    if (op == "ihave") return response_json(client_.ihave(a["message_id"], a["article"]));
    if (op == "date") return {{"date", client_.date()}};
    if (op == "help") return {{"lines", client_.help()}};
    if (op == "authinfo") return response_json(client_.authinfo(a["user"], a["password"]));
    if (op == "starttls") return response_json(client_.starttls());
    if (op == "quit") return response_json(client_.quit());
    if (op == "close") {
      client_.close();
      return json::object();
    }
    throw std::logic_error("unvalidated op " + op);
  }

 private:
  static nntp::options make_options(const scenario& scen, const endpoint& ep) {
    nntp::options o;
    o.timeout = scen.client_timeout();
    o.tls.ca_pem = ep.ca_pem;
    o.tls.verify = scen.client_options.value("tls_verify", true);
    o.tls.server_name = scen.client_options.value("tls_server_name", "");
    return o;
  }

  endpoint ep_;
  nntp::client client_;
  bool connected_ = false;
  bool implicit_tls_ = false;
};

}  // namespace

void nntp_driver::validate(const scenario& scen) const {
  static const std::set<std::string> option_keys = {"timeout_ms", "tls", "tls_verify",
                                                    "tls_server_name"};
  for (const auto& [key, _] : scen.client_options.items())
    if (!option_keys.contains(key))
      scen.fail("/client_options/" + key,
                fmt::format("unknown NNTP client option '{}' (timeout_ms, tls, tls_verify, "
                            "tls_server_name)",
                            key));
  for (const auto& step : scen.client) {
    auto it = ops().find(step.op);
    if (it == ops().end()) {
      std::vector<std::string> names;
      for (const auto& [name, _] : ops())
        names.push_back(name);
      scen.fail(step.pointer + "/op",
                fmt::format("unknown NNTP op '{}' (known: {})", step.op, fmt::join(names, ", ")));
    }
    std::set<std::string> allowed;
    for (const auto& arg : it->second) {
      const bool required = arg.front() == '!';
      const std::string name = required ? arg.substr(1) : arg;
      allowed.insert(name);
      if (required && !step.args.contains(name))
        scen.fail(step.pointer, fmt::format("op '{}' needs args.{}", step.op, name));
    }
    if (step.args.contains("number") && step.args.contains("message_id"))
      scen.fail(step.pointer, fmt::format("op '{}' takes number or message_id, not both", step.op));
    if (step.op == "over" && step.args.contains("range") && step.args.contains("message_id"))
      scen.fail(step.pointer, "op 'over' takes range or message_id, not both");
    for (const auto& [key, value] : step.args.items()) {
      if (!allowed.contains(key))
        scen.fail(step.pointer + "/args/" + key,
                  fmt::format("op '{}' takes no argument '{}'", step.op, key));
      const bool int_ok = key == "number" || key == "range";
      if (key == "number" && value.is_string() &&
          (value.get<std::string>().empty() ||
           value.get<std::string>().find_first_not_of("0123456789") != std::string::npos))
        scen.fail(step.pointer + "/args/number", "number must be a non-negative integer");
      if (key == "since" && value.is_string()) {
        try {
          (void)nntp::parse_datetime(value.get<std::string>());
        } catch (const nntp::error& e) {
          scen.fail(step.pointer + "/args/since", e.what());
        }
      }
      if (!value.is_string() && !(int_ok && value.is_number_integer()))
        scen.fail(step.pointer + "/args/" + key, fmt::format("argument '{}' must be a string{}",
                                                             key, int_ok ? " or an integer" : ""));
    }
  }
}

std::unique_ptr<client_session> nntp_driver::start(const scenario& scen, const endpoint& ep) const {
  return std::make_unique<nntp_session>(scen, ep);
}

json nntp_driver::describe_error(std::exception_ptr error) const {
  try {
    std::rethrow_exception(error);
  } catch (const nntp::temporary_error& e) {
    return {{"error", "temporary_error"}, {"code", e.code()}, {"message", e.what()}};
  } catch (const nntp::permanent_error& e) {
    return {{"error", "permanent_error"}, {"code", e.code()}, {"message", e.what()}};
  } catch (const nntp::not_supported& e) {
    return {{"error", "not_supported"}, {"message", e.what()}};
  } catch (const nntp::error& e) {
    return {{"error", "client_error"}, {"message", e.what()}};
  } catch (...) {
    return describe_common_error(std::current_exception());
  }
}

std::vector<std::string> nntp_driver::secrets(const scenario& scen) const {
  std::vector<std::string> out;
  for (const auto& step : scen.client) {
    if (step.op != "authinfo") continue;
    const std::string password = step.args.value("password", "");
    if (!password.empty()) out.push_back(password);
  }
  return out;
}

}  // namespace ph::harness::drivers
