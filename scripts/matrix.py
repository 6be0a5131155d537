#!/usr/bin/env python3
"""The conformance matrix: the whole scenario corpus run by each client protocoharness can
drive (the in-tree clients and every adapter in tests/adapters/), written as
conformance/MATRIX.md and conformance/matrix.json.

  scripts/matrix.py [--build build] [--out out/matrix] [--jobs 2] [--client NAME ...]

Each client runs the scenarios of the protocols it speaks (`protoharness run scenarios/P ...
--client-cmd ... --report-dir OUT/CLIENT`); the others are N/A for it and are not run. The
matrix holds scenario x client -> verdict (a FAIL or ERROR names its transcript in the report
directory) and rule x client -> how many scenarios the rule broke in.
"""
import argparse
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROTOCOLS = ["smtp", "pop3", "ftp", "nntp", "http"]
ADAPTERS = os.path.join(ROOT, "tests", "adapters")
# name, protocols, adapter file (None: the in-tree clients), library shown in the header
CLIENTS = [
    ("in-tree", PROTOCOLS, None),
    ("smtplib", ["smtp"], "smtplib_adapter.py"),
    ("poplib", ["pop3"], "poplib_adapter.py"),
    ("ftplib", ["ftp"], "ftplib_adapter.py"),
    ("nntplib", ["nntp"], "nntplib_adapter.py"),
    ("http.client", ["http"], "httpclient_adapter.py"),
    ("urllib", ["http"], "urllib_adapter.py"),
    ("requests", ["http"], "requests_adapter.py"),
    ("curl", ["smtp", "pop3", "ftp", "http"], "curl_adapter.py"),
]
VERDICTS = ["PASS", "WARN", "FAIL", "ERROR", "N/A"]


def versions():
    py = sys.version.split()[0]
    out = {"python": py}
    try:
        import requests
        out["requests"] = requests.__version__
    except ImportError:
        pass
    try:
        out["curl"] = subprocess.run(["curl", "--version"], capture_output=True, text=True).stdout.split("\n")[0]
    except OSError:
        pass
    return out


def run_client(binary, name, protocols, adapter, out_dir, jobs):
    report_dir = os.path.join(out_dir, name)
    cmd = [binary, "run"] + [os.path.join(ROOT, "scenarios", p) for p in protocols] + \
          ["-j", str(jobs), "--quiet", "--report-dir", report_dir]
    if adapter:
        cmd += ["--client-cmd", "%s %s {host} {port} {steps}" % (sys.executable, os.path.join(ADAPTERS, adapter))]
    print("matrix: %s" % name, file=sys.stderr, flush=True)
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode not in (0, 1):
        sys.exit("matrix: %s: protoharness exited %d\n%s" % (name, p.returncode, p.stderr))
    with open(os.path.join(report_dir, "report.json"), encoding="utf-8") as f:
        return json.load(f), report_dir


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--out", default=os.path.join(ROOT, "out", "matrix"))
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--client", action="append", help="only these clients (others keep their column out)")
    ap.add_argument("--conformance", default=os.path.join(ROOT, "conformance"))
    args = ap.parse_args()
    binary = os.path.join(args.build, "protoharness")
    scenarios = sorted(os.path.splitext(os.path.relpath(os.path.join(d, f), os.path.join(ROOT, "scenarios")))[0]
                       for d, _, files in os.walk(os.path.join(ROOT, "scenarios")) for f in files
                       if f.endswith(".toml"))
    cells = {s: {} for s in scenarios}
    rules = {}
    totals = {}
    clients = [c for c in CLIENTS if not args.client or c[0] in args.client]
    for name, protocols, adapter in clients:
        report, report_dir = run_client(binary, name, protocols, adapter, args.out, args.jobs)
        rel_dir = os.path.relpath(report_dir, ROOT)
        totals[name] = dict.fromkeys(VERDICTS, 0)
        for s in report["scenarios"]:
            cell = {"verdict": s["verdict"]}
            if s["verdict"] in ("FAIL", "ERROR"):
                cell["transcript"] = "%s/transcripts/%s.txt" % (rel_dir, s["id"].replace("/", "__"))
                cell["why"] = (s.get("first_divergence") or {}).get("text") or (s.get("problems") or [""])[0]
            if s["verdict"] == "N/A":
                cell["why"] = s.get("not_applicable", "")
            for r in s.get("rules", []):
                if r["outcome"] == "fail":
                    rules.setdefault(r["id"], {}).setdefault(name, 0)
                    rules[r["id"]][name] += 1
            cells.setdefault(s["id"], {})[name] = cell
        for s in scenarios:  # protocols it does not speak: N/A, not run
            if s.split("/")[0] not in protocols:
                cells[s][name] = {"verdict": "N/A", "why": "does not speak " + s.split("/")[0]}
        for s in scenarios:
            totals[name][cells[s].get(name, {"verdict": "N/A"})["verdict"]] += 1
    names = [c[0] for c in clients]
    doc = {"schema": "protoharness.matrix/1", "versions": versions(), "clients": names,
           "totals": totals, "scenarios": cells, "rules": rules}
    os.makedirs(args.conformance, exist_ok=True)
    with open(os.path.join(args.conformance, "matrix.json"), "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1, sort_keys=True, ensure_ascii=False)
        f.write("\n")
    with open(os.path.join(args.conformance, "MATRIX.md"), "w", encoding="utf-8") as f:
        f.write(markdown(doc, names, scenarios))
    print("matrix: wrote %s/MATRIX.md and matrix.json" % os.path.relpath(args.conformance, ROOT), file=sys.stderr)


def markdown(doc, names, scenarios):
    v = doc["versions"]
    out = ["# Conformance matrix", "",
           "Generated by `scripts/matrix.sh` (do not edit): every scenario of `scenarios/` run by each "
           "client; a client's N/A is a scenario of a protocol it does not speak, or a step its library "
           "cannot express (the reason is in `matrix.json`). FAIL and ERROR cells link the transcript "
           "in the report directory of that run (`out/matrix/CLIENT/`). Triage: [FINDINGS.md](FINDINGS.md).", "",
           "Python %s, requests %s, %s." % (v.get("python"), v.get("requests", "?"), v.get("curl", "curl ?")), "",
           "## Totals", "", "| client | " + " | ".join(VERDICTS) + " |", "|---|" + "---:|" * len(VERDICTS)]
    for n in names:
        out.append("| %s | %s |" % (n, " | ".join(str(doc["totals"][n][x]) for x in VERDICTS)))
    out += ["", "## Scenario × client", "", "| scenario | " + " | ".join(names) + " |",
            "|---|" + "---|" * len(names)]
    for s in scenarios:
        row = []
        for n in names:
            c = doc["scenarios"][s].get(n, {"verdict": "N/A"})
            row.append("[%s](../%s)" % (c["verdict"], c["transcript"]) if "transcript" in c else c["verdict"])
        out.append("| %s | %s |" % (s, " | ".join(row)))
    out += ["", "## Rule × client (scenarios in which the rule broke)", "",
            "| rule | " + " | ".join(names) + " |", "|---|" + "---:|" * len(names)]
    for r in sorted(doc["rules"]):
        out.append("| %s | %s |" % (r, " | ".join(str(doc["rules"][r].get(n, "")) for n in names)))
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    main()
