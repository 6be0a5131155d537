#!/usr/bin/env python3
"""run/list --shard and merge through the CLI: the slices of N shards list every scenario
exactly once, and N shard runs merged give the report of one whole run.

usage: shard_cli.py PROTOHARNESS SCENARIOS_DIR WORK_DIR CASE"""
import json
import os
import shutil
import subprocess
import sys

exe, scenarios, work, case = sys.argv[1:5]


def ph(*args, check_rc=None):
    p = subprocess.run([exe, *args], capture_output=True, text=True, timeout=600)
    if check_rc is not None and p.returncode != check_rc:
        sys.exit(f"{' '.join(args)}: exit {p.returncode}, wanted {check_rc}\n{p.stdout}\n{p.stderr}")
    return p


def listed(*args):
    return [line.split()[0] for line in ph("list", scenarios, *args, check_rc=0).stdout.splitlines()]


def ids_of(report_dir):
    with open(os.path.join(report_dir, "report.json")) as f:
        return [s["id"] for s in json.load(f)["scenarios"]]


if case == "list-slices-cover-the-corpus-once":
    everything = listed()
    assert len(everything) == len(set(everything)) > 100, len(everything)
    for n in (1, 2, 3, 7):
        slices = [listed("--shard", f"{i}/{n}") for i in range(1, n + 1)]
        joined = sorted(x for s in slices for x in s)
        assert joined == sorted(everything), f"{n} shards do not cover the corpus exactly once"
        sizes = [len(s) for s in slices]
        assert max(sizes) - min(sizes) <= 1, sizes
    # Filter first, then slice.
    smtp = listed("--filter", "smtp/*")
    halves = listed("--filter", "smtp/*", "--shard", "1/2") + listed("--filter", "smtp/*", "--shard", "2/2")
    assert sorted(halves) == sorted(smtp), "filtered slices"

elif case == "bad-shards-are-usage-errors":
    for bad in ("0/2", "3/2", "x", "1/", "1/0"):
        p = ph("list", scenarios, "--shard", bad, check_rc=2)
        assert "I/N" in p.stderr, p.stderr
    p = ph("list", scenarios, "--shard-timings", "nothing.json", check_rc=2)
    assert "--shard" in p.stderr, p.stderr
    p = ph("list", scenarios, "--shard", "1/2", "--shard-timings", "/nonexistent/report.json",
           check_rc=2)
    assert "cannot read" in p.stderr, p.stderr

elif case == "merged-shards-equal-one-run":
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    pick = ["--filter", "pop3/*", "-j", "2"]
    whole = os.path.join(work, "whole")
    ph("run", scenarios, *pick, "--report-dir", whole)
    parts = []
    for i in (1, 2, 3):
        d = os.path.join(work, f"shard{i}")
        ph("run", scenarios, *pick, "--shard", f"{i}/3", "--shard-timings", whole, "--report-dir", d)
        parts.append(d)
    merged = os.path.join(work, "merged")
    p = ph("merge", merged, *parts)
    assert p.returncode in (0, 1), p.stderr
    assert sorted(ids_of(merged)) == sorted(ids_of(whole)), "merged ids"
    for name in ("index.html", "junit.xml", "ctrf.json", "summary.md", "report.json"):
        assert os.path.getsize(os.path.join(merged, name)) > 0, name
    with open(os.path.join(merged, "report.json")) as f:
        report = json.load(f)
    with open(os.path.join(whole, "report.json")) as f:
        base = json.load(f)
    assert report["counts"]["total"] == base["counts"]["total"], report["counts"]
    verdicts = lambda r: {s["id"]: s["verdict"] for s in r["scenarios"]}
    assert verdicts(report) == verdicts(base), "verdicts differ"
    rules = lambda r: {(s["id"], x["id"], x["outcome"]) for s in r["scenarios"] for x in s["rules"]}
    assert rules(report) == rules(base), "rule outcomes differ"
    assert len(os.listdir(os.path.join(merged, "transcripts"))) == base["counts"]["total"]
    # compare sees nothing worse between the whole run and the merged shards.
    ph("compare", whole, merged, "--ignore-time", check_rc=0)
    # The same shard twice: the merged counts would lie.
    p = ph("merge", os.path.join(work, "twice"), parts[0], parts[0], check_rc=2)
    assert "overlap" in p.stderr, p.stderr
    p = ph("merge", os.path.join(work, "bad"), os.path.join(work, "missing"), check_rc=2)
    assert "cannot read" in p.stderr, p.stderr

else:
    sys.exit(f"unknown case {case}")
print("ok")
