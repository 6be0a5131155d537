#include "reports/junit.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "reports/encoding.hpp"
#include "reports/redactor.hpp"
#include "reports/transcript_text.hpp"

namespace ph::reports {
namespace {

using harness::level;
using harness::outcome;
using harness::rule_result;
using harness::scenario_result;
using harness::verdict;

std::string seconds(std::chrono::microseconds d) {
  return fmt::format("{:.3f}", static_cast<double>(d.count()) / 1e6);
}

std::string protocol_of(const scenario_result& r) {
  return r.protocol.empty() ? "unknown" : r.protocol;
}

// Everything a report says about one scenario's findings, with credentials masked.
class findings {
 public:
  findings(const scenario_result& r, const render_options& options)
      : result_(r), red_(r), redact_(options.redact) {}

  std::string clean(std::string_view text) const {
    return redact_ ? red_.apply(text) : std::string(text);
  }

  std::string rule_line(const rule_result& r) const {
    if (r.rule == nullptr) return fmt::format("(unknown rule): {}", visible(clean(r.message)));
    return fmt::format("{} ({}, {}): {}", r.rule->id, r.rule->rfc, harness::to_string(r.rule->lvl),
                       visible(clean(r.message)));
  }

  std::string evidence_line(const harness::evidence& ev) const {
    return fmt::format("conn {}, event {}: {}{}", ev.connection, ev.event,
                       visible_excerpt(clean(ev.excerpt)), evidence_cut_note(ev));
  }

  // Failing rules of the given level (all levels when `only` is null), with evidence.
  std::string rules(const level* only) const {
    std::string out;
    for (const auto& r : result_.rules) {
      if (r.result != outcome::fail) continue;
      if (only != nullptr && (r.rule == nullptr || r.rule->lvl != *only)) continue;
      out += "  " + rule_line(r) + "\n";
      for (const auto& ev : r.evidence)
        out += "    " + evidence_line(ev) + "\n";
    }
    return out;
  }

  std::string problems() const {
    std::string out;
    for (const auto& p : result_.problems)
      out += "  " + visible(clean(p)) + "\n";
    return out;
  }

  std::string steps() const {
    std::string out;
    for (std::size_t i = 0; i < result_.steps.size(); ++i) {
      const auto& st = result_.steps[i];
      if (!st.matched)
        out += fmt::format("  step {} {}: {}\n", i + 1, st.op, visible(clean(st.mismatch)));
    }
    return out;
  }

  const rule_result* first_failing_rule() const {
    const rule_result* any = nullptr;
    for (const auto& r : result_.rules) {
      if (r.result != outcome::fail) continue;
      if (r.rule != nullptr && r.rule->lvl == level::must) return &r;
      if (any == nullptr) any = &r;
    }
    return any;
  }

 private:
  const scenario_result& result_;
  redactor red_;
  bool redact_;
};

std::string section(std::string_view title, const std::string& body) {
  return body.empty() ? std::string() : fmt::format("{}:\n{}", title, body);
}

void write_testcase(std::string& out, const scenario_result& r, const render_options& options) {
  const findings f(r, options);
  out += fmt::format("    <testcase classname=\"protoharness.{}\" name=\"{}\" time=\"{}\"",
                     xml_escape(protocol_of(r), true), xml_escape(r.id, true), seconds(r.duration));
  if (!r.file.empty()) out += fmt::format(" file=\"{}\"", xml_escape(r.file, true));
  if (r.final == verdict::pass) {
    out += "/>\n";
    return;
  }
  out += ">\n";

  if (r.final == verdict::fail) {
    std::string message, type = "mismatch";
    if (const rule_result* first = f.first_failing_rule();
        first != nullptr &&
        (first->rule == nullptr || first->rule->lvl == level::must || r.problems.empty())) {
      message = f.rule_line(*first);
      if (!first->evidence.empty()) message += " at " + f.evidence_line(first->evidence.front());
      type = first->rule != nullptr ? first->rule->id : "rule";
    } else if (!r.problems.empty()) {
      message = visible(f.clean(r.problems.front()));
    } else {
      message = "FAIL";
    }
    const std::string body = section("Failing rules", f.rules(nullptr)) +
                             section("Problems", f.problems()) +
                             section("Client steps not as expected", f.steps());
    out += fmt::format("      <failure message=\"{}\" type=\"{}\">{}</failure>\n",
                       xml_escape(message, true), xml_escape(type, true), xml_escape(body));
  } else if (r.final == verdict::error) {
    const std::string message =
        r.problems.empty() ? std::string("ERROR") : visible(f.clean(r.problems.front()));
    out += fmt::format("      <error message=\"{}\" type=\"error\">{}</error>\n",
                       xml_escape(message, true), xml_escape(section("Problems", f.problems())));
  }

  std::string system_out;
  if (r.final == verdict::warn) {
    const level should = level::should;
    system_out += section("SHOULD-level findings", f.rules(&should));
    system_out += section("Problems", f.problems());
    system_out += '\n';
  }
  system_out += render_transcript(r, options);
  out += fmt::format("      <system-out>{}</system-out>\n", xml_escape(system_out));
  if (!r.client_log.empty())
    out += fmt::format("      <system-err>{}</system-err>\n", xml_escape(f.clean(r.client_log)));
  out += "    </testcase>\n";
}

}  // namespace

std::string xml_escape(std::string_view text, bool attribute) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size() + text.size() / 16);
  auto escape = [&](unsigned char b) {
    out += "\\x";
    out += hex[b >> 4];
    out += hex[b & 0xF];
  };
  for (std::size_t i = 0; i < text.size();) {
    const auto b = static_cast<unsigned char>(text[i]);
    if (b >= 0x80) {
      const std::size_t n = utf8_sequence_length(text, i);
      const std::string_view seq = text.substr(i, n);
      if (n == 0) {
        escape(b);
        ++i;
      } else if (seq == "\xEF\xBF\xBE" || seq == "\xEF\xBF\xBF") {  // U+FFFE, U+FFFF
        for (char c : seq)
          escape(static_cast<unsigned char>(c));
        i += n;
      } else {
        out.append(seq);
        i += n;
      }
      continue;
    }
    switch (b) {
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
        out += attribute ? "&quot;" : "\"";
        break;
      case '\'':
        out += attribute ? "&apos;" : "'";
        break;
      case '\t':
        out += attribute ? "&#9;" : "\t";
        break;
      case '\n':
        out += attribute ? "&#10;" : "\n";
        break;
      case '\r':
        out += "&#13;";
        break;  // a raw CR would be normalised away by the parser
      default:
        if (b < 0x20)
          escape(b);
        else
          out += static_cast<char>(b);
    }
    ++i;
  }
  return out;
}

// One <testsuite> per protocol rather than one for the run: Jenkins and GitLab both list
// and count per suite, so a per-protocol suite gives per-protocol totals at a glance, and
// the classname "protoharness.<protocol>" still gives Jenkins its package/class tree.
std::string junit_xml(const std::vector<scenario_result>& results, const run_info& info,
                      const render_options& options) {
  std::vector<std::string> protocols;
  for (const auto& r : results)
    if (std::find(protocols.begin(), protocols.end(), protocol_of(r)) == protocols.end())
      protocols.push_back(protocol_of(r));

  auto count = [&](const std::string* protocol, verdict v) {
    return std::count_if(results.begin(), results.end(), [&](const scenario_result& r) {
      return (protocol == nullptr || protocol_of(r) == *protocol) && r.final == v;
    });
  };

  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += fmt::format(
      "<testsuites name=\"protoharness\" tests=\"{}\" failures=\"{}\" errors=\"{}\" "
      "skipped=\"0\" time=\"{}\" timestamp=\"{}\">\n",
      results.size(), count(nullptr, verdict::fail), count(nullptr, verdict::error),
      seconds(info.wall_time), xml_escape(info.started_at, true));
  for (const auto& protocol : protocols) {
    std::size_t tests = 0;
    std::chrono::microseconds time{0};
    for (const auto& r : results)
      if (protocol_of(r) == protocol) {
        ++tests;
        time += r.duration;
      }
    out += fmt::format(
        "  <testsuite name=\"protoharness.{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" "
        "skipped=\"0\" time=\"{}\" timestamp=\"{}\" hostname=\"{}\">\n",
        xml_escape(protocol, true), tests, count(&protocol, verdict::fail),
        count(&protocol, verdict::error), seconds(time), xml_escape(info.started_at, true),
        xml_escape(info.hostname, true));
    out += "    <properties>\n";
    out += fmt::format("      <property name=\"tool_version\" value=\"{}\"/>\n",
                       xml_escape(info.tool_version, true));
    out += fmt::format("      <property name=\"client\" value=\"{}\"/>\n",
                       xml_escape(info.client, true));
    out += fmt::format("      <property name=\"jobs\" value=\"{}\"/>\n", info.jobs);
    out += "    </properties>\n";
    for (const auto& r : results)
      if (protocol_of(r) == protocol) write_testcase(out, r, options);
    out += "  </testsuite>\n";
  }
  out += "</testsuites>\n";
  return out;
}

}  // namespace ph::reports
