#!/usr/bin/env python3
"""Fault matrix: every fault kind of the fake servers at every command of one model scenario.

Usage: fault_matrix.py PROTOHARNESS SCENARIO [--timeout-ms MS] [--jobs N] [--keep DIR]

Reads SCENARIO (a model-mode scenario of the corpus), counts the commands its in-tree client
sends (a probe run: a no-op override on every command number notes each one), then writes one
scenario per (fault kind, command number) into a temporary directory: the same client steps
and model, the client's deadline shortened to --timeout-ms, and one [[server.override]] with
`command = N` and the fault. HTTP scenarios also get every route fault kind on every declared
route. `protoharness run` runs them all; its JSON report is then judged case by case:

  bad   ERROR (the harness failed), or a step whose outcome is an error without a type
        (`exception`, `system_error`, `not_reported`): a crash of the client's error handling;
        or a step (QUIT aside) that succeeded with values other than expected: the client took
        a reply that was not its own
  good  PASS or WARN; or FAIL where the failing steps returned a typed error (timeout,
        disconnected, protocol_error, response_error, ...), or rules the faulted run broke

The run itself must exit 0 or 1 (not a signal) and the unfaulted scenario must PASS.
Prints the counts (cases, outcomes by kind, errors by name, rules broken) and every bad case.
"""
import argparse
import collections
import json
import os
import random
import subprocess
import sys
import tempfile
import tomllib

# Fault kinds of [[server.override]] (fakeservers/engine/script.cpp parse_fault), plus raw
# replies (reply_raw): random bytes and an over-long line.
OVERRIDE_FAULTS = {
    "drip": {"fault": {"kind": "drip", "bytes": 3, "delay_ms": 1}},
    "delay": {"fault": {"kind": "delay", "ms": 30}},
    "delay-past-deadline": None,  # filled in from --timeout-ms
    "bare_lf": {"fault": {"kind": "bare_lf"}},
    "close": {"fault": {"kind": "close"}},
    "reset": {"fault": {"kind": "reset"}},
    "stall": {"fault": {"kind": "stall"}},
    "garbage": None,  # random bytes, filled in per case
    "overlong-line": {"reply_raw": "2" * 3 + " " + "x" * 70000 + "\r\n"},
}
# HTTP route faults (fakeservers/http/http_dialect.cpp parse_route_fault).
ROUTE_FAULTS = {
    "reset": {"kind": "reset"},
    "empty": {"kind": "empty"},
    "garbage": {"kind": "garbage", "count": 200},
    "bad_chunk": {"kind": "bad_chunk"},
    "drip": {"kind": "drip", "bytes": 7, "delay_ms": 1},
    "delay": {"kind": "delay", "ms": 30},
    "stall": {"kind": "stall"},
    "stall_body": {"kind": "stall_body"},
    "long_body": {"kind": "long_body", "count": 16},
    "short_body": {"kind": "short_body", "count": 3},
    "close": {"kind": "close"},
}
UNTYPED = {"exception", "system_error", "not_reported"}


# ---- a small TOML writer (tomllib only reads) -------------------------------------------

def toml_value(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, str):
        # A JSON string is a TOML basic string, but for DEL, which TOML wants escaped.
        return json.dumps(v, ensure_ascii=False).replace("\x7f", "\\u007f")
    if isinstance(v, list):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{toml_key(k)} = {toml_value(x)}" for k, x in v.items()) + " }"
    raise TypeError(f"cannot write {type(v).__name__} as TOML")


def toml_key(k):
    bare = k and all(c.isalnum() or c in "-_" for c in k)
    return k if bare else json.dumps(k)


def toml_table(name, table, out, array=False):
    """[name] (or [[name]]) with scalars and inline values first, then sub-tables."""
    out.append(f"[[{name}]]" if array else f"[{name}]")
    subs = []
    for k, v in table.items():
        if isinstance(v, dict) and name in ("server", "server.model") and k != "faults":
            subs.append((k, v, False))
        elif (isinstance(v, list) and v and all(isinstance(x, dict) for x in v)
              and name in ("server", "server.model")):
            subs.append((k, v, True))
        else:
            out.append(f"{toml_key(k)} = {toml_value(v)}")
    for k, v, is_array in subs:
        if is_array:
            for item in v:
                toml_table(f"{name}.{k}", item, out, array=True)
        else:
            toml_table(f"{name}.{k}", v, out)


def to_toml(doc):
    out = []
    for k, v in doc.items():
        if not isinstance(v, (dict, list)) or (isinstance(v, list) and not
                                                all(isinstance(x, dict) for x in v)):
            out.append(f"{toml_key(k)} = {toml_value(v)}")
    for k, v in doc.items():
        if isinstance(v, dict):
            toml_table(k, v, out)
        elif isinstance(v, list) and v and all(isinstance(x, dict) for x in v):
            for item in v:
                toml_table(k, item, out, array=True)
    return "\n".join(out) + "\n"


# ---- cases --------------------------------------------------------------------------------

def variant(base, timeout_ms, override=None, route_fault=None):
    doc = json.loads(json.dumps(base))  # deep copy
    doc.setdefault("client_options", {})["timeout_ms"] = timeout_ms
    for step in doc.get("client", []):
        step.pop("timeout_ms", None)
    doc.setdefault("judge", {}).setdefault("timeout_ms", 20000)
    if override is not None:
        doc["server"].setdefault("override", []).insert(0, override)
    if route_fault is not None:
        index, fault = route_fault
        doc["server"]["model"]["routes"][index]["fault"] = fault
    return doc


def run(exe, directory, report_dir, jobs, timeout_s):
    cmd = [exe, "run", directory, "-j", str(jobs), "--report-dir", report_dir]
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          errors="replace", timeout=timeout_s)
    with open(os.path.join(report_dir, "report.json")) as f:
        return proc.returncode, proc.stdout, json.load(f)


def count_commands(exe, base, timeout_ms, work):
    """Runs the scenario with a no-op override on command numbers 1..200 and counts the
    commands noted; also requires that the unfaulted scenario passes."""
    doc = variant(base, max(timeout_ms, 2000))
    probes = [{"command": n, "fault": {"kind": "delay", "ms": 0}} for n in range(1, 201)]
    doc["server"]["override"] = probes + doc["server"].get("override", [])
    d = os.path.join(work, "probe")
    os.makedirs(d)
    with open(os.path.join(d, "probe.toml"), "w") as f:
        f.write(to_toml(doc))
    status, out, report = run(exe, d, os.path.join(work, "probe-report"), 1, 120)
    sc = report["scenarios"][0]
    if sc["verdict"] not in ("PASS", "WARN"):
        sys.exit(f"the unfaulted scenario does not pass ({sc['verdict']}):\n{out}")
    notes = 0
    for t in sc["transcripts"]:
        for e in t["events"]:
            if e["kind"] == "note" and e.get("text", "").startswith("override at"):
                notes += 1
    return notes


def classify(sc):
    """(bucket, error names, rules broken, bad reason or None)."""
    errors = []
    for st in sc["steps"]:
        out = st.get("outcome")
        if isinstance(out, dict) and "error" in out:
            errors.append(out["error"])
    rules = sorted({r.get("id") or "?" for r in sc["rules"] if r["outcome"] == "fail"})
    untyped = [e for e in errors if e in UNTYPED]
    if sc["verdict"] == "ERROR":
        return "ERROR", errors, rules, "; ".join(sc["problems"]) or "ERROR verdict"
    if untyped:
        return "untyped-error", errors, rules, f"untyped client error(s) {untyped}"
    if sc["verdict"] in ("PASS", "WARN"):
        return sc["verdict"], errors, rules, None
    mismatched = [st for st in sc["steps"] if not st["matched"]]
    # A step that succeeded with other values took a reply that was not its own (a client out
    # of step after a fault). QUIT is exempt: the clients' quit() never throws and returns an
    # empty reply when the connection is gone.
    wrong = [st for st in mismatched if st["op"] != "quit" and not (
        isinstance(st.get("outcome"), dict) and "error" in st["outcome"])]
    if wrong:
        return "wrong-success", errors, rules, "; ".join(
            st["mismatch"].split(": ", 1)[-1][:300] for st in wrong)
    if any(isinstance(st.get("outcome"), dict) and "error" in st["outcome"] for st in mismatched):
        return "FAIL: typed client error", errors, rules, None
    if mismatched:
        return "FAIL: quit without a reply", errors, rules, None
    return "FAIL: rules only", errors, rules, None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("exe")
    ap.add_argument("scenario")
    ap.add_argument("--timeout-ms", type=int, default=400)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--keep", help="write the cases and the report here instead of a temp dir")
    args = ap.parse_args()
    with open(args.scenario, "rb") as f:
        base = tomllib.load(f)
    if base.get("server", {}).get("mode") != "model":
        sys.exit(f"{args.scenario}: not a model-mode scenario")
    protocol = base["protocol"]
    rnd = random.Random(4242)

    with tempfile.TemporaryDirectory() as tmp:
        work = args.keep or tmp
        os.makedirs(work, exist_ok=True)
        commands = count_commands(args.exe, base, args.timeout_ms, work)
        if commands == 0:
            sys.exit("the probe run noted no command")
        cases = os.path.join(work, "cases", protocol)
        os.makedirs(cases)
        written = 0
        for kind, spec in OVERRIDE_FAULTS.items():
            for n in range(1, commands + 1):
                if kind == "garbage":
                    raw = "".join(chr(rnd.choice([*range(0, 128), 0xE9, 0x2603]))
                                  for _ in range(rnd.randint(16, 300)))
                    spec_n = {"reply_raw": raw}
                elif kind == "delay-past-deadline":
                    spec_n = {"fault": {"kind": "delay", "ms": args.timeout_ms + 300}}
                else:
                    spec_n = spec
                doc = variant(base, args.timeout_ms, {"command": n, **spec_n})
                doc["summary"] = f"fault {kind} at command {n}"
                with open(os.path.join(cases, f"fault-{kind}-cmd{n:02}.toml"), "w") as f:
                    f.write(to_toml(doc))
                written += 1
        routes = base["server"].get("model", {}).get("routes", []) if protocol == "http" else []
        for kind, fault in ROUTE_FAULTS.items():
            for i in range(len(routes)):
                doc = variant(base, args.timeout_ms, route_fault=(i, fault))
                doc["summary"] = f"route fault {kind} on route {i + 1}"
                with open(os.path.join(cases, f"route-{kind}-r{i + 1:02}.toml"), "w") as f:
                    f.write(to_toml(doc))
                written += 1

        status, out, report = run(args.exe, cases, os.path.join(work, "report"), args.jobs,
                                  written * 30)
        buckets = collections.Counter()
        error_names = collections.Counter()
        rules_broken = collections.Counter()
        bad = []
        for sc in report["scenarios"]:
            bucket, errors, rules, why = classify(sc)
            buckets[bucket] += 1
            error_names.update(errors)
            rules_broken.update(rules)
            if why:
                bad.append(f"{sc['file']}: {bucket}: {why}")
        ran = len(report["scenarios"])
        print(f"fault matrix {protocol} ({os.path.basename(args.scenario)}): {commands} commands, "
              f"{len(OVERRIDE_FAULTS)} override fault kinds"
              + (f", {len(ROUTE_FAULTS)} route fault kinds x {len(routes)} routes" if routes else "")
              + f"; {ran} cases run (of {written} written); run exit {status}")
        for b, c in sorted(buckets.items()):
            print(f"  {b}: {c}")
        print("  step errors by name: " + ", ".join(f"{k} {v}" for k, v in
                                                     sorted(error_names.items())))
        print("  rules broken (cases): " + (", ".join(f"{k} {v}" for k, v in
                                                        sorted(rules_broken.items())) or "none"))
        if status not in (0, 1):
            bad.append(f"protoharness run exited with status {status}")
        if ran != written:
            bad.append(f"{written - ran} case(s) missing from the report")
        for b in bad:
            print("bad:", b)
        if bad:
            print(out[-6000:])
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
