#include "fakeservers/nntp/nntp_articles.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "fakeservers/nntp/nntp_syntax.hpp"

namespace ph::fakeservers::nntp {

namespace {

// The number a (cross-posted) article has in group `name`.
std::int64_t number_in(const std::string& name, const article_def& a,
                       const std::vector<group_def>& groups) {
  for (const auto& g : groups)
    if (g.name == name)
      for (const auto& other : g.articles)
        if (other.message_id == a.message_id) return other.number;
  return a.number;
}

std::string header_for_overview(const article_def& a, const std::string& name,
                                const model_config& cfg, const std::vector<group_def>& groups) {
  std::string n = lower(name);
  if (n == "subject") return a.subject;
  if (n == "from") return a.from;
  if (n == "date") return a.date;
  if (n == "message-id") return a.message_id;
  if (n == "references") return a.references;
  if (n == "newsgroups") {
    std::string g;
    for (const auto& x : a.newsgroups)
      g += (g.empty() ? "" : ",") + x;
    return g;
  }
  if (n == "xref") {
    // RFC 5536 §3.2.14: each group with the article's number in that group.
    std::string x = cfg.hostname;
    for (const auto& gn : a.newsgroups)
      x += " " + gn + ":" + std::to_string(number_in(gn, a, groups));
    return x;
  }
  for (const auto& [hn, v] : a.headers)
    if (lower(hn) == n) return v;
  return {};
}

}  // namespace

std::string group_status(const group_def& g) {
  if (g.articles.empty()) return fmt::format("211 0 1 0 {}", g.name);
  return fmt::format("211 {} {} {} {}", g.articles.size(), g.articles.front().number,
                     g.articles.back().number, g.name);
}

std::string active_line(const group_def& g) {
  std::int64_t low = g.articles.empty() ? 1 : g.articles.front().number;
  std::int64_t high = g.articles.empty() ? 0 : g.articles.back().number;
  return fmt::format("{} {} {} {}", g.name, high, low, g.posting ? 'y' : 'n');
}

std::string head_text(const article_def& a) {
  std::string h;
  h += "Path: fake.test!not-for-mail\r\n";
  h += "From: " + a.from + "\r\n";
  std::string groups;
  for (const auto& n : a.newsgroups)
    groups += (groups.empty() ? "" : ",") + n;
  h += "Newsgroups: " + groups + "\r\n";
  h += "Subject: " + a.subject + "\r\n";
  h += "Date: " + a.date + "\r\n";
  h += "Message-ID: " + a.message_id + "\r\n";
  if (!a.references.empty()) h += "References: " + a.references + "\r\n";
  for (const auto& [n, v] : a.headers)
    h += n + ": " + v + "\r\n";
  return h;
}

// The body with CRLF line ends (and a final CRLF unless empty).
std::string body_text(const article_def& a) {
  std::string out;
  for (std::size_t i = 0; i < a.body.size(); ++i) {
    if (a.body[i] == '\n' && (i == 0 || a.body[i - 1] != '\r')) out += '\r';
    out += a.body[i];
  }
  if (!out.empty() && !out.ends_with("\r\n")) out += "\r\n";
  return out;
}

std::size_t body_lines(const article_def& a) {
  auto b = body_text(a);
  return static_cast<std::size_t>(std::count(b.begin(), b.end(), '\n'));
}

// RFC 3977 §8.3.2: number, then the LIST OVERVIEW.FMT fields, tab-separated; TAB, CR and
// LF in a value become spaces. Fields after the first seven carry their header name.
std::string overview_line(const article_def& a, std::int64_t number, const model_config& cfg,
                          const std::vector<group_def>& groups) {
  auto clean = [](std::string v) {
    for (auto& c : v)
      if (c == '\t' || c == '\r' || c == '\n') c = ' ';
    return v;
  };
  std::string line = std::to_string(number);
  for (std::size_t i = 0; i < cfg.overview_fmt.size(); ++i) {
    std::string f = cfg.overview_fmt[i];
    std::string lf = lower(f);
    std::string value;
    if (lf == ":bytes" || lf == "bytes:") {
      value = std::to_string(head_text(a).size() + 2 + body_text(a).size());
    } else if (lf == ":lines" || lf == "lines:") {
      value = std::to_string(body_lines(a));
    } else {
      bool full = lf.ends_with(":full");
      std::string name = f.substr(0, f.find(':'));
      value = clean(header_for_overview(a, name, cfg, groups));
      if (full && !value.empty()) value = name + ": " + value;
    }
    line += "\t" + value;
  }
  return line;
}

}  // namespace ph::fakeservers::nntp
