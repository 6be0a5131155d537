// news_search HOST PORT GROUP WORD OUT.html
//
// Lists the articles of GROUP whose Subject contains WORD (ASCII case-insensitive) as an HTML page
// with subject, author, date and a news: link (RFC 5538) per match. It uses GROUP and one OVER of
// the whole range, so no article is downloaded.
//
// Exit codes: 0 the page was written (possibly with no matches), 1 a network, NNTP or file error,
// 2 a usage error.

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <exception>
#include <fstream>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "clients/nntp/client.hpp"

namespace {

namespace nntp = ph::clients::nntp;

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Text and attribute values: the five characters HTML gives meaning to.
std::string html_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// RFC 5538 §2.2: news:message-id without the angle brackets; octets outside the URI's allowed
// set are percent-encoded (RFC 3986 §2.1).
std::string news_uri(std::string_view message_id) {
  if (message_id.size() >= 2 && message_id.front() == '<' && message_id.back() == '>')
    message_id = message_id.substr(1, message_id.size() - 2);
  static constexpr std::string_view allowed =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=:@";
  std::string out = "news:";
  for (char c : message_id) {
    if (allowed.find(c) != std::string_view::npos) {
      out += c;
    } else {
      static constexpr char hex[] = "0123456789ABCDEF";
      const auto u = static_cast<unsigned char>(c);
      out += '%';
      out += hex[u >> 4];
      out += hex[u & 15];
    }
  }
  return out;
}

std::string page(std::string_view group, std::string_view word,
                 const std::vector<nntp::article_overview>& matches) {
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>";
  const std::string title =
      html_escape(group) + ": articles about \xE2\x80\x9C" + html_escape(word) + "\xE2\x80\x9D";
  out += title + "</title>\n</head>\n<body>\n<h1>" + title + "</h1>\n";
  out += "<p>" + std::to_string(matches.size()) + " matching article(s).</p>\n";
  if (!matches.empty()) {
    out += "<table>\n<tr><th>Subject</th><th>Author</th><th>Date</th></tr>\n";
    for (const auto& a : matches) {
      out += "<tr><td><a href=\"" + html_escape(news_uri(a.message_id)) + "\">" +
             html_escape(a.subject) + "</a></td><td>" + html_escape(a.from) + "</td><td>" +
             html_escape(a.date) + "</td></tr>\n";
    }
    out += "</table>\n";
  }
  out += "</body>\n</html>\n";
  return out;
}

int usage() {
  std::cerr << "usage: news_search HOST PORT GROUP WORD OUT.html\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 6) return usage();
  const std::string host = argv[1], port_text = argv[2], group = argv[3], word = argv[4],
                    out_path = argv[5];
  unsigned port = 0;
  const auto [end, ec] =
      std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || end != port_text.data() + port_text.size() || port == 0 ||
      port > 65535 || word.empty())
    return usage();

  try {
    nntp::options opts;
    opts.timeout = std::chrono::seconds(10);
    nntp::client client(opts);
    client.connect(host, static_cast<std::uint16_t>(port));
    const nntp::group_info g = client.group(group);
    std::vector<nntp::article_overview> matches;
    if (g.count > 0 && g.last >= g.first) {
      const std::string needle = lower(word);
      for (auto& a : client.over(std::to_string(g.first) + "-" + std::to_string(g.last)))
        if (lower(a.subject).find(needle) != std::string::npos) matches.push_back(std::move(a));
    }
    client.quit();

    std::ofstream out(out_path, std::ios::binary | std::ios::trunc);
    out << page(g.name, word, matches);
    out.close();
    if (!out) {
      std::cerr << "news_search: cannot write " << out_path << "\n";
      return 1;
    }
    std::cout << matches.size() << " matching article(s) written to " << out_path << "\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "news_search: " << e.what() << "\n";
    return 1;
  }
}
