#!/usr/bin/env python3
"""The CLI's edges: exit codes (0 passed, 1 a FAIL or ERROR, 2 usage or setup error), options
out of range, hostile scenario files. Every hostile input is generated here.

Usage: cli_edges.py PROTOHARNESS CASE      (CASE: one of the functions named case_*)
"""
import json
import os
import select
import socket
import subprocess
import sys
import tempfile

PH = sys.argv[1]
TIMEOUT = 60  # seconds for any one command: a hang fails the case instead of blocking CTest

GOOD = """protocol = "smtp"
summary = "model session"
[[client]]
op = "sendmail"
args = { from = "a@client.example.org", to = ["b@fake.test"], message = "Subject: t\\r\\n\\r\\nhi\\r\\n" }
[[client]]
op = "quit"
[server]
mode = "model"
"""
HEAD = 'protocol = "smtp"\nsummary = "x"\n'


def run(*args):
    """(exit code, stdout, stderr) of protoharness with these arguments."""
    p = subprocess.run([PH, *args], capture_output=True, text=True, timeout=TIMEOUT)
    return p.returncode, p.stdout, p.stderr


def expect(cond, what, out=""):
    if not cond:
        sys.exit(f"FAILED: {what}\n{out}")


def expect_usage(args, mention):
    rc, out, err = run(*args)
    expect(rc == 2, f"{' '.join(args)}: exit {rc}, want 2", out + err)
    expect(mention in out + err, f"{' '.join(args)}: the message does not mention {mention!r}",
           out + err)


def write(folder, name, text):
    path = os.path.join(folder, name)
    with open(path, "w", newline="") as f:
        f.write(text)
    return path


def case_serve_timeout_must_be_positive():
    expect_usage(["serve", "--model", "smtp", "--timeout-ms", "0"], "--timeout-ms")
    expect_usage(["serve", "--model", "smtp", "--timeout-ms", "-5"], "--timeout-ms")


def case_counts_must_not_be_negative():
    expect_usage(["serve", "--model", "smtp", "--count", "-1"], "--count")
    # A bench count of -1 wrapped to 2^64 - 1: a run that never ends.
    expect_usage(["bench", "smtp://x:1", "--op", "sendmail", "--fake", "-n", "-1"], "--count")
    expect_usage(["bench", "smtp://x:1", "--op", "sendmail", "--fake", "-n", "1", "--size", "-3"],
                 "--size")
    expect_usage(["bench", "smtp://x:1", "--op", "sendmail", "--fake", "-n", "1",
                  "--timeout-ms", "0"], "--timeout-ms")


def case_serve_file_or_model_not_both():
    with tempfile.TemporaryDirectory() as d:
        expect_usage(["serve", write(d, "s.toml", GOOD), "--model", "smtp"], "--model")


def case_bind_resolves_names_and_short_forms():
    for bind in ["localhost", "127.1"]:
        p = subprocess.Popen([PH, "serve", "--model", "smtp", "--bind", bind, "--port", "0",
                              "--count", "1", "--summary"], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
        try:
            ready, _, _ = select.select([p.stdout], [], [], TIMEOUT)
            expect(ready, f"--bind {bind}: no first line in {TIMEOUT} s")
            first = p.stdout.readline().strip()
            expect(first.startswith("listening on 127.0.0.1:"), f"--bind {bind}: {first!r}",
                   first + p.stderr.read() if p.poll() is not None else first)
            port = int(first.rsplit(":", 1)[1])
            with socket.create_connection(("127.0.0.1", port), timeout=5) as c:
                c.settimeout(5)
                expect(c.recv(100).startswith(b"220 "), f"--bind {bind}: no greeting")
                c.sendall(b"QUIT\r\n")
                c.recv(100)
            rc = p.wait(timeout=TIMEOUT)
            expect(rc == 0, f"--bind {bind}: exit {rc}", p.stdout.read() + p.stderr.read())
        finally:
            if p.poll() is None:
                p.kill()
                p.wait()
    expect_usage(["serve", "--model", "smtp", "--bind", "no-such-host.invalid"], "--bind")


def case_missing_paths_and_empty_folders_are_usage_errors():
    with tempfile.TemporaryDirectory() as d:
        for cmd in ["run", "check", "list"]:
            expect_usage([cmd, os.path.join(d, "absent")], "no such file or folder")
            expect_usage([cmd, d], "no scenario files found")


def case_unknown_protocol_lists_the_known_ones():
    expect_usage(["rules", "--protocol", "gopher"], "smtp, pop3, nntp, ftp, http")
    expect_usage(["serve", "--model", "gopher"], "smtp, pop3, nntp, ftp, http")
    rc, out, _ = run("rules", "--protocol", "pop3")
    expect(rc == 0 and "POP3-" in out, "rules --protocol pop3 lists POP3 rules", out)


def case_list_json_names_every_scenario():
    with tempfile.TemporaryDirectory() as d:
        folder = os.path.join(d, "scenarios", "smtp")
        os.makedirs(folder)
        write(folder, "good.toml", GOOD.replace('summary = "model session"',
                                                'summary = "say \\"hi\\"\\r\\n"\ntags = ["model", "x"]'))
        write(folder, "bad.toml", HEAD + "[server]\nmode = 1\n")
        rc, out, err = run("list", d, "--json")
        expect(rc == 1, f"list --json with a bad file: exit {rc}, want 1", out + err)
        entries = {e["id"]: e for e in json.loads(out)}
        expect(sorted(entries) == ["smtp/bad", "smtp/good"], f"ids: {sorted(entries)}", out)
        good, bad = entries["smtp/good"], entries["smtp/bad"]
        expect(good["tags"] == ["model", "x"] and good["protocol"] == "smtp" and
               good["mode"] == "model" and good["summary"] == 'say "hi"\r\n' and
               good["file"].endswith("good.toml") and "error" not in good, "good entry", out)
        expect(bad["file"].endswith("bad.toml") and "mode" in bad["error"] and
               "tags" not in bad, "bad entry", out)
        rc, out, err = run("list", d, "--json", "--filter", "smtp/g*")
        expect(rc == 0 and [e["id"] for e in json.loads(out)] == ["smtp/good"],
               "list --json --filter", out + err)


def case_tags_select_packs():
    with tempfile.TemporaryDirectory() as d:
        folder = os.path.join(d, "scenarios", "smtp")
        os.makedirs(folder)
        for name, tags in [("a", '["model", "security", "starttls"]'), ("b", '["model", "desync"]'),
                           ("c", '["model"]')]:
            write(folder, f"{name}.toml", GOOD.replace('summary = "model session"',
                                                       f'summary = "{name}"\ntags = {tags}'))
        write(folder, "bad.toml", HEAD + "[server]\nmode = 1\n")

        def ids(*args):
            rc, out, err = run("list", d, "--json", *args)
            return rc, sorted(e["id"] for e in json.loads(out))
        # A file that does not load has no known tags: kept, so that the run says why.
        expect(ids("--tag", "starttls") == (1, ["smtp/a", "smtp/bad"]), "--tag starttls")
        expect(ids("--tag", "starttls", "--tag", "desync")[1] == ["smtp/a", "smtp/b", "smtp/bad"],
               "--tag is repeatable: any of them")
        expect(ids("--tag", "model", "--filter", "smtp/?") == (0, ["smtp/a", "smtp/b", "smtp/c"]),
               "--tag with --filter: both")
        rc, out, err = run("list", d, "--tags", "--filter", "smtp/?")
        counts = dict(line.split() for line in out.splitlines())
        expect(rc == 0 and counts == {"desync": "1", "model": "3", "security": "1", "starttls": "1"},
               "list --tags counts the selection's tags", out + err)
        rc, out, err = run("run", d, "--tag", "desync", "--report-dir", os.path.join(d, "r"))
        with open(os.path.join(d, "r", "report.json")) as f:
            ran = sorted(os.path.basename(x["file"]) for x in json.load(f)["scenarios"])
        expect(rc == 1 and ran == ["b.toml", "bad.toml"], f"run --tag desync ran {ran}", out + err)
        expect_usage(["run", d, "--filter", "smtp/?", "--tag", "nope"],
                     "no scenario matches --filter smtp/? --tag nope")
        expect_usage(["list", d, "--tags", "--json"], "--json excludes --tags")


def case_messages_show_control_characters():
    with tempfile.TemporaryDirectory() as d:
        path = write(d, "crlf.toml", HEAD + '[server]\nmode = "scr\\r\\nipt"\n')
        rc, out, err = run("check", path)
        expect(rc == 1, f"check: exit {rc}, want 1", out + err)
        expect("'scr\u240d\u240aipt'" in out, "CR LF not shown as \u240d\u240a", out)
        expect("\r" not in out, "a raw CR reached the output", out)


def case_special_files_are_errors_not_hangs():
    with tempfile.TemporaryDirectory() as d:
        fifo = os.path.join(d, "fifo.toml")
        os.mkfifo(fifo)
        for path in [fifo, "/dev/zero"]:
            rc, out, err = run("check", path)
            expect(rc == 1, f"check {path}: exit {rc}, want 1", out + err)
            expect(f"{path}: not a regular file" in out, f"check {path}", out + err)


def case_a_hostile_file_does_not_stop_the_run():
    with tempfile.TemporaryDirectory() as d:
        write(d, "good.toml", GOOD)
        write(d, "deep.toml", HEAD + "rfc = " + "[" * 8000 + "]" * 8000 + "\n")
        write(d, "regex.toml", HEAD + '[server]\nmode = "script"\n[[server.step]]\nexpect_re = "'
              + "(" * 30000 + "a" + ")" * 30000 + '"\n')
        report = os.path.join(d, "report")
        rc, out, err = run("run", d, "-j", "2", "--report-dir", report)
        expect(rc == 1, f"run: exit {rc}, want 1", out + err)
        with open(os.path.join(report, "report.json")) as f:
            results = {os.path.basename(s["file"]): s for s in json.load(f)["scenarios"]}
        expect(sorted(results) == ["deep.toml", "good.toml", "regex.toml"],
               f"report holds {sorted(results)}", out)
        expect(results["deep.toml"]["verdict"] == "ERROR", "deep.toml is not an ERROR", out)
        expect("deep.toml:3: nested deeper than 64 levels" in results["deep.toml"]["problems"][0],
               "deep.toml's problem", out)
        expect(results["regex.toml"]["verdict"] == "ERROR", "regex.toml is not an ERROR", out)
        expect(results["good.toml"]["verdict"] != "ERROR" and results["good.toml"]["ops"] == 2,
               "good.toml did not run", out)


def case_version_color_and_quiet():
    rc, out, _ = run("--version")
    expect(rc == 0 and out.startswith("protoharness 0.1.0"), "--version", out)
    with tempfile.TemporaryDirectory() as d:
        good = write(d, "good.toml", HEAD + '[[client]]\nop = "quit"\n[server]\nmode = "model"\n')
        rc, out, err = run("run", good, "--color", "always")
        expect(rc == 0 and "\033[1;32mPASS\033[0m  good " in out, "--color always", out + err)
        rc, out, _ = run("--color", "never", "run", good)
        expect(rc == 0 and "\033[" not in out and "PASS  good" in out, "--color never", out)
        # Not a terminal: auto is plain, whatever NO_COLOR says.
        rc, out, _ = run("run", good)
        expect(rc == 0 and "\033[" not in out, "--color auto off a terminal", out)
        expect_usage(["run", good, "--color", "sometimes"], "--color")
        # On a terminal (script(1) gives it one), auto colours unless NO_COLOR is set.
        for no_color, coloured in (("", True), ("1", False)):
            env = dict(os.environ, NO_COLOR=no_color, TERM="xterm")
            p = subprocess.run(["script", "-qec", f"{PH} run {good}", "/dev/null"], env=env,
                               capture_output=True, text=True, timeout=TIMEOUT)
            expect(("\033[1;32mPASS" in p.stdout) == coloured,
                   f"--color auto on a terminal, NO_COLOR={no_color!r}", p.stdout)
        rc, out, err = run("run", good, "-q")
        expect(rc == 0 and out.splitlines()[0].startswith("1 scenario: 1 PASS") and "\033[" not in err,
               "--quiet prints the summary only", out + err)
        expect_usage(["run", good, "-q", "-v"], "excludes")


def case_man_page():
    # Written beside the binary by cmake/man.cmake, from the CLI's own help.
    page = os.path.join(os.path.dirname(PH), "protoharness.1")
    expect(os.path.exists(page), f"no man page at {page} (help2man missing?)")
    with open(page) as f:
        text = f.read()
    _, top, _ = run("--help")
    names = [line.split()[0] for line in top.split("Subcommands:")[1].splitlines() if line.strip()]
    expect(len(names) >= 8, "subcommands in --help", top)
    for name in names:
        expect(f".SS {name}\n" in text, f"the man page has no section for {name}")
        _, sub, _ = run(name, "--help")
        expect(sub.splitlines()[0].split(":")[0] in text, f"{name}'s help is not in the page")
    expect(".SH \"EXIT STATUS\"" in text, "the man page's EXIT STATUS section", text[-400:])
    p = subprocess.run(["groff", "-man", "-Tutf8", "-ww", "-z", page], capture_output=True,
                       text=True, timeout=TIMEOUT)
    expect(p.returncode == 0 and not p.stderr, "groff reads the page without warnings", p.stderr)


if __name__ == "__main__":
    name = "case_" + sys.argv[2].replace("-", "_")
    if name not in globals():
        sys.exit(f"unknown case {sys.argv[2]}")
    globals()[name]()
    print(f"{sys.argv[2]}: ok")
