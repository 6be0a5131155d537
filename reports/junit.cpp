#include "reports/junit.hpp"

#include <algorithm>
#include <string>

#include <fmt/format.h>

#include "reports/divergence.hpp"
#include "reports/encoding.hpp"
#include "reports/redactor.hpp"
#include "reports/report_dir.hpp"
#include "reports/transcript_text.hpp"

namespace ph::reports {
namespace {

using ph::level;
using ph::outcome;
using ph::rule_result;
using ph::scenario_result;
using ph::verdict;

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
    return fmt::format("{} ({}, {}): {}", r.rule->id, r.rule->rfc, ph::to_string(r.rule->lvl),
                       visible(clean(r.message)));
  }

  std::string evidence_line(const ph::evidence& ev) const {
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

 private:
  const scenario_result& result_;
  redactor red_;
  bool redact_;
};

std::string section(std::string_view title, const std::string& body) {
  return body.empty() ? std::string() : fmt::format("{}:\n{}", title, body);
}

// One <testcase>; `transcript` is what its <system-out> shows of the transcript.
void write_testcase(std::string& out, const scenario_result& r, const render_options& options,
                    const std::string& transcript) {
  const findings f(r, options);
  out += fmt::format("    <testcase classname=\"protoharness.{}\" name=\"{}\" time=\"{}\"",
                     xml_escape(protocol_of(r), true), xml_escape(r.id, true), seconds(r.duration));
  if (!r.file.empty()) out += fmt::format(" file=\"{}\"", xml_escape(r.file, true));
  if (r.final == verdict::pass) {
    out += "/>\n";
    return;
  }
  out += ">\n";

  const auto divergence = first_divergence(r);
  std::string message =
      divergence ? visible(f.clean(divergence->summary)) : std::string(ph::to_string(r.final));
  if (r.final == verdict::fail) {
    std::string type = "mismatch";
    if (divergence && divergence->source == divergence_source::rule) {
      const auto& rule = r.rules[static_cast<std::size_t>(divergence->index)];
      type = rule.rule != nullptr ? rule.rule->id : "rule";
    }
    const std::string body = section("Failing rules", f.rules(nullptr)) +
                             section("Problems", f.problems()) +
                             section("Client steps not as expected", f.steps());
    out += fmt::format("      <failure message=\"{}\" type=\"{}\">{}</failure>\n",
                       xml_escape(message, true), xml_escape(type, true), xml_escape(body));
  } else if (r.final == verdict::not_applicable) {
    out += fmt::format("      <skipped message=\"{}\"/>\n",
                       xml_escape(visible(f.clean("not applicable: " + r.not_applicable)), true));
  } else if (r.final == verdict::error) {
    if (!r.problems.empty()) message = visible(f.clean(r.problems.front()));
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
  system_out += transcript;
  out += fmt::format("      <system-out>{}</system-out>\n", xml_escape(system_out));
  if (!r.client_log.empty())
    out += fmt::format("      <system-err>{}</system-err>\n", xml_escape(f.clean(r.client_log)));
  out += "    </testcase>\n";
}

}  // namespace

namespace {

// The document, with transcripts[i] as results[i]'s transcript and `truncated` (if not
// empty) stated as a property of every suite.
//
// One <testsuite> per protocol rather than one for the run: Jenkins and GitLab both list
// and count per suite, so a per-protocol suite gives per-protocol totals at a glance, and
// the classname "protoharness.<protocol>" still gives Jenkins its package/class tree.
std::string junit_document(const std::vector<scenario_result>& results, const run_info& info,
                           const render_options& options,
                           const std::vector<std::string>& transcripts,
                           const std::string& truncated) {
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
      "skipped=\"{}\" time=\"{}\" timestamp=\"{}\">\n",
      results.size(), count(nullptr, verdict::fail), count(nullptr, verdict::error),
      count(nullptr, verdict::not_applicable), seconds(info.wall_time),
      xml_escape(info.started_at, true));
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
        "skipped=\"{}\" time=\"{}\" timestamp=\"{}\" hostname=\"{}\">\n",
        xml_escape(protocol, true), tests, count(&protocol, verdict::fail),
        count(&protocol, verdict::error), count(&protocol, verdict::not_applicable), seconds(time),
        xml_escape(info.started_at, true), xml_escape(info.hostname, true));
    out += "    <properties>\n";
    out += fmt::format("      <property name=\"tool_version\" value=\"{}\"/>\n",
                       xml_escape(info.tool_version, true));
    out += fmt::format("      <property name=\"client\" value=\"{}\"/>\n",
                       xml_escape(info.client, true));
    out += fmt::format("      <property name=\"jobs\" value=\"{}\"/>\n", info.jobs);
    if (!truncated.empty())
      out += fmt::format("      <property name=\"transcripts_truncated\" value=\"{}\"/>\n",
                         xml_escape(truncated, true));
    out += "    </properties>\n";
    for (std::size_t i = 0; i < results.size(); ++i)
      if (protocol_of(results[i]) == protocol)
        write_testcase(out, results[i], options, transcripts[i]);
    out += "  </testsuite>\n";
  }
  out += "</testsuites>\n";
  return out;
}

// `transcript` cut to at most `cap` bytes at a line end, with a line saying so.
std::string cut_transcript(const std::string& transcript, std::size_t cap, std::string_view id,
                           std::size_t limit) {
  if (transcript.size() <= cap) return transcript;
  std::size_t keep = utf8_safe_cut(transcript, cap);
  if (const auto nl = transcript.rfind('\n', keep == 0 ? 0 : keep - 1);
      nl != std::string::npos && nl < keep)
    keep = nl + 1;
  return transcript.substr(0, keep) +
         fmt::format(
             "… transcript truncated: {} of {} bytes shown (junit.xml is kept under {} "
             "bytes); the whole of it is in transcripts/{}\n",
             keep, transcript.size(), limit, transcript_file_name(id));
}

}  // namespace

std::string junit_xml(const std::vector<scenario_result>& results, const run_info& info,
                      const render_options& options) {
  std::vector<std::string> transcripts(results.size());
  std::size_t longest = 0;
  for (std::size_t i = 0; i < results.size(); ++i) {
    if (results[i].final == verdict::pass) continue;
    transcripts[i] = render_transcript(results[i], options);
    longest = std::max(longest, transcripts[i].size());
  }
  std::string doc = junit_document(results, info, options, transcripts, "");
  const std::size_t limit = options.max_junit_bytes;
  if (doc.size() <= limit) return doc;

  // Over the limit: every transcript is cut to the same number of bytes, the most that fits.
  // The document's size grows with that cap, so a binary search finds it.
  auto build = [&](std::size_t cap) {
    std::vector<std::string> cut(results.size());
    for (std::size_t i = 0; i < results.size(); ++i)
      if (!transcripts[i].empty())
        cut[i] = cut_transcript(transcripts[i], cap, results[i].id, limit);
    return junit_document(
        results, info, options, cut,
        fmt::format("every transcript cut to at most {} bytes to keep junit.xml under {} bytes; "
                    "the whole transcripts are in transcripts/",
                    cap, limit));
  };
  std::size_t lo = 0, hi = longest;
  while (lo < hi) {
    const std::size_t mid = lo + (hi - lo + 1) / 2;
    if (build(mid).size() <= limit)
      lo = mid;
    else
      hi = mid - 1;
  }
  return build(lo);
}

}  // namespace ph::reports
