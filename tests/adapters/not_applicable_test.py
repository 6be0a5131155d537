#!/usr/bin/env python3
"""N/A is its own verdict: a client that reports {"not_applicable": reason} for a step (here
the program itself, as its own --client-cmd) makes the scenario N/A — exit status 0, counted
apart in the summary, report.json, JUnit (skipped) and CTRF (skipped); never PASS or FAIL.

Usage: not_applicable_test.py PROTOHARNESS SCENARIO REPORT_DIR
       not_applicable_test.py --client HOST PORT STEPS   (the client under test)
"""
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET

REASON = "this client has no EHLO"


def client():
    # Nothing is sent: the first step already cannot be expressed.
    print(json.dumps({"not_applicable": REASON}), flush=True)


def check(ok, what):
    if not ok:
        sys.exit("FAIL: " + what)


def main():
    binary, scenario, report_dir = sys.argv[1:4]
    cmd = "%s %s --client {host} {port} {steps}" % (sys.executable, os.path.abspath(__file__))
    p = subprocess.run([binary, "run", scenario, "--client-cmd", cmd, "--report-dir", report_dir],
                       capture_output=True, text=True, timeout=120)
    print(p.stdout, p.stderr)
    check(p.returncode == 0, "exit status %d, expected 0" % p.returncode)
    check("0 PASS, 0 WARN, 0 FAIL, 0 ERROR" in p.stdout and "1 N/A" in p.stdout, "summary line")
    report = json.load(open(os.path.join(report_dir, "report.json")))
    check(report["counts"].get("N/A") == 1, "report.json counts: %s" % report["counts"])
    s = report["scenarios"][0]
    check(s["verdict"] == "N/A", "report.json verdict %s" % s["verdict"])
    check(s.get("not_applicable") == REASON, "report.json reason %r" % s.get("not_applicable"))
    junit = ET.parse(os.path.join(report_dir, "junit.xml")).getroot()
    check(junit.get("skipped") == "1" and junit.get("failures") == "0", "junit counts %s" % junit.attrib)
    case = junit.find(".//testcase")
    check(case.find("skipped") is not None and case.find("failure") is None, "junit testcase")
    check(REASON in case.find("skipped").get("message"), "junit skipped message")
    ctrf = json.load(open(os.path.join(report_dir, "ctrf.json")))["results"]
    check(ctrf["summary"]["skipped"] == 1 and ctrf["summary"]["failed"] == 0, "ctrf summary")
    check(ctrf["tests"][0]["status"] == "skipped" and ctrf["tests"][0]["rawStatus"] == "N/A", "ctrf test")
    print("ok: N/A reported as N/A")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--client"]:
        client()
    else:
        main()
