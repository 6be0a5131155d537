#!/usr/bin/env python3
"""`protoharness compare` through the real CLI: exit codes, terminal text, --html, --markdown.

Usage: compare_cli_test.py PROTOHARNESS WORK_DIR
"""
import json
import os
import shutil
import subprocess
import sys

failures = []


def check(cond, what):
    print(("ok    " if cond else "FAIL  ") + what)
    if not cond:
        failures.append(what)


def report(scenarios):
    return {"schema": "protoharness.report/1", "run": {"started_at": "2026-01-01T00:00:00.000Z"},
            "scenarios": [{"id": i, "verdict": v, "duration_ms": 10,
                           "rules": [{"id": r, "outcome": "fail"} for r in rules]}
                          for i, v, rules in scenarios]}


def write(path, doc):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(doc, f)


def compare(binary, *args):
    run = subprocess.run([binary, "compare", *args], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, timeout=60)
    return run.returncode, run.stdout.decode(), run.stderr.decode()


def main():
    binary, work = sys.argv[1], os.path.abspath(sys.argv[2])
    shutil.rmtree(work, ignore_errors=True)
    green = os.path.join(work, "green", "report.json")
    red = os.path.join(work, "red", "report.json")
    write(green, report([("smtp/a", "PASS", []), ("smtp/b", "WARN", ["SMTP-QUIT"])]))
    write(red, report([("smtp/a", "FAIL", ["SMTP-DOT-STUFF"]), ("smtp/b", "WARN", ["SMTP-QUIT"])]))

    rc, out, err = compare(binary, green, green)
    check(rc == 0 and "nothing got worse" in out, "the same run twice exits 0: %d %s" % (rc, err))

    html, md = os.path.join(work, "cmp.html"), os.path.join(work, "cmp.md")
    rc, out, err = compare(binary, os.path.dirname(green), red, "--html", html, "--markdown", md)
    check(rc == 1, "a new FAIL exits 1 (got %d)" % rc)
    check("PASS → FAIL" in out and "smtp/a" in out and "+SMTP-DOT-STUFF" in out,
          "the terminal names the scenario, the verdicts and the new finding:\n" + out)
    check(os.path.exists(html) and "badge FAIL" in open(html).read(), "--html writes the page")
    check(os.path.exists(md) and "PASS → FAIL" in open(md).read(), "--markdown writes the summary")

    rc, out, err = compare(binary, red, green)
    check(rc == 0 and "FAIL → PASS" in out and "-SMTP-DOT-STUFF" in out,
          "a fix alone exits 0 and lists what was fixed: %d\n%s" % (rc, out))

    rc, out, err = compare(binary, green, os.path.join(work, "missing.json"))
    check(rc == 2 and "cannot read" in err, "an unreadable report exits 2 with a message: %r" % err)
    write(os.path.join(work, "ctrf.json"), {"reportFormat": "CTRF"})
    rc, out, err = compare(binary, green, os.path.join(work, "ctrf.json"))
    check(rc == 2 and "not a protoharness report" in err, "another kind of file exits 2: %r" % err)

    if failures:
        print("%d check(s) failed" % len(failures))
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
