// NNTP responses as the client reads them: status lines, multi-line blocks (after the codes
// RFC 3977 gives one), and what the client parses out of each by its code (GROUP, ARTICLE/STAT,
// DATE, LIST ACTIVE, OVERVIEW.FMT, OVER, CAPABILITIES). Input: the server's bytes. A framing
// error ends the input, as it ends the client's connection.

#include <string>
#include <vector>

#include "clients/net/errors.hpp"
#include "clients/nntp/article.hpp"
#include "clients/nntp/errors.hpp"
#include "clients/nntp/overview.hpp"
#include "clients/nntp/response.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using namespace ph::clients;

namespace {

bool has_block(int code) {
  switch (code) {
    case 100:
    case 101:
    case 211:
    case 215:
    case 220:
    case 221:
    case 222:
    case 224:
    case 225:
    case 230:
    case 231:
      return true;
    default:
      return false;
  }
}

// Runs f, tolerating the errors the client reports for a malformed reply; false when it threw.
template <class F>
bool tolerate(F&& f) {
  try {
    f();
    return true;
  } catch (const net::error&) {
  } catch (const nntp::error&) {
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto lines = ph::fuzz::lines(ph::fuzz::bytes(data, size));
  nntp::overview_format fmt = nntp::default_overview_format();
  std::size_t i = 0;
  try {
    while (i < lines.size()) {
      const nntp::response r = nntp::parse_status_line(lines[i++]);
      ph::fuzz::check(r.code >= 100 && r.code <= 599, "status code range");
      switch (r.code) {
        case 111:
          tolerate([&] { (void)nntp::parse_datetime(r.text); });
          break;
        case 211:
          tolerate([&] { (void)nntp::parse_group_response(r.text); });
          break;
        case 220:
        case 221:
        case 222:
        case 223:
          tolerate([&] {
            (void)nntp::is_valid_message_id(nntp::parse_article_response(r.text).message_id);
          });
          break;
      }
      // 211 has a block only after LISTGROUP: read one when the text says so.
      if (!has_block(r.code) || (r.code == 211 && r.text.find("list") == std::string::npos))
        continue;
      nntp::block_reader reader(8192);
      bool complete = false;
      while (i < lines.size() && !complete)
        complete = reader.feed(std::string(lines[i++])) == nntp::block_reader::status::complete;
      const std::vector<std::string> block = reader.take();
      switch (r.code) {
        case 101:
          (void)nntp::parse_capabilities(block);
          break;
        case 215:
          if (!tolerate([&] { fmt = nntp::parse_overview_format(block); }))
            for (const auto& l : block)
              if (!tolerate([&] { (void)nntp::parse_active_line(l); })) break;
          break;
        case 224:
        case 225:
          for (const auto& l : block)
            if (!tolerate([&] { (void)nntp::parse_overview_line(l, fmt); })) break;
          break;
        case 211:
          for (const auto& l : block)
            if (!tolerate([&] { (void)nntp::parse_number(l, "article number"); })) break;
          break;
        case 220:
        case 221:
          tolerate([&] { nntp::check_post_headers(block.empty() ? "" : block.front()); });
          break;
      }
    }
  } catch (const net::error&) {
  }
  return 0;
}
