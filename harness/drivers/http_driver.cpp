// Maps HTTP scenario steps to ph::clients::http::session calls (one session per scenario run).

#include "harness/drivers/http_driver.hpp"

#include <algorithm>
#include <optional>

#include <fmt/format.h>

#include "clients/http/errors.hpp"
#include "clients/http/session.hpp"
#include "harness/drivers/op_table.hpp"
#include "harness/drivers/session_core.hpp"
#include "vocabulary/base64.hpp"
#include "vocabulary/digest.hpp"

namespace ph::harness::drivers {

namespace http = ph::clients::http;
using json = nlohmann::json;

namespace {

// Largest body whose text (and json) goes into a step's outcome.
constexpr std::size_t max_text = std::size_t{1} << 20;

using ph::sha256_hex;

// Scalars as form values: strings as they are, anything else as its JSON text (true, 3, ...).
std::string scalar_text(const json& v) {
  return v.is_string() ? v.get<std::string>() : v.dump();
}

http::query_list pairs_of(const json& table) {
  http::query_list out;
  for (const auto& [k, v] : table.items()) {
    if (v.is_array())
      for (const auto& item : v)
        out.emplace_back(k, scalar_text(item));
    else
      out.emplace_back(k, scalar_text(v));
  }
  return out;
}

std::string replace_all(std::string s, std::string_view from, std::string_view to) {
  for (auto pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size()))
    s.replace(pos, from.size(), to);
  return s;
}

// Each file of args.files is a table of strings.
void file_tables(const scenario& scen, const std::string& pointer, const json& files) {
  for (const auto& [field, f] : files.items())
    if (!f.is_object() || (f.contains("content") && !f["content"].is_string()) ||
        (f.contains("filename") && !f["filename"].is_string()) ||
        (f.contains("content_type") && !f["content_type"].is_string()))
      scen.fail(pointer + "/" + field,
                "a file is a table {filename, content, content_type} of strings");
}

class http_session final : public client_session {
 public:
  void set_timeout(std::chrono::milliseconds timeout) override { timeout_ = timeout; }

  http_session(const scenario& scen, const endpoint& ep) : session_(make_options(scen, ep)) {
    const bool tls = scen.server.is_object() && scen.server.value("tls", "") == "implicit";
    const std::string scheme = tls ? "https://" : "http://";
    const std::string port = std::to_string(ep.port);
    const std::string host = ep.host.find(':') != std::string::npos ? "[" + ep.host + "]" : ep.host;
    vars_ = {{"{base}", scheme + host + ":" + port},
             {"{alt_base}", scheme + "localhost:" + port},
             {"{host}", ep.host},
             {"{port}", port}};
  }

  json perform(const client_step& step) override {
    return ops().perform(*this, step.op, substitute(step.args));
  }

  static const op_table<http_session>& ops();

 private:
  // The op `op` ("request": args.method) with the arguments of requests' methods.
  json request(const std::string& op, const json& a) {
    std::string method = op == "request" ? a.at("method").get<std::string>() : op;
    std::transform(method.begin(), method.end(), method.begin(),
                   [](char c) { return (c >= 'a' && c <= 'z') ? char(c - 'a' + 'A') : c; });
    http::request_options o;
    if (a.contains("params")) o.params = pairs_of(a["params"]);
    if (a.contains("headers"))
      for (const auto& [k, v] : a["headers"].items())
        o.headers.add(k, scalar_text(v));
    if (a.contains("data")) {
      if (a["data"].is_string())
        o.data = a["data"].get<std::string>();
      else
        o.form = pairs_of(a["data"]);
    }
    if (a.contains("json")) o.json = a["json"].dump();
    if (a.contains("files"))
      for (const auto& [field, f] : a["files"].items())
        o.files.emplace_back(field,
                             http::file_part{f.value("filename", field), f.value("content", ""),
                                             f.value("content_type", "")});
    if (a.contains("auth"))
      o.auth = {a["auth"][0].get<std::string>(), a["auth"][1].get<std::string>()};
    if (a.contains("timeout_ms"))
      o.timeout = std::chrono::milliseconds(a["timeout_ms"].get<std::int64_t>());
    else
      o.timeout = timeout_;
    // As requests: head() does not follow redirects unless asked to.
    o.allow_redirects = a.value("allow_redirects", op != "head");
    if (a.contains("max_redirects")) o.max_redirects = a["max_redirects"].get<int>();
    o.expect_continue = a.value("expect_continue", false);
    std::string streamed;
    std::size_t chunks = 0;
    if (a.value("stream", false))
      o.on_data = [&](std::string_view part) {
        streamed.append(part);
        ++chunks;
      };
    http::response r = session_.request(method, a.at("url").get<std::string>(), o);
    if (o.on_data) r.content = std::move(streamed);
    json out = outcome(r);
    if (o.on_data) out["chunks"] = chunks;
    last_ = std::move(r);
    return out;
  }

  json outcome(const http::response& r) {
    json headers = json::object();
    for (const auto& [n, _] : r.headers.fields()) {
      std::string lower = n;
      std::transform(lower.begin(), lower.end(), lower.begin(),
                     [](char c) { return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c; });
      headers[lower] = *r.headers.get(n);
    }
    json history = json::array();
    for (const auto& h : r.history)
      history.push_back(h.status);
    json cookies = json::object();
    for (const auto& [k, v] : session_.cookies().snapshot())
      cookies[k] = v;
    json out = {{"status", r.status},        {"reason", r.reason},
                {"headers", headers},        {"url", r.url},
                {"history", history},        {"cookies", cookies},
                {"bytes", r.content.size()}, {"sha256", sha256_hex(r.content)}};
    // Bulk bodies are compared by bytes and sha256: decoding and copying 10 MB into every
    // outcome and report cost more than the transfer itself.
    if (r.content.size() > max_text) return out;
    const std::string text = r.text();
    out["text"] = text;
    if (!r.content.empty()) {
      json parsed = json::parse(text, nullptr, false);
      if (!parsed.is_discarded()) out["json"] = std::move(parsed);
    }
    return out;
  }

  json substitute(const json& j) const {
    if (j.is_string()) {
      std::string s = j.get<std::string>();
      for (const auto& [k, v] : vars_)
        s = replace_all(std::move(s), k, v);
      return s;
    }
    if (j.is_object() || j.is_array()) {
      json out = j;
      for (auto& item : out.items())
        item.value() = substitute(item.value());
      return out;
    }
    return j;
  }

  static http::session_options make_options(const scenario& scen, const endpoint& ep) {
    auto o = client_options_of<http::session_options>(scen, ep);
    o.max_redirects = scen.client_options.value("max_redirects", 30);
    if (scen.client_options.contains("headers"))
      for (const auto& [k, v] : scen.client_options["headers"].items())
        o.headers.add(k, scalar_text(v));
    return o;
  }

  http::session session_;
  std::vector<std::pair<std::string, std::string>> vars_;
  std::optional<http::response> last_;
  std::optional<std::chrono::milliseconds> timeout_;  // a step's timeout_ms; else the session's
};

// The request ops in the order `check` lists them, then raise_for_status and close.
const op_table<http_session>& http_session::ops() {
  using k = arg_kind;
  using s = http_session;
  static const std::vector<arg_spec> request_args = {{"url", true},
                                                     {"params", false, k::table},
                                                     {"headers", false, k::table},
                                                     {"data", false, k::string_or_table},
                                                     {"json", false, k::any},
                                                     {"files", false, k::table, &file_tables},
                                                     {"auth", false, k::string_pair},
                                                     {"timeout_ms", false, k::integer},
                                                     {"allow_redirects", false, k::boolean},
                                                     {"stream", false, k::boolean},
                                                     {"max_redirects", false, k::integer},
                                                     {"expect_continue", false, k::boolean}};
  static const std::vector<arg_spec> request_with_method = [] {
    std::vector<arg_spec> args = request_args;
    args.insert(args.begin() + 1, {"method", true});
    return args;
  }();
  static const op_table<http_session> table(
      "HTTP", wording::terse,
      {
          {{"request", request_with_method},
           [](s& x, const json& a) { return x.request("request", a); }},
          {{"get", request_args}, [](s& x, const json& a) { return x.request("get", a); }},
          {{"head", request_args}, [](s& x, const json& a) { return x.request("head", a); }},
          {{"post", request_args}, [](s& x, const json& a) { return x.request("post", a); }},
          {{"put", request_args}, [](s& x, const json& a) { return x.request("put", a); }},
          {{"patch", request_args}, [](s& x, const json& a) { return x.request("patch", a); }},
          {{"delete", request_args}, [](s& x, const json& a) { return x.request("delete", a); }},
          {{"options", request_args}, [](s& x, const json& a) { return x.request("options", a); }},
          {{"raise_for_status", {}},
           [](s& x, const json&) {
             if (x.last_) x.last_->raise_for_status();
             return json::object();
           }},
          {{"close", {}},
           [](s& x, const json&) {
             x.session_.close();
             return json::object();
           }},
      });
  return table;
}

void validate(const scenario& scen) {
  check_client_options(scen, "HTTP", wording::bare,
                       {{"timeout_ms", false, arg_kind::any},
                        {"tls_verify", false, arg_kind::boolean},
                        {"max_redirects", false, arg_kind::integer},
                        {"headers", false, arg_kind::table}});
  http_session::ops().catalogue().check(scen);
}

json describe_error(std::exception_ptr error) {
  try {
    std::rethrow_exception(error);
  } catch (const http::http_error& e) {
    return {{"error", "http_error"}, {"status", e.status()}, {"message", e.what()}};
  } catch (const http::error& e) {
    return {{"error", http::to_string(e.code())}, {"message", e.what()}};
  } catch (const std::exception& e) {
    return {{"error", "exception"}, {"message", e.what()}};
  }
}

std::vector<std::string> secrets(const scenario& scen) {
  std::vector<std::string> out;
  for (const auto& step : scen.client) {
    const json& auth = step.args.is_object() ? step.args.value("auth", json()) : json();
    if (!auth.is_array() || auth.size() != 2 || !auth[0].is_string() || !auth[1].is_string())
      continue;
    const std::string user = auth[0], password = auth[1];
    if (!password.empty()) out.push_back(password);
    out.push_back(base64_encode(user + ":" + password));
  }
  return out;
}

}  // namespace

constinit const driver http_driver = {&validate, &start_session<http_session>, &describe_error,
                                      &secrets};

}  // namespace ph::harness::drivers
