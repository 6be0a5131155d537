#include "harness/bench/workloads.hpp"

#include <atomic>
#include <istream>
#include <stdexcept>
#include <streambuf>

#include <fmt/format.h>

#include "clients/ftp/client.hpp"
#include "clients/http/session.hpp"
#include "clients/nntp/client.hpp"
#include "clients/pop3/client.hpp"
#include "clients/smtp/client.hpp"

namespace ph::harness::bench {

namespace {

std::string generated_text(std::size_t size) {
  std::string body;
  body.reserve(size + 80);
  for (int i = 0; body.size() < size; ++i)
    body += fmt::format("line {:06} of the protoharness benchmark body\r\n", i);
  body.resize(size);
  if (!body.ends_with("\r\n"))
    body.replace(body.size() - std::min<std::size_t>(2, body.size()), 2, "\r\n");
  return body;
}

// Binary payloads (FTP, HTTP): byte i is i mod 251, as the fake servers generate them.
std::string generated_bytes(std::size_t size) {
  std::string out(size, '\0');
  for (std::size_t i = 0; i < size; ++i)
    out[i] = static_cast<char>(i % 251);
  return out;
}

std::string unique_id() {
  static std::atomic<std::uint64_t> n{0};
  return fmt::format("<bench.{}.{}@client.example.org>",
                     std::chrono::steady_clock::now().time_since_epoch().count(), n++);
}

// The test CA signs the fake servers' certificates; --insecure is for a real server's own.
clients::net::tls_options tls_for(const options& o, const std::string& ca) {
  clients::net::tls_options t;
  t.ca_pem = ca;
  t.verify = !o.insecure;
  return t;
}

std::string host_for_url(const std::string& host) {
  return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}

void no_tls(const options& o, std::string_view protocol) {
  if (o.tls) throw std::invalid_argument(fmt::format("bench: {} has no --tls", protocol));
}

// What the line-protocol workloads share: the bench's options, their client, and a close()
// that QUITs (or drops the connection when QUIT fails).
template <class Client>
class line_workload : public workload {
 public:
  void close() noexcept override {
    try {
      client_.quit();
    } catch (...) {
      client_.close();
    }
  }

 protected:
  line_workload(const options& o, Client client) : opts_(o), client_(std::move(client)) {}
  // A client's options with the bench's deadline and TLS settings.
  template <class Options>
  static Options client_options(const options& o, const std::string& ca) {
    Options co;
    co.timeout = o.timeout;
    co.tls = tls_for(o, ca);
    return co;
  }

  options opts_;
  Client client_;
};

class smtp_workload final : public line_workload<clients::smtp::client> {
 public:
  smtp_workload(const options& o, const std::string& ca) : line_workload(o, make(o, ca)) {
    for (int i = 0; i < o.recipients; ++i)
      to_.push_back(fmt::format("rcpt{}@example.org", i));
    body_ = generated_text(o.size);
  }
  void open() override {
    client_.connect(opts_.where.host, opts_.where.port);
    client_.ehlo_or_helo_if_needed();
    if (opts_.tls) {
      client_.starttls();
      client_.ehlo_or_helo_if_needed();  // RFC 3207 §4.2: EHLO again over TLS
    }
  }
  std::size_t once() override {
    std::string msg = fmt::format(
        "From: bench@client.example.org\r\nTo: rcpt0@example.org\r\nSubject: protoharness bench\r\n"
        "Date: Sun, 22 Nov 2026 03:08:21 +0000\r\nMessage-ID: {}\r\n\r\n{}",
        unique_id(), body_);
    client_.sendmail("bench@client.example.org", to_, msg);
    return msg.size();
  }

 private:
  static clients::smtp::client make(const options& o, const std::string& ca) {
    auto so = client_options<clients::smtp::options>(o, ca);
    so.local_hostname = "client.example.org";
    return clients::smtp::client(so);
  }
  std::vector<std::string> to_;
  std::string body_;
};

class pop3_workload final : public line_workload<clients::pop3::client> {
 public:
  pop3_workload(const options& o, const std::string& ca)
      : line_workload(o, clients::pop3::client(client_options<clients::pop3::options>(o, ca))) {}
  void open() override {
    client_.connect(opts_.where.host, opts_.where.port);
    if (opts_.tls) client_.stls();
    if (opts_.op == "retr-all" && client_.capabilities().empty()) {
      try {
        client_.capa();  // retr_all() pipelines only when PIPELINING is advertised
      } catch (const clients::pop3::response_error&) {
      }
    }
    client_.user(opts_.where.user.empty() ? "test" : opts_.where.user);
    client_.pass(opts_.where.password.empty() ? "test" : opts_.where.password);
    messages_ = client_.stat().count;
    if (messages_ == 0 && opts_.op != "stat") throw std::runtime_error("the mailbox is empty");
    all_.clear();
    for (std::uint64_t n = 1; n <= messages_; ++n)
      all_.push_back(n);
  }
  std::size_t once() override {
    if (opts_.op == "stat") {
      client_.stat();
      return 0;
    }
    if (opts_.op == "retr-all") {
      std::size_t bytes = 0;
      for (const auto& m : client_.retr_all(all_))
        bytes += m.octets;
      return bytes;
    }
    next_ = next_ % messages_ + 1;
    return opts_.op == "top" ? client_.top(next_, 0).octets : client_.retr(next_).octets;
  }

 private:
  std::uint64_t messages_ = 0;
  std::uint64_t next_ = 0;
  std::vector<std::uint64_t> all_;
};

std::size_t article_bytes(const clients::nntp::article& a) {
  std::size_t bytes = 0;
  for (const auto& l : a.lines)
    bytes += l.size() + 2;
  return bytes;
}

class nntp_workload final : public line_workload<clients::nntp::client> {
 public:
  nntp_workload(const options& o, const std::string& ca)
      : line_workload(o, clients::nntp::client(client_options<clients::nntp::options>(o, ca))) {
    group_ = o.where.path.empty() ? "local.test" : o.where.path;
    body_ = generated_text(o.size);
  }
  void open() override {
    client_.connect(opts_.where.host, opts_.where.port);
    if (opts_.tls) client_.starttls();
    info_ = client_.group(group_);
    // The numbers that exist: a real server's group may have gaps (expired, cancelled).
    if (opts_.op == "article-all") numbers_ = client_.listgroup(group_);
  }
  std::size_t once() override {
    if (opts_.op == "over") {
      std::size_t bytes = 0;
      for (const auto& a : client_.over(fmt::format("{}-{}", info_.first, info_.last)))
        bytes += a.subject.size() + a.from.size() + a.message_id.size() + 64;
      return bytes;
    }
    if (opts_.op == "post") {
      std::string article = fmt::format(
          "From: bench@client.example.org\r\nNewsgroups: {}\r\nSubject: protoharness "
          "bench\r\nMessage-ID: "
          "{}\r\n\r\n{}",
          group_, unique_id(), body_);
      client_.post(article);
      return article.size();
    }
    if (opts_.op == "article-all") {
      if (numbers_.empty()) throw std::runtime_error("the group is empty");
      std::size_t bytes = 0;
      for (const auto& a : client_.article_all(numbers_))
        bytes += article_bytes(a);
      return bytes;
    }
    if (info_.count == 0) throw std::runtime_error("the group is empty");
    next_ = next_ < info_.first || next_ >= info_.last ? info_.first : next_ + 1;
    return article_bytes(client_.article(next_));
  }

 private:
  std::string group_;
  std::string body_;
  clients::nntp::group_info info_;
  std::vector<std::int64_t> numbers_;
  std::int64_t next_ = 0;
};

// An istream over bytes that stay where they are (no copy per upload).
class view_buffer final : public std::streambuf {
 public:
  explicit view_buffer(std::string_view bytes) {
    char* p = const_cast<char*>(bytes.data());  // the get area is only read
    setg(p, p, p + bytes.size());
  }
};

constexpr std::size_t ftp_block = 256 * 1024;

class ftp_workload final : public line_workload<clients::ftp::client> {
 public:
  ftp_workload(const options& o, const std::string& ca) : line_workload(o, make(o, ca)) {
    if (!o.where.path.empty())
      path_ = o.where.path;
    else if (o.op == "retr")
      path_ = "big.bin";
    else if (o.op == "stor")
      path_ = "bench-upload.bin";
    else if (o.op == "retr-all")
      path_ = "small";
    if (o.op == "stor") upload_ = generated_bytes(o.size);
  }
  void open() override {
    client_.connect(opts_.where.host, opts_.where.port);
    client_.login(opts_.where.user.empty() ? "test" : opts_.where.user,
                  opts_.where.password.empty() ? "test" : opts_.where.password);
    client_.type('I');
    if (opts_.op == "retr-all") {
      // NLST names may come back with or without the directory (RFC 959 leaves it open).
      files_.clear();
      for (auto& name : client_.nlst(path_)) {
        // Some servers (pure-ftpd) list the directory's own "." and ".." entries.
        std::string_view base = std::string_view(name).substr(name.rfind('/') + 1);
        if (base == "." || base == "..") continue;
        if (name.find('/') == std::string::npos) name = path_ + "/" + name;
        files_.push_back(std::move(name));
      }
      if (files_.empty()) throw std::runtime_error("no files in " + path_);
    }
  }
  std::size_t once() override {
    if (opts_.op == "list") {
      std::size_t bytes = 0;
      for (const auto& line : client_.list(path_))
        bytes += line.size() + 2;
      return bytes;
    }
    if (opts_.op == "stor") {
      view_buffer buffer(upload_);
      std::istream in(&buffer);
      client_.storbinary("STOR " + path_, in, ftp_block);
      return upload_.size();
    }
    std::size_t bytes = 0;
    auto count = [&](std::string_view block) { bytes += block.size(); };
    if (opts_.op == "retr-all") {
      for (const auto& f : files_)
        client_.retrbinary("RETR " + f, count, ftp_block);
      return bytes;
    }
    client_.retrbinary("RETR " + path_, count, ftp_block);
    return bytes;
  }

 private:
  static clients::ftp::client make(const options& o, const std::string& ca) {
    clients::ftp::options fo;
    fo.timeout = o.timeout;
    fo.passive = !o.active;
    fo.tls = o.tls ? clients::ftp::tls_mode::explicit_tls : clients::ftp::tls_mode::none;
    fo.tls_options = tls_for(o, ca);
    return clients::ftp::client(fo);
  }
  std::string path_;
  std::string upload_;
  std::vector<std::string> files_;
};

// One session per connection: keep-alive reuses its pooled connection; without it every request
// says Connection: close and the next one connects anew.
class http_workload final : public workload {
 public:
  http_workload(const options& o, const std::string& ca) : opts_(o) {
    no_tls(o, "http");
    url_ = fmt::format("http://{}:{}/{}", host_for_url(o.where.host), o.where.port, o.where.path);
    method_ = o.op == "post" ? "POST" : "GET";
    settings_.timeout = o.timeout;
    settings_.tls = tls_for(o, ca);
    settings_.expect_continue_threshold = 0;  // one round trip per request, as wrk and curl -d
    request_.allow_redirects = false;
    request_.on_data = [this](std::string_view d) { received_ += d.size(); };
    if (!o.keepalive) request_.headers.add("Connection", "close");
    if (method_ == "POST") request_.data = generated_bytes(o.size);
  }
  void open() override { session_.emplace(settings_); }  // it connects on the first request
  std::size_t once() override {
    received_ = 0;
    const auto r = session_->request(method_, url_, request_);
    if (r.status / 100 != 2)
      throw clients::http::http_error(
          r.status, fmt::format("{} {}: {} {}", method_, url_, r.status, r.reason));
    return received_ + (request_.data ? request_.data->size() : 0);
  }
  void close() noexcept override {
    if (session_) session_->close();
    session_.reset();
  }

 private:
  options opts_;
  clients::http::session_options settings_;
  clients::http::request_options request_;
  std::optional<clients::http::session> session_;
  std::string url_;
  std::string method_;
  std::size_t received_ = 0;
};

template <typename W>
std::unique_ptr<workload> make_workload(const options& o, const std::string& ca) {
  return std::make_unique<W>(o, ca);
}

std::string default_model(const options&) {
  return "";
}

// The real-server kit's layout, scaled down: big.bin, small/ with 100 files of 10 KB, a writable
// root for stor.
std::string ftp_model(const options&) {
  std::string toml =
      "[server.model.tree]\n\"big.bin\" = { size = 10485760 }\n"
      "[server.model.tree.small.entries]\n";
  for (int i = 1; i <= 100; ++i)
    toml += fmt::format("\"f{:03}.bin\" = {{ size = 10240 }}\n", i);
  return toml;
}

// Any path: GET answers --size generated bytes, POST takes the body and answers a short line.
std::string http_model(const options& o) {
  return fmt::format(
      "[[server.model.routes]]\nmethod = \"GET\"\npath = \"*\"\nbody_size = {}\n"
      "[[server.model.routes]]\nmethod = \"POST\"\npath = \"*\"\nbody = \"stored\\n\"\n",
      o.size);
}

}  // namespace

const workload_set smtp_workloads{
    "smtp://host:port", {"sendmail"}, &make_workload<smtp_workload>, &default_model};
const workload_set pop3_workloads{"pop3://user:pass@host:port",
                                  {"stat", "retr", "retr-all", "top"},
                                  &make_workload<pop3_workload>,
                                  &default_model};
const workload_set nntp_workloads{"nntp://host:port/group",
                                  {"over", "article", "article-all", "post"},
                                  &make_workload<nntp_workload>,
                                  &default_model};
const workload_set ftp_workloads{"ftp://user:pass@host:port/path",
                                 {"retr", "retr-all", "stor", "list"},
                                 &make_workload<ftp_workload>,
                                 &ftp_model};
const workload_set http_workloads{
    "http://host:port/path", {"get", "post"}, &make_workload<http_workload>, &http_model};

}  // namespace ph::harness::bench
