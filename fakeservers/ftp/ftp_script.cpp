#include "fakeservers/ftp/ftp_script.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <functional>
#include <vector>

#include <fmt/format.h>

#include "fakeservers/engine/script.hpp"
#include "fakeservers/ftp/ftp_data_channel.hpp"

namespace ph::fakeservers::ftp {

namespace {

// A step's data-channel actions, in the order they run: data_port (the matched line names the
// active target), data_listen (then `send` may use {port} {p1} {p2} {host}, or is filled),
// the reply, data_delay_ms, data_never_connect, connect/accept, data_tls, data_send(_size),
// data_expect, data_stall, data_close / data_reset.
struct data_step final : step_extra {
  bool data_port = false;
  std::optional<std::string> data_listen;  // "pasv" | "epsv"
  std::chrono::milliseconds data_delay{0};
  bool data_never_connect = false;
  bool data_tls = false;
  std::optional<std::string> data_send;
  json data_expect;  // {contains, not_contains, equals, size, sha256}
  bool data_stall = false;
  bool data_close = false;
  bool data_reset = false;
  bool uses_data() const {
    return data_tls || data_send || !data_expect.is_null() || data_stall || data_close ||
           data_reset;
  }
};

std::string replace_all(std::string s, std::string_view from, std::string_view to) {
  for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
    s.replace(at, from.size(), to);
  return s;
}

class data_keys final : public step_keys {
 public:
  const std::vector<std::string>& names() const override {
    static const std::vector<std::string> keys = {
        "data_port",  "data_listen", "data_delay_ms",  "data_never_connect",
        "data_tls",   "data_send",   "data_send_size", "data_expect",
        "data_stall", "data_close",  "data_reset"};
    return keys;
  }

  std::shared_ptr<const step_extra> parse(const ph::scenario& scen, const json& j,
                                          const std::string& ptr,
                                          bool expects_line) const override {
    auto x = std::make_shared<data_step>();
    auto flag = [&](const char* key, bool& out) {
      if (!j.contains(key)) return;
      if (!j[key].is_boolean())
        scen.fail(ptr + "/" + key, fmt::format("{} must be true or false", key));
      out = j[key].get<bool>();
    };
    flag("data_port", x->data_port);
    flag("data_never_connect", x->data_never_connect);
    flag("data_tls", x->data_tls);
    flag("data_stall", x->data_stall);
    flag("data_close", x->data_close);
    flag("data_reset", x->data_reset);
    if (x->data_port && !expects_line)
      scen.fail(ptr + "/data_port", "data_port needs expect (the client's PORT/EPRT line)");
    if (j.contains("data_listen")) {
      const json& v = j["data_listen"];
      if (v != "pasv" && v != "epsv")
        scen.fail(ptr + "/data_listen", "data_listen must be \"pasv\" or \"epsv\"");
      x->data_listen = v.get<std::string>();
    }
    if (j.contains("data_delay_ms")) {
      const json& v = j["data_delay_ms"];
      if (!v.is_number_integer() || v.get<int>() < 0)
        scen.fail(ptr + "/data_delay_ms", "data_delay_ms must be a non-negative integer");
      x->data_delay = std::chrono::milliseconds(v.get<int>());
    }
    if (j.contains("data_send")) {
      if (!j["data_send"].is_string()) scen.fail(ptr + "/data_send", "data_send must be a string");
      x->data_send = j["data_send"].get<std::string>();
    }
    if (j.contains("data_send_size")) {
      const json& v = j["data_send_size"];
      if (!v.is_number_integer() || v.get<std::int64_t>() < 0 ||
          v.get<std::int64_t>() > (std::int64_t{1} << 30))
        scen.fail(ptr + "/data_send_size", "data_send_size must be a count up to 1 GiB");
      if (x->data_send) scen.fail(ptr, "use data_send or data_send_size, not both");
      x->data_send = generated_bytes(v.get<std::size_t>());
    }
    if (j.contains("data_expect")) {
      const json& v = j["data_expect"];
      if (!v.is_object()) scen.fail(ptr + "/data_expect", "data_expect must be a table");
      for (const auto& [key, x] : v.items()) {
        std::string at = ptr + "/data_expect/" + key;
        if (key == "size") {
          if (!x.is_number_integer() || x.get<std::int64_t>() < 0)
            scen.fail(at, "size must be a count");
        } else if (key == "sha256") {
          if (!x.is_string() || x.get<std::string>().size() != 64)
            scen.fail(at, "sha256 must be 64 lower-case hex digits");
        } else if (key == "equals") {
          if (!x.is_string()) scen.fail(at, "equals must be a string");
        } else if (key != "contains" && key != "not_contains") {
          scen.fail(at, fmt::format("unknown data_expect key '{}' (contains, not_contains, "
                                    "equals, size, sha256)",
                                    key));
        }
      }
      x->data_expect = v;
    }
    if (x->data_close && x->data_reset) scen.fail(ptr, "use data_close or data_reset, not both");
    if (x->data_never_connect && x->uses_data())
      scen.fail(ptr, "data_never_connect cannot be combined with other data actions");
    return x;
  }

  std::string on_line(session& s, const step_extra& extra, const std::string& line) const override {
    const auto& st = static_cast<const data_step&>(extra);
    if (!st.data_port) return {};
    auto target = parse_active_target(line);
    if (!target || !data_channel::of(s).target(target->first, target->second))
      return fmt::format("'{}' names no loopback active-mode target", excerpt(line));
    return {};
  }

  void before_send(session& s, const step_extra& extra, std::vector<std::string>& send,
                   std::optional<std::string>& send_raw) const override;
  awaitable<void> after_send(session& s, const step_extra& extra,
                             const std::function<void(std::string)>& problem) const override;
};

void data_keys::before_send(session& s, const step_extra& extra, std::vector<std::string>& send,
                            std::optional<std::string>& send_raw) const {
  const auto& st = static_cast<const data_step&>(extra);
  if (st.data_listen) {
    auto& data = data_channel::of(s);
    std::uint16_t port = data.listen();
    std::string host = data.local_address();
    std::replace(host.begin(), host.end(), '.', ',');
    auto fill = [&](std::string t) {
      t = replace_all(std::move(t), "{port}", std::to_string(port));
      t = replace_all(std::move(t), "{p1}", std::to_string(port / 256));
      t = replace_all(std::move(t), "{p2}", std::to_string(port % 256));
      return replace_all(std::move(t), "{host}", host);
    };
    for (auto& l : send)
      l = fill(l);
    if (send_raw) send_raw = fill(*send_raw);
    // RFC 959 §4.1.2 (227 h1,h2,h3,h4,p1,p2), RFC 2428 §3 (229 (|||port|)).
    if (send.empty() && !send_raw)
      send.push_back(
          *st.data_listen == "pasv"
              ? fmt::format("227 Entering Passive Mode ({},{},{})", host, port / 256, port % 256)
              : fmt::format("229 Entering Extended Passive Mode (|||{}|)", port));
  }
}

awaitable<void> data_keys::after_send(session& s, const step_extra& extra,
                                      const std::function<void(std::string)>& problem) const {
  const auto& st = static_cast<const data_step&>(extra);
  auto& data = data_channel::of(s);
  if (st.data_delay.count()) {
    s.note(fmt::format("data_delay: {} ms", st.data_delay.count()));
    co_await s.sleep(st.data_delay);
  }
  if (st.data_never_connect) {
    s.note("data_never_connect: the server drops the pending data connection");
    data.discard();
  }
  if (!st.uses_data()) co_return;
  if (!co_await data.open()) {
    problem("no data connection could be established");
    co_return;
  }
  // (co_await kept out of && conditions: GCC 12 miscompiles short-circuited co_await.)
  if (st.data_tls) {
    bool ok = co_await data.start_tls();
    if (!ok) co_return;
  }
  if (st.data_send) {
    bool ok = co_await data.send(*st.data_send);
    if (!ok) co_return;
  }
  if (!st.data_expect.is_null()) {
    auto got = co_await data.read_all();
    if (!got) {
      problem("the data connection failed before the upload ended");
    } else {
      json plain = st.data_expect;
      plain.erase("sha256");
      for (auto& p : check_block(plain, *got))
        problem("data: " + p);
      if (st.data_expect.contains("sha256") &&
          sha256_hex(*got) != st.data_expect["sha256"].get<std::string>())
        problem(fmt::format("data sha256 is {}, expected {}", sha256_hex(*got),
                            st.data_expect["sha256"].get<std::string>()));
    }
  }
  if (st.data_stall) {
    s.note("data_stall: the server holds the data connection and sends nothing");
    co_await data.wait_close();
  }
  if (st.data_reset)
    data.reset();
  else if (st.data_close)
    co_await data.close();
}

}  // namespace

const step_keys& data_step_keys() {
  static const data_keys keys;
  return keys;
}

std::optional<std::pair<std::string, std::uint16_t>> parse_active_target(std::string_view line) {
  auto number = [](std::string_view t, unsigned max) -> std::optional<unsigned> {
    unsigned v = 0;
    if (t.empty() || t.size() > 5) return std::nullopt;
    auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
    if (ec != std::errc() || p != t.data() + t.size() || v > max) return std::nullopt;
    return v;
  };
  auto sp = line.find(' ');
  if (sp == std::string_view::npos) return std::nullopt;
  std::string verb(line.substr(0, sp));
  for (auto& c : verb)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  std::string_view arg = line.substr(sp + 1);
  while (!arg.empty() && (arg.back() == '\r' || arg.back() == '\n' || arg.back() == ' '))
    arg.remove_suffix(1);
  if (verb == "PORT") {
    std::vector<unsigned> parts;
    std::size_t at = 0;
    while (parts.size() < 6) {
      auto comma = arg.find(',', at);
      auto piece = arg.substr(at, comma == std::string_view::npos ? arg.npos : comma - at);
      auto v = number(piece, 255);
      if (!v) return std::nullopt;
      parts.push_back(*v);
      if (comma == std::string_view::npos) break;
      at = comma + 1;
    }
    if (parts.size() != 6 || std::count(arg.begin(), arg.end(), ',') != 5) return std::nullopt;
    return std::pair{fmt::format("{}.{}.{}.{}", parts[0], parts[1], parts[2], parts[3]),
                     static_cast<std::uint16_t>(parts[4] * 256 + parts[5])};
  }
  if (verb == "EPRT") {
    // |af|addr|port| with any delimiter in 33..126 (RFC 2428 §2).
    if (arg.size() < 7) return std::nullopt;
    char delim = arg[0];
    if (delim < 33 || delim > 126 || arg.back() != delim) return std::nullopt;
    std::vector<std::string_view> f;
    std::size_t at = 1;
    for (auto next = arg.find(delim, at); next != std::string_view::npos;
         next = arg.find(delim, at)) {
      f.push_back(arg.substr(at, next - at));
      at = next + 1;
    }
    if (f.size() != 3 || (f[0] != "1" && f[0] != "2")) return std::nullopt;
    auto port = number(f[2], 65535);
    if (!port || f[1].empty()) return std::nullopt;
    return std::pair{std::string(f[1]), static_cast<std::uint16_t>(*port)};
  }
  return std::nullopt;
}

}  // namespace ph::fakeservers::ftp
