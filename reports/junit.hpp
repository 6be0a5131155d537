#pragma once
// JUnit XML for CI (Jenkins' JUnit plugin, GitLab's unit test reports).

#include <string>
#include <string_view>
#include <vector>

#include "reports/encoding.hpp"
#include "reports/render_options.hpp"
#include "reports/run_info.hpp"
#include "vocabulary/result.hpp"

namespace ph::reports {

// A <testsuites> document with one <testsuite name="protoharness.<protocol>"> per protocol
// (in order of first appearance) and one <testcase classname="protoharness.<protocol>"
// name="<id>" time="<seconds>" file="<scenario file>"> per scenario:
//  - FAIL: <failure message="..." type="<rule id or 'mismatch'>">. The message is the first
//    divergence (reports/divergence.hpp): a script step's expected and actual line, a rule
//    (id, RFC section, level, message, first evidence: conn, event index, excerpt), a client
//    step's mismatch or a problem; type is the rule's id when a rule came first. The body
//    lists every failing rule with its evidence, every problem and every unmatched client step.
//  - ERROR: <error message="<first problem>">, the body lists all problems.
//  - WARN: passes; <system-out> starts with the SHOULD-level findings.
//  - every verdict but PASS: the rendered transcript in <system-out>, the external client's
//    log (if any) in <system-err>.
// Text is escaped for XML 1.0; bytes XML cannot carry (control characters, invalid UTF-8)
// are shown as \xNN. Credentials are masked unless options.redact is false. A document
// over options.max_junit_bytes has every transcript cut to one length (the longest that
// fits) at a line end, each cut transcript ends with a line saying so, and every suite has
// a "transcripts_truncated" property.
std::string junit_xml(const std::vector<ph::scenario_result>& results, const run_info& info,
                      const render_options& options);

}  // namespace ph::reports
