#include "harness/drivers/ftp_driver.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "clients/ftp/client.hpp"
#include "clients/ftp/errors.hpp"
#include "harness/drivers/common_errors.hpp"

namespace ph::harness::drivers {

namespace ftp = ph::clients::ftp;
using json = nlohmann::json;

namespace {

enum class arg_kind { string, number, boolean };

struct arg_spec {
  std::string name;
  bool required = false;
  arg_kind kind = arg_kind::string;
};

// retr returns the content itself only up to this size.
constexpr std::uint64_t max_text = 4096;

// op -> the arguments it takes.
const std::map<std::string, std::vector<arg_spec>>& ops() {
  using k = arg_kind;
  static const std::vector<arg_spec> upload = {{"path", true, k::string},
                                               {"data", false, k::string},
                                               {"size", false, k::number},
                                               {"binary", false, k::boolean},
                                               {"rest", false, k::number}};
  static const std::map<std::string, std::vector<arg_spec>> table = {
      {"connect", {}},
      {"login", {{"user", false, k::string}, {"password", false, k::string}}},
      {"feat", {}},
      {"pwd", {}},
      {"cwd", {{"path", true, k::string}}},
      {"cdup", {}},
      {"mkd", {{"path", true, k::string}}},
      {"rmd", {{"path", true, k::string}}},
      {"delete", {{"path", true, k::string}}},
      {"rename", {{"from", true, k::string}, {"to", true, k::string}}},
      {"size", {{"path", true, k::string}}},
      {"mdtm", {{"path", true, k::string}}},
      {"type", {{"code", true, k::string}}},
      {"noop", {}},
      {"nlst", {{"path", false, k::string}}},
      {"list", {{"path", false, k::string}}},
      {"mlsd", {{"path", false, k::string}}},
      {"retr",
       {{"path", true, k::string}, {"binary", false, k::boolean}, {"rest", false, k::number}}},
      {"stor", upload},
      {"appe", upload},
      {"abort", {}},
      {"quit", {}},
      {"close", {}},
  };
  return table;
}

json reply_json(const ftp::reply& r) {
  return {{"code", r.code}, {"text", r.text()}};
}

// Generated upload content: byte i = i mod 251, the same bytes the FTP model server generates
// for a file declared by size, so a scenario can upload what it could download and compare.
std::string generated(std::uint64_t size) {
  std::string out(size, '\0');
  for (std::uint64_t i = 0; i < size; ++i)
    out[i] = static_cast<char>(i % 251);
  return out;
}

class sha256 {
 public:
  sha256() : ctx_(EVP_MD_CTX_new(), EVP_MD_CTX_free) {
    EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr);
  }
  void update(std::string_view bytes) { EVP_DigestUpdate(ctx_.get(), bytes.data(), bytes.size()); }
  std::string hex() {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    EVP_DigestFinal_ex(ctx_.get(), digest, &n);
    std::string out;
    for (unsigned int i = 0; i < n; ++i)
      out += fmt::format("{:02x}", digest[i]);
    return out;
  }

 private:
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx_;
};

class ftp_session final : public client_session {
 public:
  void set_timeout(std::chrono::milliseconds timeout) override { client_.set_timeout(timeout); }

  ftp_session(const scenario& scen, const endpoint& ep)
      : ep_(ep), client_(make_options(scen, ep)) {}

  json perform(const client_step& step) override {
    const json& a = step.args;
    const std::string& op = step.op;
    if (op == "connect") {
      connected_ = true;
      return reply_json(client_.connect(ep_.host, ep_.port));
    }
    if (!connected_) {  // steps without an explicit connect start with one
      connected_ = true;
      client_.connect(ep_.host, ep_.port);
    }
    const std::string path = a.value("path", "");
    if (op == "login")
      return reply_json(
          client_.login(a.value("user", "anonymous"), a.value("password", "anonymous@")));
    if (op == "feat") {
      json features = json::object();
      for (const auto& [name, params] : client_.feat())
        features[name] = params;
      return {{"features", features}};
    }
    if (op == "pwd") return {{"path", client_.pwd()}};
    if (op == "cwd") return reply_json(client_.cwd(path));
    if (op == "cdup") return reply_json(client_.cdup());
    if (op == "mkd") return {{"path", client_.mkd(path)}};
    if (op == "rmd") return reply_json(client_.rmd(path));
    if (op == "delete") return reply_json(client_.dele(path));
    if (op == "rename") return reply_json(client_.rename(a["from"], a["to"]));
    if (op == "size") return {{"size", client_.size(path)}};
    if (op == "mdtm") return {{"mtime", client_.mdtm(path)}};
    if (op == "type") return reply_json(client_.type(a["code"].get<std::string>()[0]));
    if (op == "noop") return reply_json(client_.noop());
    if (op == "nlst") return {{"names", client_.nlst(path)}};
    if (op == "list") return {{"lines", client_.list(path)}};
    if (op == "mlsd") {
      json entries = json::array();
      for (const auto& e : client_.mlsd(path))
        entries.push_back({{"name", e.name}, {"facts", e.facts}});
      return {{"entries", entries}};
    }
    if (op == "retr") return retr(path, a.value("binary", true), rest_of(a));
    if (op == "stor" || op == "appe") {
      const std::string command = (op == "stor" ? "STOR " : "APPE ") + path;
      std::istringstream in(a.contains("data") ? a["data"].get<std::string>()
                                               : generated(a.value("size", std::uint64_t{0})));
      if (a.value("binary", true))
        return reply_json(client_.storbinary(command, in, 8192, rest_of(a)));
      return reply_json(client_.storlines(command, in));
    }
    if (op == "abort") return reply_json(client_.abort());
    if (op == "quit") return reply_json(client_.quit());
    if (op == "close") {
      client_.close();
      return json::object();
    }
    throw std::logic_error("unvalidated op " + op);
  }

 private:
  static std::optional<std::uint64_t> rest_of(const json& a) {
    if (!a.contains("rest")) return std::nullopt;
    return a["rest"].get<std::uint64_t>();
  }

  json retr(const std::string& path, bool binary, std::optional<std::uint64_t> rest) {
    std::uint64_t size = 0;
    std::string text;
    sha256 digest;
    auto take = [&](std::string_view bytes) {
      size += bytes.size();
      digest.update(bytes);
      if (text.size() <= max_text) text.append(bytes.substr(0, max_text + 1 - text.size()));
    };
    if (binary) {
      client_.retrbinary("RETR " + path, take, 8192, rest);
    } else {
      // As ftplib's retrlines with a writer that ends each line with "\n".
      client_.retrlines("RETR " + path, [&](const std::string& line) {
        take(line);
        take("\n");
      });
    }
    json out = {{"size", size}, {"sha256", digest.hex()}};
    if (size <= max_text) out["text"] = text;
    return out;
  }

  static ftp::options make_options(const scenario& scen, const endpoint& ep) {
    ftp::options o;
    o.timeout = scen.client_timeout();
    const std::string tls = scen.client_options.value("tls", "");
    o.tls = tls == "explicit"   ? ftp::tls_mode::explicit_tls
            : tls == "implicit" ? ftp::tls_mode::implicit_tls
                                : ftp::tls_mode::none;
    o.tls_options.ca_pem = ep.ca_pem;
    o.tls_options.verify = scen.client_options.value("tls_verify", true);
    o.tls_options.server_name = scen.client_options.value("tls_server_name", "");
    o.passive = scen.client_options.value("passive", true);
    o.use_epsv = scen.client_options.value("use_epsv", true);
    o.trust_pasv_host = scen.client_options.value("trust_pasv_host", false);
    return o;
  }

  endpoint ep_;
  ftp::client client_;
  bool connected_ = false;
};

}  // namespace

void ftp_driver::validate(const scenario& scen) const {
  static const std::map<std::string, arg_kind> option_keys = {
      {"timeout_ms", arg_kind::number},      {"tls", arg_kind::string},
      {"tls_verify", arg_kind::boolean},     {"tls_server_name", arg_kind::string},
      {"passive", arg_kind::boolean},        {"use_epsv", arg_kind::boolean},
      {"trust_pasv_host", arg_kind::boolean}};
  auto check_kind = [&scen](const std::string& pointer, const std::string& key, const json& value,
                            arg_kind kind) {
    if (kind == arg_kind::number) {
      if (!value.is_number_unsigned() &&
          !(value.is_number_integer() && value.get<long long>() >= 0))
        scen.fail(pointer, fmt::format("'{}' must be a non-negative integer", key));
    } else if (kind == arg_kind::boolean) {
      if (!value.is_boolean()) scen.fail(pointer, fmt::format("'{}' must be true or false", key));
    } else if (!value.is_string()) {
      scen.fail(pointer, fmt::format("'{}' must be a string", key));
    }
  };
  for (const auto& [key, value] : scen.client_options.items()) {
    const auto it = option_keys.find(key);
    if (it == option_keys.end())
      scen.fail("/client_options/" + key,
                fmt::format("unknown FTP client option '{}' (timeout_ms, tls, tls_verify, "
                            "tls_server_name, passive, use_epsv, trust_pasv_host)",
                            key));
    check_kind("/client_options/" + key, key, value, it->second);
  }
  if (scen.client_options.contains("tls") && scen.client_options["tls"] != "explicit" &&
      scen.client_options["tls"] != "implicit")
    scen.fail("/client_options/tls", "tls must be \"explicit\" or \"implicit\"");
  for (const auto& step : scen.client) {
    auto it = ops().find(step.op);
    if (it == ops().end()) {
      std::vector<std::string> names;
      for (const auto& [name, _] : ops())
        names.push_back(name);
      scen.fail(step.pointer + "/op",
                fmt::format("unknown FTP op '{}' (known: {})", step.op, fmt::join(names, ", ")));
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
      check_kind(step.pointer + "/args/" + key, key, value, spec->kind);
    }
    if (step.op == "type") {
      const std::string code = step.args["code"];
      if (code != "A" && code != "I") scen.fail(step.pointer + "/args/code", "code must be A or I");
    }
    if ((step.op == "stor" || step.op == "appe") && step.args.contains("data") &&
        step.args.contains("size"))
      scen.fail(step.pointer + "/args", "give data or size, not both");
    if ((step.op == "stor" || step.op == "appe") && step.args.contains("rest") &&
        !step.args.value("binary", true))
      scen.fail(step.pointer + "/args/rest", "rest needs binary = true");
  }
}

std::unique_ptr<client_session> ftp_driver::start(const scenario& scen, const endpoint& ep) const {
  return std::make_unique<ftp_session>(scen, ep);
}

json ftp_driver::describe_error(std::exception_ptr error) const {
  try {
    std::rethrow_exception(error);
  } catch (const ftp::transient_error& e) {
    return {{"error", "transient_error"},
            {"code", e.code()},
            {"text", e.text()},
            {"message", e.what()}};
  } catch (const ftp::permanent_error& e) {
    return {{"error", "permanent_error"},
            {"code", e.code()},
            {"text", e.text()},
            {"message", e.what()}};
  } catch (const ftp::reply_error& e) {
    return {
        {"error", "protocol_error"}, {"code", e.code()}, {"text", e.text()}, {"message", e.what()}};
  } catch (const ftp::error& e) {
    return {{"error", "client_error"}, {"message", e.what()}};
  } catch (...) {
    return describe_common_error(std::current_exception());
  }
}

std::vector<std::string> ftp_driver::secrets(const scenario& scen) const {
  std::vector<std::string> out;
  for (const auto& step : scen.client) {
    if (step.op != "login") continue;
    const std::string password = step.args.value("password", "");
    // The anonymous default is an e-mail-like token, not a secret.
    if (!password.empty()) out.push_back(password);
  }
  return out;
}

}  // namespace ph::harness::drivers
