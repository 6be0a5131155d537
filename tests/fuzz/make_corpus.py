#!/usr/bin/env python3
"""Regenerates the seed corpora in tests/fuzz/corpus/<target>/.

Seeds come from the scenario corpus (scenarios/*: the files themselves, and the transcripts of a
run of all of them: server bytes for the client parsers, client bytes for the fake servers, whole
transcripts for the judge) and from the literals of the unit tests (URLs, cookies). Each seed set
is then minimised with the target's own libFuzzer -merge=1 (when build-fuzz has the target), so
only inputs that add coverage are kept.

  tests/fuzz/make_corpus.py [--protoharness build/protoharness] [--fuzz-build build-fuzz]
"""

import argparse
import base64
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HERE = os.path.join(ROOT, "tests", "fuzz")
BASE = "http://127.0.0.1:8080"


def targets():
    out = {}
    with open(os.path.join(HERE, "targets.txt")) as f:
        for line in f:
            if line.strip() and not line.startswith("#"):
                name, max_len = line.split()
                out[name] = int(max_len)
    return out


def event_bytes(e):
    if "base64" in e:
        return base64.b64decode(e["base64"])
    return e.get("text", "").encode("utf-8", "surrogateescape")


def stream(t, direction, channel=0, before_tls=False):
    out = b""
    for e in t["events"]:
        if e["channel"] != channel:
            continue
        if before_tls and e["kind"] == "tls-start":
            break
        if e["kind"] == "data" and e["dir"] == direction:
            out += event_bytes(e)
    return out


KINDS = {"open": 8, "tls-start": 9, "tls-ready": 10, "tls-failed": 11, "close": 12, "reset": 13,
         "note": 14, "data": 0}


def judge_input(scenario_id, t):
    out = scenario_id.encode() + b"\n"
    for e in t["events"]:
        data = event_bytes(e)[:65535]
        header = KINDS[e["kind"]] | (0x10 if e["dir"] == "server_to_client" else 0)
        header |= (min(e["channel"], 3) & 3) << 5
        out += bytes([header, len(data) >> 8, len(data) & 0xFF]) + data
    return out


def fdp_string(s):
    """A string as FuzzedDataProvider.ConsumeRandomLengthString reads it."""
    return s.replace(b"\\", b"\\\\") + b"\\x"


def literals(path):
    with open(path, encoding="utf-8") as f:
        return re.findall(r'"((?:[^"\\\n]|\\.)*)"', f.read())


def add(seeds, target, data, limits):
    seeds.setdefault(target, set()).add(bytes(data[: limits[target]]))


def collect(report, limits):
    seeds = {}
    for sc in report["scenarios"]:
        proto, sid = sc["protocol"], sc["id"]
        for t in sc["transcripts"]:
            server = stream(t, "server_to_client")
            client = stream(t, "client_to_server", before_tls=True)
            reply_target = {"smtp": "smtp_reply", "pop3": "pop3_response",
                            "nntp": "nntp_response", "ftp": "ftp_reply"}.get(proto)
            if reply_target:
                add(seeds, reply_target, server, limits)
            if proto == "ftp":
                for ch in range(1, len(t["channels"])):
                    add(seeds, "ftp_reply", stream(t, "server_to_client", ch), limits)
            if proto == "http":
                first = stream(t, "client_to_server").split(b" ", 1)[0]
                method = {b"GET": 0, b"HEAD": 1, b"POST": 2, b"PUT": 3}.get(first, 0)
                add(seeds, "http_response", bytes([0, method]) + server, limits)
                for m in re.finditer(rb"(?im)^set-cookie:[ \t]*(.*?)\r?$", server):
                    add(seeds, "cookies", BASE.encode() + b"/cookies/set\n" + m.group(1) +
                        b"\n> " + BASE.encode() + b"/", limits)
                for m in re.finditer(rb"(?im)^location:[ \t]*(.*?)\r?$", server):
                    add(seeds, "url", BASE.encode() + b"/a/b?c#d\n" + m.group(1), limits)
            add(seeds, "line_stream", bytes([0, 0, 0]) + server, limits)
            add(seeds, "fake_server_" + proto, bytes([0]) + client, limits)
            add(seeds, "fake_server_" + proto, bytes([0x80]) + client, limits)  # the script
            add(seeds, "judge_" + proto, judge_input(sid, t), limits)
    return seeds


def static_seeds(seeds, limits):
    for dirpath, _, files in os.walk(os.path.join(ROOT, "scenarios")):
        for name in files:
            if not name.endswith(".toml"):
                continue
            with open(os.path.join(dirpath, name), "rb") as f:
                text = f.read()
            add(seeds, "scenario", text, limits)
            for m in re.finditer(rb'url\s*=\s*"([^"]+)"', text):
                add(seeds, "url", m.group(1).replace(b"{base}", BASE.encode()), limits)
    urls = literals(os.path.join(ROOT, "tests", "clients", "url", "url_test.cpp"))
    for a, b in zip(urls, urls[1:]):
        add(seeds, "url", ("http://a/b/c/d;p?q\n" + b if ":" not in a else a + "\n" + b)
            .encode(), limits)
    cookie_literals = literals(os.path.join(ROOT, "tests", "clients", "http", "cookies_test.cpp"))
    requests = [c for c in cookie_literals if c.startswith("http")] or [BASE + "/"]
    values = [c for c in cookie_literals if "=" in c and not c.startswith("http")]
    for i in range(0, len(values), 4):
        url = requests[i % len(requests)]
        add(seeds, "cookies", (url + "\n" + "\n".join(values[i:i + 4]) + "\n> " + url).encode(),
            limits)
    for boundary, parts in [(b"BOUND", [(b"a", b"1", None)]),
                            (b"", [(b"f", b"hello", (b"x.txt", b"text/plain"))]),
                            (b"xx", [(b"k", b"xx--xx", None), (b'q"\r\n', b"", (b"y\"z", b""))])]:
        seed = fdp_string(boundary)
        tail = b""
        for name, value, file in parts:
            seed += fdp_string(name)
            if file:
                seed += fdp_string(file[0]) + fdp_string(file[1]) + fdp_string(value)
                tail = b"\x00" + tail  # ConsumeBool reads from the end: false = a file
            else:
                seed += fdp_string(value)
                tail = b"\x01" + tail
        add(seeds, "multipart", seed + tail + bytes([len(parts)]), limits)


def write(seeds, target, into):
    os.makedirs(into, exist_ok=True)
    for data in sorted(seeds.get(target, ())):
        with open(os.path.join(into, hashlib.sha1(data).hexdigest()), "wb") as f:
            f.write(data)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--protoharness", default=os.path.join(ROOT, "build", "protoharness"))
    ap.add_argument("--fuzz-build", default=os.path.join(ROOT, "build-fuzz"))
    ap.add_argument("--report", help="a report.json of a run of scenarios/ (--no-redact "
                    "--full-data) instead of running one")
    args = ap.parse_args()
    limits = targets()
    with tempfile.TemporaryDirectory(prefix="ph-corpus-") as tmp:
        report_path = args.report
        if not report_path:
            subprocess.run([args.protoharness, "run", os.path.join(ROOT, "scenarios"), "-j", "2",
                            "--report-dir", os.path.join(tmp, "report"), "--no-redact",
                            "--full-data"], stdout=subprocess.DEVNULL, check=False)
            report_path = os.path.join(tmp, "report", "report.json")
        with open(report_path) as f:
            report = json.load(f)
        seeds = collect(report, limits)
        static_seeds(seeds, limits)
        for target, max_len in limits.items():
            raw = os.path.join(tmp, "raw", target)
            write(seeds, target, raw)
            dest = os.path.join(HERE, "corpus", target)
            binary = os.path.join(args.fuzz_build, "tests", "fuzz", target)
            merged = os.path.join(tmp, "merged", target)
            os.makedirs(merged)
            if os.path.exists(binary):
                subprocess.run([binary, "-merge=1", f"-max_len={max_len}", "-timeout=5",
                                "-rss_limit_mb=2048", merged, raw], check=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            else:
                print(f"make_corpus: {binary} not built; {target} seeds kept unminimised")
                merged = raw
            shutil.rmtree(dest, ignore_errors=True)
            shutil.copytree(merged, dest)
            print(f"make_corpus: {target}: {len(seeds.get(target, ()))} seeds, "
                  f"{len(os.listdir(dest))} kept")
    return 0


if __name__ == "__main__":
    sys.exit(main())
