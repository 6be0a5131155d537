#!/usr/bin/env python3
"""Runs protoharness with a broken client and checks that the report FAILs the given rules.

Usage: check_report.py PROTOHARNESS SCENARIO CLIENT_CMD RULE [RULE...]
"""
import json
import subprocess
import sys
import tempfile


def main():
    exe, scenario, client_cmd, rules = sys.argv[1], sys.argv[2], sys.argv[3], set(sys.argv[4:])
    with tempfile.TemporaryDirectory() as out:
        run = subprocess.run([exe, "run", scenario, "--client-cmd", client_cmd, "--report-dir", out],
                             capture_output=True, text=True, timeout=60)
        print(run.stdout, run.stderr)
        if run.returncode != 1:
            sys.exit(f"expected exit code 1 (FAIL), got {run.returncode}")
        report = json.load(open(f"{out}/report.json"))
    result = report["scenarios"][0]
    if result["verdict"] != "FAIL":
        sys.exit(f"expected verdict FAIL, got {result['verdict']}")
    failed = {r["id"] for r in result["rules"] if r["outcome"] == "fail"}
    missing = rules - failed
    if missing:
        sys.exit(f"rules not failed: {sorted(missing)}; failed were {sorted(failed)}")
    print(f"self-check ok: FAIL with {sorted(rules)} among {sorted(failed)}")


if __name__ == "__main__":
    main()
