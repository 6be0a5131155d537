#include "harness/drivers/nntp_driver.hpp"

#include <optional>

#include "clients/nntp/article.hpp"
#include "clients/nntp/client.hpp"
#include "clients/nntp/errors.hpp"
#include "harness/drivers/common_errors.hpp"
#include "harness/drivers/op_table.hpp"
#include "harness/drivers/session_core.hpp"

namespace ph::harness::drivers {

namespace nntp = ph::clients::nntp;
using json = nlohmann::json;

namespace {

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

// "number" as a string must still be a number.
void digits_only(const scenario& scen, const std::string& pointer, const json& value) {
  if (value.is_string() &&
      (value.get<std::string>().empty() ||
       value.get<std::string>().find_first_not_of("0123456789") != std::string::npos))
    scen.fail(pointer, "number must be a non-negative integer");
}

void a_datetime(const scenario& scen, const std::string& pointer, const json& value) {
  try {
    (void)nntp::parse_datetime(value.get<std::string>());
  } catch (const nntp::error& e) {
    scen.fail(pointer, e.what());
  }
}

class nntp_session final : public line_session<nntp_session, nntp::client> {
 public:
  nntp_session(const scenario& scen, const endpoint& ep)
      : line_session(scen, ep, client_options_of<nntp::options>(scen, ep)) {}

  static const op_table<nntp_session>& ops();

 private:
  // ARTICLE, HEAD, BODY and STAT by message_id, else by number (else the current article).
  template <class Call>
  auto by_ref(const json& a, Call call) {
    if (a.contains("message_id")) return call(a["message_id"].get<std::string>());
    std::optional<std::int64_t> number;
    if (a.contains("number")) number = std::stoll(text_of(a["number"]));
    return call(number);
  }

  json connect(const json& a) {
    json out = response_json(connect_.connect(client_, a));
    out["posting_allowed"] = client_.posting_allowed();
    return out;
  }

  json over(const json& a) {
    if (a.contains("message_id")) return overview_json(client_.over_message_id(a["message_id"]));
    std::optional<std::string> range;
    if (a.contains("range")) range = text_of(a["range"]);
    return overview_json(client_.over(range));
  }

  json list(const json& a) {
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
};

// In alphabetical order, as `check` lists them.
const op_table<nntp_session>& nntp_session::ops() {
  using k = arg_kind;
  using s = nntp_session;
  static const arg_spec number = {"number", false, k::string_or_integer, &digits_only};
  static const arg_spec message_id = {"message_id"};
  static const std::vector<std::pair<std::string, std::string>> one_ref = {
      {"number", "message_id"}};
  static const op_table<nntp_session> table(
      "NNTP", wording::argument,
      {
          {{"article", {number, message_id}, one_ref},
           [](s& x, const json& a) {
             return article_json(
                 x.by_ref(a, [&x](const auto& ref) { return x.client_.article(ref); }));
           }},
          {{"authinfo", {{"user", true}, {"password", true}}},
           [](s& x, const json& a) {
             return response_json(x.client_.authinfo(a["user"], a["password"]));
           }},
          {{"body", {number, message_id}, one_ref},
           [](s& x, const json& a) {
             return article_json(
                 x.by_ref(a, [&x](const auto& ref) { return x.client_.body(ref); }));
           }},
          {{"capabilities", {}},
           [](s& x, const json&) -> json {
             return {{"capabilities", json_object(x.client_.capabilities())}};
           }},
          {{"close", {}}, &s::close},
          {{"connect", {{"tls"}}}, [](s& x, const json& a) { return x.connect(a); }},
          {{"date", {}},
           [](s& x, const json&) -> json {
             return {{"date", x.client_.date()}};
           }},
          {{"group", {{"name", true}}},
           [](s& x, const json& a) -> json {
             const nntp::group_info g = x.client_.group(a["name"]);
             return {{"code", 211},
                     {"count", g.count},
                     {"first", g.first},
                     {"last", g.last},
                     {"name", g.name}};
           }},
          {{"head", {number, message_id}, one_ref},
           [](s& x, const json& a) {
             return article_json(
                 x.by_ref(a, [&x](const auto& ref) { return x.client_.head(ref); }));
           }},
          {{"help", {}},
           [](s& x, const json&) -> json {
             return {{"lines", x.client_.help()}};
           }},
          {{"ihave", {{"message_id", true}, {"article", true}}},
           [](s& x, const json& a) {
             return response_json(x.client_.ihave(a["message_id"], a["article"]));
           }},
          {{"last", {}}, [](s& x, const json&) { return ref_json(x.client_.last()); }},
          {{"list", {{"keyword"}, {"wildmat"}}}, [](s& x, const json& a) { return x.list(a); }},
          {{"listgroup", {{"group"}, {"range", false, k::string_or_integer}}},
           [](s& x, const json& a) -> json {
             std::optional<std::string> group, range;
             if (a.contains("group")) group = a["group"].get<std::string>();
             if (a.contains("range")) range = text_of(a["range"]);
             return {{"numbers", x.client_.listgroup(group, range)}};
           }},
          {{"mode_reader", {}},
           [](s& x, const json&) { return response_json(x.client_.mode_reader()); }},
          {{"newgroups", {{"since", true, k::string, &a_datetime}}},
           [](s& x, const json& a) -> json {
             json groups = json::array();
             for (const auto& e :
                  x.client_.newgroups(nntp::parse_datetime(a["since"].get<std::string>())))
               groups.push_back(e.name);
             return {{"groups", groups}};
           }},
          {{"newnews", {{"wildmat", true}, {"since", true, k::string, &a_datetime}}},
           [](s& x, const json& a) -> json {
             return {{"message_ids",
                      x.client_.newnews(a["wildmat"],
                                        nntp::parse_datetime(a["since"].get<std::string>()))}};
           }},
          {{"next", {}}, [](s& x, const json&) { return ref_json(x.client_.next()); }},
          {{"over",
            {{"range", false, k::string_or_integer}, message_id},
            {{"range", "message_id"}}},
           [](s& x, const json& a) { return x.over(a); }},
          {{"post", {{"article", true}}},
           [](s& x, const json& a) { return response_json(x.client_.post(a["article"])); }},
          {{"quit", {}}, [](s& x, const json&) { return response_json(x.client_.quit()); }},
          {{"starttls", {}}, [](s& x, const json&) { return response_json(x.client_.starttls()); }},
          {{"stat", {number, message_id}, one_ref},
           [](s& x, const json& a) {
             return ref_json(x.by_ref(a, [&x](const auto& ref) { return x.client_.stat(ref); }));
           }},
          {{"xover", {{"range", true, k::string_or_integer}}},
           [](s& x, const json& a) { return overview_json(x.client_.xover(text_of(a["range"]))); }},
      });
  return table;
}

void validate(const scenario& scen) {
  check_client_options(scen, "NNTP", wording::argument,
                       {{"timeout_ms", false, arg_kind::any},
                        {"tls", false, arg_kind::any},
                        {"tls_verify", false, arg_kind::any},
                        {"tls_server_name", false, arg_kind::any}});
  nntp_session::ops().catalogue().check(scen);
}

json describe_error(std::exception_ptr error) {
  try {
    std::rethrow_exception(error);
  } catch (const nntp::temporary_error& e) {
    return {{"error", "temporary_error"}, {"code", e.code()}, {"message", e.what()}};
  } catch (const nntp::permanent_error& e) {
    return {{"error", "permanent_error"}, {"code", e.code()}, {"message", e.what()}};
  } catch (...) {
    return describe_client_error<nntp::not_supported, nntp::error>(std::current_exception());
  }
}

std::vector<std::string> secrets(const scenario& scen) {
  std::vector<std::string> out;
  for (const auto& step : scen.client) {
    if (step.op != "authinfo") continue;
    const std::string password = step.args.value("password", "");
    if (!password.empty()) out.push_back(password);
  }
  return out;
}

}  // namespace

constinit const driver nntp_driver = {&validate, &start_session<nntp_session>, &describe_error,
                                      &secrets};

}  // namespace ph::harness::drivers
