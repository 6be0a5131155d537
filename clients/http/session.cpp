#include "clients/http/session.hpp"

#include <algorithm>
#include <map>
#include <system_error>

#include "clients/codec/ascii.hpp"
#include "clients/codec/base64.hpp"
#include "clients/http/redirect.hpp"
#include "clients/http/response_parser.hpp"
#include "clients/net/errors.hpp"
#include "clients/url/url.hpp"

namespace ph::clients::http {

namespace {

using clock = std::chrono::steady_clock;

using codec::lower;

// Maps a transport failure to the HTTP client's vocabulary.
[[noreturn]] void rethrow_net(const std::system_error& e, std::string_view doing) {
  errc code = errc::connection_error;
  if (e.code().category() == net::category()) {
    switch (static_cast<net::errc>(e.code().value())) {
      case net::errc::timed_out:
        code = errc::timeout;
        break;
      case net::errc::tls_failed:
        code = errc::tls_error;
        break;
      case net::errc::malformed_reply:
      case net::errc::line_too_long:
        code = errc::protocol_error;
        break;
      case net::errc::connection_closed:
      case net::errc::connect_failed:
        code = errc::connection_error;
        break;
    }
  }
  throw error(code, std::string(doing) + ": " + e.what());
}

bool has_token(const std::optional<std::string>& list, std::string_view token) {
  if (!list) return false;
  std::string_view rest = *list;
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    std::string_view item = rest.substr(0, comma);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t'))
      item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t'))
      item.remove_suffix(1);
    if (iequals(item, token)) return true;
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return false;
}

struct connection {
  net::line_stream stream;
  std::string buffer;  // received octets not yet parsed
  bool reused = false;

  explicit connection(std::chrono::milliseconds timeout) : stream(timeout) {}

  // Returns false at an orderly end of stream.
  bool fill() {
    std::string more = stream.read_some();
    if (more.empty()) return false;
    buffer += more;
    return true;
  }
};

// The server did not answer Expect: 100-continue in time (line_stream has closed the connection).
struct continue_timeout {};

struct sent_request {
  std::string method;
  url::url target;
  http::headers fields;
  std::string body;
};

// Percent-encoded userinfo in the URL is decoded before it becomes Basic credentials.
std::string basic_credentials(const std::string& user, const std::string& password) {
  return "Basic " + codec::base64_encode(user + ":" + password);
}

std::string origin_key(const url::url& u) {
  return lower(u.scheme) + "://" + lower(u.host) + ":" + std::to_string(u.effective_port());
}

url::url parse_http_url(std::string_view text) {
  url::url u;
  try {
    u = url::parse(text);
  } catch (const url::invalid_url& e) {
    throw error(errc::invalid_url, "invalid URL \"" + std::string(text) + "\": " + e.what());
  }
  const std::string scheme = lower(u.scheme);
  if (scheme != "http" && scheme != "https")
    throw error(errc::invalid_url, "invalid URL \"" + std::string(text) +
                                       "\": scheme must be "
                                       "http or https");
  if (u.host.empty())
    throw error(errc::invalid_url, "invalid URL \"" + std::string(text) + "\": no host");
  u.scheme = scheme;
  return u;
}

// Host field value: authority without userinfo, port only when not the scheme's default
// (RFC 9110 §7.2).
std::string host_field(const url::url& u) {
  url::url copy = u;
  if (copy.port && *copy.port == (copy.scheme == "https" ? 443 : 80)) copy.port.reset();
  return copy.authority();
}

// Decodes ISO-8859-1 to UTF-8.
std::string latin1_to_utf8(std::string_view in) {
  std::string out;
  for (char c : in) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x80) {
      out += c;
    } else {
      out += static_cast<char>(0xC0 | (u >> 6));
      out += static_cast<char>(0x80 | (u & 0x3F));
    }
  }
  return out;
}

// Copies valid UTF-8 and replaces each invalid sequence by U+FFFD.
std::string sanitize_utf8(std::string_view in) {
  std::string out;
  std::size_t i = 0;
  while (i < in.size()) {
    const auto c = static_cast<unsigned char>(in[i]);
    std::size_t len = 0;
    std::uint32_t min = 0;
    if (c < 0x80) {
      out += in[i++];
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      len = 2;
      min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      min = 0x10000;
    }
    bool valid = len > 0 && i + len <= in.size();
    std::uint32_t cp = len > 0 ? (c & (0x7F >> len)) : 0;
    for (std::size_t k = 1; valid && k < len; ++k) {
      const auto cc = static_cast<unsigned char>(in[i + k]);
      if ((cc & 0xC0) != 0x80) valid = false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if (valid && (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))) valid = false;
    if (valid) {
      out.append(in.substr(i, len));
      i += len;
    } else {
      out += "\xEF\xBF\xBD";
      ++i;
    }
  }
  return out;
}

}  // namespace

std::string response::encoding() const {
  const auto type = headers.get("Content-Type");
  if (!type) return "";
  const std::string lowered = lower(*type);
  const auto pos = lowered.find("charset=");
  if (pos != std::string::npos) {
    std::string cs = lowered.substr(pos + 8);
    cs = cs.substr(0, cs.find_first_of("; \t"));
    cs.erase(std::remove(cs.begin(), cs.end(), '"'), cs.end());
    return cs;
  }
  if (lowered.rfind("text/", 0) == 0) return "iso-8859-1";
  return "";
}

std::string response::text() const {
  const std::string enc = encoding();
  if (enc == "iso-8859-1" || enc == "latin-1" || enc == "latin1" || enc == "us-ascii" ||
      enc == "ascii")
    return latin1_to_utf8(content);
  return sanitize_utf8(content);
}

void response::raise_for_status() const {
  if (status >= 400 && status < 600) {
    const char* kind = status < 500 ? "Client Error" : "Server Error";
    throw http_error(status,
                     std::to_string(status) + " " + kind + ": " + reason + " for url: " + url);
  }
}

struct session::impl {
  session_options opts;
  cookie_jar jar;
  std::map<std::string, std::vector<std::unique_ptr<connection>>> pool;
  std::size_t opened = 0;

  explicit impl(session_options o) : opts(std::move(o)) {}

  std::unique_ptr<connection> acquire(const url::url& u, std::chrono::milliseconds timeout) {
    auto& idle = pool[origin_key(u)];
    while (!idle.empty()) {
      auto c = std::move(idle.back());
      idle.pop_back();
      if (c->stream.is_open() && c->buffer.empty()) {
        c->reused = true;
        c->stream.set_timeout(timeout);
        return c;
      }
    }
    auto c = std::make_unique<connection>(timeout);
    ++opened;
    try {
      if (u.scheme == "https") {
        net::tls_options tls = opts.tls;
        c->stream.connect_tls(u.host, u.effective_port(), tls);
      } else {
        c->stream.connect(u.host, u.effective_port());
      }
    } catch (const std::system_error& e) {
      rethrow_net(e, "connecting to " + u.authority());
    }
    return c;
  }

  void release(const url::url& u, std::unique_ptr<connection> c) {
    pool[origin_key(u)].push_back(std::move(c));
  }

  static std::string serialize_head(const sent_request& r) {
    std::string out = r.method + " " + r.target.origin_form() + " HTTP/1.1\r\n";
    for (const auto& [n, v] : r.fields.fields())
      out += n + ": " + v + "\r\n";
    out += "\r\n";
    return out;
  }

  // Reads one response head (1xx included). Returns nullopt when the peer closed before sending
  // any octet of it.
  std::optional<response_head> read_head(connection& c) {
    head_parser parser(opts.max_head);
    for (;;) {
      if (!c.buffer.empty()) {
        const std::size_t used = parser.feed(c.buffer);
        c.buffer.erase(0, used);
        if (parser.done()) return std::move(parser.head());
      }
      if (!c.fill()) {
        if (parser.consumed() == 0) return std::nullopt;
        throw error(errc::connection_error, "connection closed inside the response head");
      }
    }
  }

  // Sends the request and reads its final response on one connection. `stale` is set when a
  // reused connection was found closed before any response octet arrived (safe to retry).
  response exchange(connection& c, const sent_request& r, const request_options& ro,
                    bool expect_continue, bool& stale, bool& reusable) {
    response resp;
    const auto start = clock::now();
    const std::string head = serialize_head(r);
    std::optional<response_head> h;
    try {
      if (expect_continue) {
        c.stream.write(head);
        // RFC 9110 §10.1.1: wait a bounded time for 100 (or a final status) before the body.
        const auto saved = c.stream.timeout();
        c.stream.set_timeout(std::min(saved, opts.continue_timeout));
        try {
          // Interim responses other than 100 (e.g. 103) do not end the wait.
          do {
            h = read_head(c);
          } while (h && h->status / 100 == 1 && h->status != 100 && h->status != 101);
        } catch (const std::system_error& e) {
          if (e.code() != make_error_code(net::errc::timed_out)) throw;
          // line_stream closes on expiry: the caller repeats the request without the expectation.
          throw continue_timeout{};
        }
        c.stream.set_timeout(saved);
        if (!h) {
          stale = c.reused;
          throw error(errc::connection_error, "connection closed before the response");
        }
        if (h->status == 100) {
          c.stream.write(r.body);
          h.reset();
        } else if (h->status / 100 != 1) {
          reusable = false;  // the body was never sent; the framing of the exchange is unclear
        }
      } else {
        c.stream.write(head + r.body);
      }
      for (;;) {
        if (!h) h = read_head(c);
        if (!h) {
          stale = c.reused;
          throw error(errc::connection_error, "connection closed before the response");
        }
        // 1xx responses are interim (RFC 9110 §15.2), wanted or not; 101 would switch protocols.
        if (h->status / 100 == 1 && h->status != 101) {
          h.reset();
          continue;
        }
        break;
      }
      resp.elapsed = clock::now() - start;
      const body_framing framing = framing_for(*h, r.method);
      body_decoder decoder(framing, opts.max_head);
      std::size_t total = 0;
      const std::function<void(std::string_view)> payload = [&](std::string_view out) {
        total += out.size();
        if (total > opts.max_body)
          throw error(errc::protocol_error, "response body larger than max_body");
        if (ro.on_data) {
          if (!out.empty()) ro.on_data(out);
        } else {
          resp.content += out;
        }
      };
      // Octets read past the body's end (a pipelined or stray response) stay for the framing
      // check below.
      const std::function<void(std::string_view)> from_socket = [&](std::string_view data) {
        const std::size_t used = decoder.feed(data, payload);
        if (used < data.size()) c.buffer.append(data.substr(used));
      };
      while (!decoder.done()) {
        if (!c.buffer.empty()) {
          const std::size_t used = decoder.feed(c.buffer, payload);
          c.buffer.erase(0, used);
          continue;
        }
        // Straight from the socket's receive buffer: bulk bodies are not copied on the way.
        if (c.stream.read_some(from_socket) == 0) {
          decoder.on_eof();
          reusable = false;
        }
      }
      resp.trailers = decoder.trailers();
      const auto conn = h->fields.get("Connection");
      const bool keep = h->version_major == 1 && h->version_minor >= 1
                            ? !has_token(conn, "close")
                            : has_token(conn, "keep-alive");
      if (!keep || framing.kind == body_kind::until_close || !c.buffer.empty()) reusable = false;
    } catch (const std::system_error& e) {
      reusable = false;
      if (c.reused && e.code() == make_error_code(net::errc::connection_closed)) stale = true;
      rethrow_net(e, r.method + " " + r.target.authority());
    } catch (...) {
      reusable = false;
      throw;
    }
    resp.status = h->status;
    resp.reason = h->reason;
    resp.version_major = h->version_major;
    resp.version_minor = h->version_minor;
    resp.headers = std::move(h->fields);
    resp.method = r.method;
    return resp;
  }

  response send_once(const sent_request& r, const request_options& ro,
                     std::chrono::milliseconds timeout) {
    bool expect = !r.body.empty() &&
                  (ro.expect_continue || (opts.expect_continue_threshold > 0 &&
                                          r.body.size() >= opts.expect_continue_threshold));
    for (int attempt = 0;; ++attempt) {
      sent_request actual = r;
      if (expect) actual.fields.add("Expect", "100-continue");
      auto c = acquire(r.target, timeout);
      bool stale = false;
      bool reusable = true;
      try {
        response resp = exchange(*c, actual, ro, expect, stale, reusable);
        if (expect && resp.status == 417) {
          // RFC 9110 §15.5.18: repeat without the expectation.
          c->stream.close();
          expect = false;
          continue;
        }
        if (reusable)
          release(r.target, std::move(c));
        else
          c->stream.close();
        return resp;
      } catch (const continue_timeout&) {
        c->stream.close();
        expect = false;  // the server ignored the expectation: send everything at once
        continue;
      } catch (const error&) {
        c->stream.close();
        // RFC 9110 §9.2.2: only idempotent requests are retried automatically; a POST on a
        // connection the server closed may have been processed.
        if (stale && attempt == 0 && idempotent(r.method)) continue;
        throw;
      }
    }
  }

  static bool idempotent(std::string_view method) {
    return method == "GET" || method == "HEAD" || method == "PUT" || method == "DELETE" ||
           method == "OPTIONS" || method == "TRACE";
  }

  sent_request prepare(std::string_view method, const url::url& u, const request_options& ro) {
    sent_request r;
    r.method = std::string(method);
    r.target = u;
    r.target.fragment.clear();
    // RFC 9112 §3.2: Host first, exactly once.
    r.fields.add("Host", host_field(u));
    http::headers merged;
    merged.add("User-Agent", "protoharness-http/0.1");
    merged.add("Accept-Encoding", "identity");
    merged.add("Accept", "*/*");
    merged.add("Connection", "keep-alive");
    for (const auto& [n, v] : opts.headers.fields())
      merged.set(n, v);
    for (const auto& [n, v] : ro.headers.fields())
      merged.set(n, v);
    merged.erase("Host");
    std::string content_type;
    if (ro.data) {
      r.body = *ro.data;
    } else if (ro.json) {
      r.body = *ro.json;
      content_type = "application/json";
    } else if (!ro.files.empty()) {
      auto enc = encode_multipart(ro.form ? *ro.form : query_list{}, ro.files);
      r.body = std::move(enc.body);
      content_type = std::move(enc.content_type);
    } else if (ro.form) {
      r.body = url::urlencode(*ro.form);
      content_type = "application/x-www-form-urlencoded";
    }
    if (!content_type.empty() && !merged.contains("Content-Type"))
      merged.add("Content-Type", content_type);
    const bool has_body = ro.data || ro.json || ro.form || !ro.files.empty();
    // RFC 9110 §8.6: a user agent sends Content-Length 0 for methods that expect content.
    if (has_body || method == "POST" || method == "PUT" || method == "PATCH")
      merged.set("Content-Length", std::to_string(r.body.size()));
    if (ro.auth)
      merged.set("Authorization", basic_credentials(ro.auth->first, ro.auth->second));
    else if (!u.username.empty() || !u.password.empty())
      merged.set("Authorization",
                 basic_credentials(url::unquote(u.username), url::unquote(u.password)));
    for (auto& [n, v] : merged.fields())
      r.fields.add(n, v);
    return r;
  }

  void apply_cookies(sent_request& r) {
    const std::string from_jar = jar.header_for(r.target, std::chrono::system_clock::now());
    if (from_jar.empty()) return;
    if (const auto own = r.fields.get("Cookie"))
      r.fields.set("Cookie", *own + "; " + from_jar);
    else
      r.fields.add("Cookie", from_jar);
  }

  response request(std::string_view method_in, std::string_view url_text,
                   const request_options& ro) {
    std::string method = lower(method_in);
    std::transform(method.begin(), method.end(), method.begin(),
                   [](char c) { return (c >= 'a' && c <= 'z') ? char(c - 'a' + 'A') : c; });
    url::url u = parse_http_url(url_text);
    if (!ro.params.empty()) {
      const std::string extra = url::urlencode(ro.params);
      u.query = u.query.empty() ? extra : u.query + "&" + extra;
    }
    const auto timeout = ro.timeout.value_or(opts.timeout);
    const bool follow = ro.allow_redirects.value_or(true);
    const int max_redirects = ro.max_redirects.value_or(opts.max_redirects);

    sent_request r = prepare(method, u, ro);
    const http::headers caller_fields = r.fields;
    std::vector<response> history;
    std::string current = u.str();
    for (;;) {
      sent_request actual = r;
      actual.fields.erase("Cookie");
      if (const auto own = caller_fields.get("Cookie"); own && same_origin(current, u.str()))
        actual.fields.add("Cookie", *own);
      apply_cookies(actual);
      response resp = send_once(actual, ro, timeout);
      resp.url = current;
      for (const auto& v : resp.headers.get_all("Set-Cookie"))
        jar.store(r.target, v, std::chrono::system_clock::now());
      const auto location = resp.headers.get("Location");
      if (!follow || !is_redirect(resp.status) || !location) {
        resp.history = std::move(history);
        return resp;
      }
      if (static_cast<int>(history.size()) >= max_redirects)
        throw error(errc::too_many_redirects,
                    "exceeded " + std::to_string(max_redirects) + " redirects");
      const std::string next_text = redirect_target(current, *location);
      const url::url next = parse_http_url(next_text);
      const redirect_method m = method_after_redirect(resp.status, r.method);
      if (!same_origin(current, next_text)) r.fields.erase("Authorization");
      r.method = m.method;
      if (!m.keep_body) {
        r.body.clear();
        r.fields.erase("Content-Length");
        r.fields.erase("Content-Type");
      }
      r.target = next;
      r.target.fragment.clear();
      r.fields.set("Host", host_field(next));
      history.push_back(std::move(resp));
      current = next_text;
    }
  }
};

session::session(session_options opts) : impl_(std::make_unique<impl>(std::move(opts))) {}
session::~session() = default;
session::session(session&&) noexcept = default;
session& session::operator=(session&&) noexcept = default;

response session::request(std::string_view method, std::string_view url,
                          const request_options& opts) {
  return impl_->request(method, url, opts);
}
response session::get(std::string_view url, const request_options& o) {
  return request("GET", url, o);
}
response session::head(std::string_view url, const request_options& o) {
  if (o.allow_redirects) return request("HEAD", url, o);
  request_options copy = o;
  copy.allow_redirects = false;  // as requests.head()
  return request("HEAD", url, copy);
}
response session::post(std::string_view url, const request_options& o) {
  return request("POST", url, o);
}
response session::put(std::string_view url, const request_options& o) {
  return request("PUT", url, o);
}
response session::patch(std::string_view url, const request_options& o) {
  return request("PATCH", url, o);
}
response session::delete_(std::string_view url, const request_options& o) {
  return request("DELETE", url, o);
}
response session::options(std::string_view url, const request_options& o) {
  return request("OPTIONS", url, o);
}

cookie_jar& session::cookies() {
  return impl_->jar;
}
session_options& session::settings() {
  return impl_->opts;
}

void session::close() noexcept {
  for (auto& [_, conns] : impl_->pool)
    for (auto& c : conns)
      c->stream.close();
  impl_->pool.clear();
}

std::size_t session::connections_opened() const noexcept {
  return impl_->opened;
}

}  // namespace ph::clients::http
