#include "harness/bench/workloads.hpp"

#include <atomic>

#include <fmt/format.h>

#include "clients/ftp/client.hpp"
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

std::string unique_id() {
  static std::atomic<std::uint64_t> n{0};
  return fmt::format("<bench.{}.{}@client.example.org>",
                     std::chrono::steady_clock::now().time_since_epoch().count(), n++);
}

class smtp_workload final : public workload {
 public:
  smtp_workload(const options& o, const std::string& ca) : opts_(o), client_(make(o, ca)) {
    for (int i = 0; i < o.recipients; ++i)
      to_.push_back(fmt::format("rcpt{}@example.org", i));
    body_ = generated_text(o.size);
  }
  void open() override {
    client_.connect(opts_.where.host, opts_.where.port);
    client_.ehlo_or_helo_if_needed();
  }
  std::size_t once() override {
    std::string msg = fmt::format(
        "From: bench@client.example.org\r\nTo: rcpt0@example.org\r\nSubject: protoharness bench\r\n"
        "Date: Sun, 22 Nov 2026 03:08:21 +0000\r\nMessage-ID: {}\r\n\r\n{}",
        unique_id(), body_);
    client_.sendmail("bench@client.example.org", to_, msg);
    return msg.size();
  }
  void close() noexcept override {
    try {
      client_.quit();
    } catch (...) {
      client_.close();
    }
  }

 private:
  static clients::smtp::client make(const options& o, const std::string& ca) {
    clients::smtp::options so;
    so.timeout = o.timeout;
    so.local_hostname = "client.example.org";
    so.tls.ca_pem = ca;
    return clients::smtp::client(so);
  }
  options opts_;
  clients::smtp::client client_;
  std::vector<std::string> to_;
  std::string body_;
};

class pop3_workload final : public workload {
 public:
  pop3_workload(const options& o, const std::string& ca) : opts_(o), client_(make(o, ca)) {}
  void open() override {
    client_.connect(opts_.where.host, opts_.where.port);
    client_.user(opts_.where.user.empty() ? "test" : opts_.where.user);
    client_.pass(opts_.where.password.empty() ? "test" : opts_.where.password);
    messages_ = client_.stat().count;
    if (messages_ == 0 && opts_.op != "stat") throw std::runtime_error("the mailbox is empty");
  }
  std::size_t once() override {
    if (opts_.op == "stat") {
      client_.stat();
      return 0;
    }
    next_ = next_ % messages_ + 1;
    return opts_.op == "top" ? client_.top(next_, 0).octets : client_.retr(next_).octets;
  }
  void close() noexcept override {
    try {
      client_.quit();
    } catch (...) {
      client_.close();
    }
  }

 private:
  static clients::pop3::client make(const options& o, const std::string& ca) {
    clients::pop3::options po;
    po.timeout = o.timeout;
    po.tls.ca_pem = ca;
    return clients::pop3::client(po);
  }
  options opts_;
  clients::pop3::client client_;
  std::uint64_t messages_ = 0;
  std::uint64_t next_ = 0;
};

class nntp_workload final : public workload {
 public:
  nntp_workload(const options& o, const std::string& ca) : opts_(o), client_(make(o, ca)) {
    group_ = o.where.path.empty() ? "local.test" : o.where.path;
    body_ = generated_text(o.size);
  }
  void open() override {
    client_.connect(opts_.where.host, opts_.where.port);
    info_ = client_.group(group_);
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
    if (info_.count == 0) throw std::runtime_error("the group is empty");
    next_ = next_ < info_.first || next_ >= info_.last ? info_.first : next_ + 1;
    std::size_t bytes = 0;
    for (const auto& l : client_.article(next_).lines)
      bytes += l.size() + 2;
    return bytes;
  }
  void close() noexcept override {
    try {
      client_.quit();
    } catch (...) {
      client_.close();
    }
  }

 private:
  static clients::nntp::client make(const options& o, const std::string& ca) {
    clients::nntp::options no;
    no.timeout = o.timeout;
    no.tls.ca_pem = ca;
    return clients::nntp::client(no);
  }
  options opts_;
  clients::nntp::client client_;
  std::string group_;
  std::string body_;
  clients::nntp::group_info info_;
  std::int64_t next_ = 0;
};

class ftp_workload final : public workload {
 public:
  ftp_workload(const options& o, const std::string& ca) : opts_(o), client_(make(o, ca)) {
    path_ = o.where.path.empty() ? "big.bin" : o.where.path;
  }
  void open() override {
    client_.connect(opts_.where.host, opts_.where.port);
    client_.login(opts_.where.user.empty() ? "test" : opts_.where.user,
                  opts_.where.password.empty() ? "test" : opts_.where.password);
    client_.type('I');
  }
  std::size_t once() override {
    if (opts_.op == "list") {
      std::size_t bytes = 0;
      for (const auto& line : client_.list(path_))
        bytes += line.size() + 2;
      return bytes;
    }
    std::size_t bytes = 0;
    client_.retrbinary(
        "RETR " + path_, [&](std::string_view block) { bytes += block.size(); }, 256 * 1024);
    return bytes;
  }
  void close() noexcept override {
    try {
      client_.quit();
    } catch (...) {
      client_.close();
    }
  }

 private:
  static clients::ftp::client make(const options& o, const std::string& ca) {
    clients::ftp::options fo;
    fo.timeout = o.timeout;
    fo.tls_options.ca_pem = ca;
    return clients::ftp::client(fo);
  }
  options opts_;
  clients::ftp::client client_;
  std::string path_;
};

template <typename W>
std::unique_ptr<workload> make_workload(const options& o, const std::string& ca) {
  return std::make_unique<W>(o, ca);
}

}  // namespace

const std::vector<workload_row>& workload_table() {
  static const std::vector<workload_row> table = {
      {"smtp", {"sendmail"}, &make_workload<smtp_workload>},
      {"pop3", {"stat", "retr", "top"}, &make_workload<pop3_workload>},
      {"nntp", {"over", "article", "post"}, &make_workload<nntp_workload>},
      {"ftp", {"retr", "list"}, &make_workload<ftp_workload>},
  };
  return table;
}

}  // namespace ph::harness::bench
