#!/usr/bin/env python3
"""Summarises gcovr's JSON (scripts/coverage.sh): line coverage per folder, then the lines of
the model servers that no test executed.

Usage: coverage_summary.py COVERAGE.json [--missed-glob GLOB] [--no-missed]
A folder is a source file's directory (fakeservers/smtp, harness/rules); the three roots
(fakeservers/, clients/, harness/rules/) get a total line each. Missed lines are listed for the
files matching --missed-glob (default: fakeservers/*/*_model.cpp) with their source text.
"""
import argparse
import collections
import fnmatch
import json
import os
import sys

ROOTS = ("fakeservers/", "clients/", "harness/rules/")


def line_counts(files):
    """{path: {line: count}} over executable lines, the highest count where gcovr repeats one."""
    out = collections.defaultdict(dict)
    for f in files:
        path = f["file"]
        for ln in f["lines"]:
            if ln.get("gcovr/noncode"):
                continue
            n = ln["line_number"]
            out[path][n] = max(out[path].get(n, 0), ln["count"])
    return out


def pct(hit, total):
    return 100.0 * hit / total if total else 100.0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("coverage")
    ap.add_argument("--missed-glob", default="fakeservers/*/*_model.cpp")
    ap.add_argument("--no-missed", action="store_true")
    args = ap.parse_args()
    with open(args.coverage) as f:
        data = json.load(f)
    counts = line_counts(data["files"])

    folders = collections.defaultdict(lambda: [0, 0])
    roots = collections.defaultdict(lambda: [0, 0])
    for path, lines in counts.items():
        hit = sum(1 for c in lines.values() if c > 0)
        folder = os.path.dirname(path)
        folders[folder][0] += hit
        folders[folder][1] += len(lines)
        for r in ROOTS:
            if path.startswith(r):
                roots[r][0] += hit
                roots[r][1] += len(lines)

    print(f"{'folder':<28} {'lines':>7} {'hit':>7} {'cover':>7}")
    for folder in sorted(folders):
        hit, total = folders[folder]
        print(f"{folder:<28} {total:>7} {hit:>7} {pct(hit, total):>6.1f}%")
    print()
    for r in ROOTS:
        hit, total = roots[r]
        print(f"{r:<28} {total:>7} {hit:>7} {pct(hit, total):>6.1f}%")

    if args.no_missed:
        return 0
    for path in sorted(counts):
        if not fnmatch.fnmatch(path, args.missed_glob):
            continue
        missed = sorted(n for n, c in counts[path].items() if c == 0)
        print(f"\n{path}: {len(missed)} line(s) never executed")
        try:
            with open(path, encoding="utf-8", errors="replace") as src:
                text = src.read().split("\n")
        except OSError:
            text = []
        for n in missed:
            code = text[n - 1].strip() if n - 1 < len(text) else ""
            print(f"  {n:>5}: {code}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
