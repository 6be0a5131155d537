// Maps HTTP scenario steps to ph::clients::http::session calls (one session per scenario run).

#include "harness/drivers/http_driver.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include <fmt/format.h>
#include <openssl/evp.h>

#include "clients/http/errors.hpp"
#include "clients/http/session.hpp"
#include "harness/model/base64.hpp"

namespace ph::harness::drivers {

namespace http = ph::clients::http;
using json = nlohmann::json;

namespace {

// Largest body whose text (and json) goes into a step's outcome.
constexpr std::size_t max_text = std::size_t{1} << 20;

const std::set<std::string>& request_ops() {
  static const std::set<std::string> ops = {"request", "get",   "head",   "post",
                                            "put",     "patch", "delete", "options"};
  return ops;
}

const std::set<std::string>& request_args() {
  static const std::set<std::string> args = {
      "method", "url",           "params",         "headers",    "data",
      "json",   "files",         "auth",           "timeout_ms", "allow_redirects",
      "stream", "max_redirects", "expect_continue"};
  return args;
}

std::string sha256_hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(data.data(), data.size(), digest, &size, EVP_sha256(), nullptr);
  std::string out;
  for (unsigned int i = 0; i < size; ++i)
    out += fmt::format("{:02x}", digest[i]);
  return out;
}

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
    const json a = substitute(step.args);
    if (step.op == "close") {
      session_.close();
      return json::object();
    }
    if (step.op == "raise_for_status") {
      if (last_) last_->raise_for_status();
      return json::object();
    }
    std::string method = step.op == "request" ? a.at("method").get<std::string>() : step.op;
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
    o.allow_redirects = a.value("allow_redirects", step.op != "head");
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

 private:
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
    http::session_options o;
    o.timeout = scen.client_timeout();
    o.tls.ca_pem = ep.ca_pem;
    o.tls.verify = scen.client_options.value("tls_verify", true);
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

}  // namespace

void http_driver::validate(const scenario& scen) const {
  static const std::set<std::string> option_keys = {"timeout_ms", "tls_verify", "max_redirects",
                                                    "headers"};
  for (const auto& [key, value] : scen.client_options.items()) {
    if (!option_keys.contains(key))
      scen.fail("/client_options/" + key,
                fmt::format("unknown HTTP client option '{}' (timeout_ms, tls_verify, "
                            "max_redirects, headers)",
                            key));
    if (key == "headers" && !value.is_object())
      scen.fail("/client_options/headers", "headers must be a table");
    if (key == "tls_verify" && !value.is_boolean())
      scen.fail("/client_options/tls_verify", "tls_verify must be a boolean");
    if (key == "max_redirects" && !value.is_number_integer())
      scen.fail("/client_options/max_redirects", "max_redirects must be an integer");
  }
  for (const auto& step : scen.client) {
    const std::string& op = step.op;
    const json& a = step.args;
    const std::string at = step.pointer + "/args";
    if (!a.is_object()) scen.fail(at, "args must be a table");
    if (op == "close" || op == "raise_for_status") {
      if (!a.empty()) scen.fail(at, fmt::format("op '{}' takes no arguments", op));
      continue;
    }
    if (!request_ops().contains(op))
      scen.fail(step.pointer + "/op",
                fmt::format("unknown HTTP op '{}' (known: request, get, head, post, put, patch, "
                            "delete, options, raise_for_status, close)",
                            op));
    for (const auto& [key, value] : a.items()) {
      const std::string here = at + "/" + key;
      if (!request_args().contains(key) || (key == "method" && op != "request"))
        scen.fail(here, fmt::format("op '{}' takes no argument '{}'", op, key));
      const bool ok = (key == "method" || key == "url")       ? value.is_string()
                      : (key == "params" || key == "headers") ? value.is_object()
                      : key == "data"  ? (value.is_string() || value.is_object())
                      : key == "json"  ? true
                      : key == "files" ? value.is_object()
                      : key == "auth"  ? (value.is_array() && value.size() == 2 &&
                                         value[0].is_string() && value[1].is_string())
                      : (key == "timeout_ms" || key == "max_redirects") ? value.is_number_integer()
                                                                        : value.is_boolean();
      if (!ok) scen.fail(here, fmt::format("argument '{}' has the wrong type", key));
      if (key == "files")
        for (const auto& [field, f] : value.items())
          if (!f.is_object() || (f.contains("content") && !f["content"].is_string()) ||
              (f.contains("filename") && !f["filename"].is_string()) ||
              (f.contains("content_type") && !f["content_type"].is_string()))
            scen.fail(here + "/" + field,
                      "a file is a table {filename, content, content_type} of strings");
    }
    if (!a.contains("url")) scen.fail(step.pointer, fmt::format("op '{}' needs args.url", op));
    if (op == "request" && !a.contains("method"))
      scen.fail(step.pointer, "op 'request' needs args.method");
  }
}

std::unique_ptr<client_session> http_driver::start(const scenario& scen, const endpoint& ep) const {
  return std::make_unique<http_session>(scen, ep);
}

json http_driver::describe_error(std::exception_ptr error) const {
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

std::vector<std::string> http_driver::secrets(const scenario& scen) const {
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

}  // namespace ph::harness::drivers
