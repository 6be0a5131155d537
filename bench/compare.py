#!/usr/bin/env python3
"""Regenerates bench/RESULTS.md: the in-tree clients and fake servers against peers, measured
alternately in the same run on loopback (see bench/README.md, "Comparisons").

Run through bench/compare.sh, which builds, starts the real-server kit and stops it again.
Python 3.11 standard library only.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import json
import os
import platform
import re
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
PEERS = ROOT / "bench" / "peers"
STATE = Path("/tmp/protoharness-bench")
TIMEOUT_S = 120  # every peer or bench invocation
# curl's default FTP method (a CWD per path component, each way) costs it ~0.5 s per small file
# against pure-ftpd here; one CWD per directory is its fastest honest setting.
FTP_CURL = ("--ftp-method", "singlecwd")


class NotAvailable(Exception):
    """The measurement cannot be made here (a missing op, tool or server): the row says n/a."""


class Failed(Exception):
    """The measurement ran and failed: the row says so with the reason."""


@dataclasses.dataclass
class Sample:
    ops: float
    bytes: float
    seconds: float
    errors: int = 0
    note: str = ""


@dataclasses.dataclass
class Tool:
    name: str
    measure: Callable[[], Sample]
    command: str  # what it runs, for the record
    values: list[float] = dataclasses.field(default_factory=list)
    errors: int = 0
    status: str = ""  # "" (measurable), "n/a: …" (never measurable here) or "failed: …"
    failures: list[str] = dataclasses.field(default_factory=list)  # runs that failed, why


@dataclasses.dataclass
class Row:
    key: str
    section: str
    name: str
    unit: str  # "msgs/s", "req/s", "MB/s", …
    tools: list[Tool]
    bytes_metric: bool = False  # MB/s from bytes instead of ops/s
    per_op: dict[str, float] = dataclasses.field(default_factory=dict)  # tool → items per op
    lower_is_better: bool = False
    compare: bool = True  # False: every side is the project's own (no peer, no ratio)

    def value(self, tool: Tool, s: Sample) -> float:
        if s.seconds <= 0:
            raise Failed("no time measured")
        if self.bytes_metric:
            return s.bytes / s.seconds / 1e6
        return s.ops * self.per_op.get(tool.name, 1.0) / s.seconds


# ---------------------------------------------------------------------------------------------
# Running things, always bounded


def fmt_cmd(argv: list[str]) -> str:
    """As one would type it from the repository's root."""
    def short(a) -> str:
        a = str(a)
        if a == sys.executable:
            return "python3"
        return a[len(str(ROOT)) + 1:] if a.startswith(str(ROOT) + "/") else a
    return " ".join(shlex.quote(short(a)) for a in argv)


def run(argv: list[str], timeout: int = TIMEOUT_S, **kw) -> subprocess.CompletedProcess:
    """`timeout N argv…`: a hung peer is killed, never waited for."""
    full = ["timeout", "-k", "5", str(timeout), *map(str, argv)]
    p = subprocess.run(full, capture_output=True, text=True, errors="replace", **kw)
    if p.returncode == 124:
        raise Failed(f"timed out after {timeout} s")
    return p


def last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else ""


def need_tool(name: str) -> str:
    for candidate in (name, f"/usr/sbin/{name}", f"/usr/bin/{name}"):
        found = shutil.which(candidate)
        if found:
            return found
    raise NotAvailable(f"{name} is not installed")


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def raise_file_limit():
    """In a child before exec: as many descriptors as the hard limit allows (10,000 idle
    connections need more than the usual 1,024)."""
    import resource
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def rss_kib(pid: int) -> int:
    m = re.search(r"VmRSS:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text())
    return int(m.group(1)) if m else 0


def open_fds(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


class Background:
    """A server process this script started; stopped by its PID, never by name."""

    def __init__(self, argv: list[str], port: int, name: str, log: Path, ready: str = ""):
        """Waits until the port accepts a connection, or, with `ready`, until that text is in
        the log (iperf3 takes a probe connection for a client and may then fail the next)."""
        self.name = name
        self.port = port
        self.log = log
        with log.open("w") as out:  # a file, not a pipe: a chatty server never blocks on it
            self.proc = subprocess.Popen([str(a) for a in argv],
                                         stdout=out if ready else subprocess.DEVNULL,
                                         stderr=out, start_new_session=True,
                                         preexec_fn=raise_file_limit)
        deadline = time.monotonic() + 15
        while not (ready in log.read_text(errors="replace") if ready else port_open(port)):
            if self.proc.poll() is not None:
                raise Failed(f"{name} exited: {last_line(log.read_text(errors='replace'))}")
            if time.monotonic() > deadline:
                self.stop()
                raise Failed(f"{name} did not listen on {port} within 15 s")
            time.sleep(0.05)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)


# ---------------------------------------------------------------------------------------------
# The measuring tools: each returns a Sample or raises NotAvailable / Failed


class Bench:
    def __init__(self, binary: Path, workdir: Path):
        self.binary = binary
        self.workdir = workdir
        self.seq = 0

    # protoharness bench -----------------------------------------------------------------------
    def intree_argv(self, url: str, op: str, *extra) -> list[str]:
        return [str(self.binary), "bench", url, "--op", op, *map(str, extra)]

    def intree(self, url: str, op: str, *extra) -> Tool:
        argv = self.intree_argv(url, op, *extra)

        def measure() -> Sample:
            self.seq += 1
            out = self.workdir / f"bench-{self.seq}.json"
            p = run([*argv, "--json", out])
            if p.returncode == 2:
                m = re.search(r"has no op '[^']+'|no workload for '[^']+'|"
                              r"argument was not expected: \S+|arguments were not expected: .*",
                              p.stderr)
                if m:
                    raise NotAvailable(f"not yet supported ({m.group(0)})")
                raise Failed(" ".join(p.stderr.split())[:200])
            if not out.exists():
                raise Failed(f"exit {p.returncode}: {last_line(p.stderr)[:200]}")
            j = json.loads(out.read_text())
            errors = sum(j.get("errors", {}).values()) if isinstance(j.get("errors"), dict) else 0
            if j.get("ops", 0) == 0:
                raise Failed(f"no operation succeeded: {j.get('errors')}")
            note = f"errors {j['errors']}" if errors else ""
            return Sample(j["ops"], j["bytes"], j["seconds"], errors, note)

        return Tool("in-tree", measure, fmt_cmd(argv))

    # Python peers -----------------------------------------------------------------------------
    def python_peer(self, name: str, script: str, url: str, op: str, *extra) -> Tool:
        argv = [sys.executable, str(PEERS / script), url, "--op", op, *map(str, extra)]

        def measure() -> Sample:
            p = run(argv)
            try:
                j = json.loads(last_line(p.stdout))
            except json.JSONDecodeError:
                raise Failed(f"exit {p.returncode}: {last_line(p.stderr)[:200]}") from None
            if j["ops"] == 0:
                raise Failed(f"no operation succeeded ({j['errors']} errors)")
            return Sample(j["ops"], j["bytes"], j["seconds"], j.get("errors", 0))

        return Tool(name, measure, fmt_cmd(argv))

    # smtp-source ------------------------------------------------------------------------------
    def smtp_source(self, port: int, sessions: int, count: int, size: int, rcpt: str,
                    keep: bool = True) -> Tool:
        argv = ["smtp-source", "-s", sessions, "-m", count, "-l", size, "-f",
                "bench@client.example.org", "-t", rcpt, "-M", "client.example.org"]
        if keep:
            argv.append("-d")  # many messages per connection
        argv.append(f"127.0.0.1:{port}")

        def measure() -> Sample:
            binary = need_tool("smtp-source")
            start = time.perf_counter()
            p = run([binary, *argv[1:]])
            seconds = time.perf_counter() - start
            if p.returncode != 0:
                raise Failed(f"exit {p.returncode}: {last_line(p.stderr)[:200]}")
            return Sample(count, count * size, seconds)

        return Tool("smtp-source", measure, fmt_cmd(argv))

    # curl -------------------------------------------------------------------------------------
    def curl(self, urls: list[str], upload: Path | None = None, label: str = "curl",
             extra: tuple[str, ...] = ()) -> Tool:
        """One curl process over all URLs (it reuses the connection), bytes from -w."""
        self.seq += 1
        config = self.workdir / f"curl-{self.seq}.cfg"
        with config.open("w") as f:
            for u in urls:  # -T and -o pair with one URL each, so each URL gets its own
                f.write(f'url = "{u}"\n')
                f.write(f'upload-file = "{upload}"\n' if upload else 'output = "/dev/null"\n')
        argv = ["curl", "--silent", "--show-error", "--max-time", TIMEOUT_S,
                "--write-out", "%{stderr}%{size_download} %{size_upload} %{response_code}\\n",
                *extra, "--config", str(config)]
        shown = (f"{fmt_cmd(argv)}  # the config: {len(urls)} × url = {urls[0]}"
                 + (f", upload-file = {upload}" if upload else ""))

        def measure() -> Sample:
            binary = need_tool("curl")
            start = time.perf_counter()
            p = run([binary, *argv[1:]])
            seconds = time.perf_counter() - start
            ops, nbytes, errors = 0, 0, 0
            for line in p.stderr.splitlines():
                parts = line.split()
                if len(parts) == 3 and parts[2].isdigit():
                    code = int(parts[2])
                    if code in (200, 226, 250, 0) or 200 <= code < 300:
                        ops += 1
                        nbytes += int(float(parts[0])) + int(float(parts[1]))
                    else:
                        errors += 1
            if ops == 0:
                raise Failed(f"exit {p.returncode}: {last_line(p.stderr)[:200]}")
            return Sample(ops, nbytes, seconds, errors)

        return Tool(label, measure, shown)

    # wrk --------------------------------------------------------------------------------------
    def wrk(self, url: str, threads: int, conns: int, seconds: int) -> Tool:
        argv = ["wrk", "-t", threads, "-c", conns, "-d", f"{seconds}s", url]

        def measure() -> Sample:
            binary = need_tool("wrk")
            p = run([binary, *argv[1:]], timeout=seconds + 60)
            m = re.search(r"(\d+) requests in ([\d.]+)(ms|s|m), ([\d.]+)([KMGT]?B) read", p.stdout)
            if not m:
                raise Failed(f"unparsed wrk output: {last_line(p.stdout + p.stderr)[:200]}")
            secs = float(m.group(2)) * {"ms": 1e-3, "s": 1, "m": 60}[m.group(3)]
            scale = {"B": 1, "KB": 1024, "MB": 1024**2, "GB": 1024**3, "TB": 1024**4}
            bad = re.search(r"Non-2xx or 3xx responses: (\d+)", p.stdout)
            bad_responses = int(bad.group(1)) if bad else 0
            sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), "
                             r"timeout (\d+)", p.stdout)
            socket_errors = sum(int(x) for x in sock.groups()) if sock else 0
            return Sample(int(m.group(1)) - bad_responses, float(m.group(4)) * scale[m.group(5)],
                          secs, bad_responses + socket_errors)

        return Tool(f"wrk -c{conns}", measure, fmt_cmd(argv))

    # iperf3 -----------------------------------------------------------------------------------
    def iperf3(self, seconds: int) -> Tool:
        argv = ["iperf3", "-c", "127.0.0.1", "-p", "PORT", "-t", seconds, "-J"]

        def measure() -> Sample:
            binary = need_tool("iperf3")
            port = free_port()
            server = Background([binary, "-s", "--forceflush", "-B", "127.0.0.1", "-p", port],
                                port, "iperf3 -s", self.workdir / "iperf3.log",
                                ready="Server listening")
            try:
                args = [a if a != "PORT" else str(port) for a in argv[1:]]
                p = run([binary, *args], timeout=seconds + 30)
                j = json.loads(p.stdout)
                if "error" in j:
                    raise Failed(j["error"])
                r = j["end"]["sum_received"]
                return Sample(1, r["bytes"], r["seconds"])
            finally:
                server.stop()

        return Tool("iperf3", measure, fmt_cmd(argv))

    # the scenario corpus ----------------------------------------------------------------------
    def corpus(self, jobs: int) -> Tool:
        argv = [str(self.binary), "run", "scenarios/", "-j", jobs]

        def measure() -> Sample:
            p = run(argv, cwd=ROOT, timeout=300)
            m = re.search(r"(\d+) scenarios?: .* in ([\d.]+) s", p.stdout)
            if not m:
                raise Failed(f"unparsed summary: {last_line(p.stdout + p.stderr)[:200]}")
            bad = re.search(r"(\d+) FAIL, (\d+) ERROR", p.stdout)
            errors = int(bad.group(1)) + int(bad.group(2)) if bad else 0
            return Sample(int(m.group(1)), 0, float(m.group(2)), errors,
                          f"{errors} FAIL/ERROR" if errors else "")

        return Tool(f"run -j {jobs}", measure, fmt_cmd(argv))

    # idle connections (fakeperf's script) -----------------------------------------------------
    def idle_rss(self, idle_conns: int) -> Tool:
        """KiB per idle connection of `serve --model smtp`: bench/idle_rss.sh when it exists,
        else `protoharness bench --op idle` against a serve started here, RSS from /proc."""
        script = ROOT / "bench" / "idle_rss.sh"
        shown = (fmt_cmd([script]) if script.exists() else
                 f"{fmt_cmd([self.binary, 'serve', '--model', 'smtp', '--port', 'PORT'])}; "
                 f"{fmt_cmd(self.intree_argv('smtp://127.0.0.1:PORT', 'idle', '-c', 'N', '-d', 30))}"
                 f" for N = 1 and {idle_conns}; (VmRSS(N) − VmRSS(1)) ÷ (N − 1)")

        def by_script() -> Sample:
            p = run([script], cwd=ROOT, timeout=300)
            # A table: protocol, RSS@1 KiB, RSS@N KiB, KiB/conn; the smtp row's last column.
            m = re.search(r"^smtp\s+\d+\s+\d+\s+([\d.]+)\s*$", p.stdout, re.M)
            if p.returncode != 0 or not m:
                raise Failed(f"exit {p.returncode}: {last_line(p.stdout + p.stderr)[:200]}")
            return Sample(float(m.group(1)), 0, 1.0)  # a "rate" of KiB per connection

        def hold(port: int, server: Background, conns: int) -> int:
            """RSS of the server while `conns` idle connections are open."""
            argv = [*self.intree_argv(f"smtp://127.0.0.1:{port}", "idle", "-c", conns, "-d", 30)]
            base = open_fds(server.proc.pid)
            with (self.workdir / "idle.log").open("w") as err:
                client = subprocess.Popen(["timeout", "-k", "5", "60", *map(str, argv)],
                                          stdout=subprocess.DEVNULL, stderr=err,
                                          preexec_fn=raise_file_limit)
            try:
                deadline = time.monotonic() + 40
                while open_fds(server.proc.pid) < base + conns:
                    if client.poll() is not None:
                        why = (self.workdir / "idle.log").read_text(errors="replace")
                        if re.search(r"has no op 'idle'", why):
                            raise NotAvailable("pending (bench --op idle has not landed)")
                        raise Failed(f"bench --op idle exited {client.returncode}: "
                                     f"{last_line(why)[:200]}")
                    if time.monotonic() > deadline:
                        raise Failed(f"only {open_fds(server.proc.pid) - base} of {conns} "
                                     "connections opened in 40 s")
                    time.sleep(0.2)
                time.sleep(1)  # greetings sent, buffers settled
                return rss_kib(server.proc.pid)
            finally:
                if client.poll() is None:
                    client.terminate()
                try:
                    client.wait(15)
                except subprocess.TimeoutExpired:
                    client.kill()
                    client.wait(5)

        def by_bench() -> Sample:
            port = free_port()
            server = Background([self.binary, "serve", "--model", "smtp", "--port", port,
                                 "--count", 0], port, "serve --model smtp",
                                self.workdir / "serve-idle.log")
            try:
                one = hold(port, server, 1)
                many = hold(port, server, idle_conns)
                return Sample((many - one) / (idle_conns - 1), 0, 1.0)
            finally:
                server.stop()

        return Tool("serve --model smtp", by_script if script.exists() else by_bench, shown)


# ---------------------------------------------------------------------------------------------
# The rows


def load_env() -> dict[str, str]:
    env = {}
    path = STATE / "servers.env"
    if path.exists():
        for line in path.read_text().splitlines():
            line = line.strip()
            if line and not line.startswith("#") and "=" in line:
                k, v = line.split("=", 1)
                env[k.strip()] = v.strip().strip('"').strip("'")
    return env


class Plan:
    """Builds every row; servers this script starts itself (fake servers) are kept here."""

    def __init__(self, args, bench: Bench, env: dict[str, str]):
        self.a = args
        self.b = bench
        self.env = env
        self.rows: list[Row] = []
        self.started: list[Background] = []
        self.quick = args.quick

    def n(self, full: int, least: int = 1) -> int:
        return max(least, full // 10) if self.quick else full

    def secs(self, full: int) -> int:
        return 1 if self.quick else full

    def port(self, var: str) -> int | None:
        v = self.env.get(var)
        return int(v) if v and v.isdigit() else None

    def real(self, var: str) -> tuple[int | None, str]:
        """The port of a kit daemon and why it is unusable ("" when it is up)."""
        p = self.port(var)
        if p is None:
            return None, f"{var} not in {STATE}/servers.env (bench/servers.sh start)"
        if not port_open(p):
            return p, f"nothing listens on {var}={p} (bench/servers.sh status)"
        return p, ""

    def add(self, row: Row, unavailable: str = ""):
        if unavailable:
            for t in row.tools:
                t.status = f"n/a: {unavailable}"
        self.rows.append(row)

    def fake(self, model: str | None = None, scenario: Path | None = None) -> int:
        port = free_port()
        argv = [self.b.binary, "serve", "--port", port, "--count", 0]
        argv += ["--model", model] if model else [scenario]
        s = Background(argv, port, f"serve {model or scenario.name}",
                       self.b.workdir / f"serve-{port}.log")
        self.started.append(s)
        return port

    def stop(self):
        for s in self.started:
            s.stop()

    # -----------------------------------------------------------------------------------------
    def build(self):
        b, e = self.b, self.env
        user = e.get("BENCH_USER", "bench")
        password = e.get("BENCH_PASS", "benchpass")
        # The in-tree bench sends to rcpt0@example.org; every peer sends there too.
        rcpt = e.get("SMTP_RCPT", "rcpt0@example.org")

        # SMTP client: in-tree vs smtp-source vs smtplib, against smtp-sink and Postfix.
        for var, server in (("SMTP_SINK_PORT", "smtp-sink"), ("POSTFIX_PORT", "Postfix")):
            port, why = self.real(var)
            for size in (1024, 100 * 1024):
                for conns in (1, 8):
                    small = size <= 1024
                    full = {("smtp-sink", True): 4000, ("smtp-sink", False): 300,
                            ("Postfix", True): 600, ("Postfix", False): 200}[(server, small)]
                    count = self.n(full * (2 if conns == 8 else 1), least=50)
                    url = f"smtp://127.0.0.1:{port}"
                    tools = [b.intree(url, "sendmail", "-c", conns, "-n", count, "--size", size),
                             b.smtp_source(port or 0, conns, count, size, rcpt)]
                    if conns == 1:
                        tools.append(b.python_peer("smtplib", "smtplib_peer.py", url, "sendmail",
                                                   "-n", count, "--size", size, "--to", rcpt))
                    self.add(Row(f"smtp-{server}-{size // 1024}k-c{conns}", "SMTP client",
                                 f"→ {server}, {size // 1024} KB, {conns} conn{'s' if conns > 1 else ''}", "msgs/s", tools),
                             why)

        # STARTTLS (smtp-source and smtp-sink have none): in-tree vs smtplib against Postfix.
        port, why = self.real("POSTFIX_PORT")
        url = f"smtp://127.0.0.1:{port}"
        count = self.n(600, least=50)
        self.add(Row("smtp-Postfix-tls", "SMTP client", "→ Postfix, 1 KB, 1 conn, STARTTLS",
                     "msgs/s",
                     [b.intree(url, "sendmail", "-n", count, "--tls", "--insecure"),
                      b.python_peer("smtplib", "smtplib_peer.py", url, "sendmail", "-n", count,
                                    "--tls", "--to", rcpt)]), why)

        # SMTP fake server vs smtp-sink, both loaded by smtp-source.
        port, why = self.real("SMTP_SINK_PORT")
        for conns, keep in ((1, True), (8, False)):
            count = self.n(4000 if keep else 3000, least=100)
            how = "1 session, many msgs each" if keep else "8 sessions, 1 msg per connection"
            row = Row(f"fake-smtp-s{conns}", "SMTP fake server",
                      f"smtp-source → server, 1 KB, {how}", "msgs/s", [])
            try:
                fake_port = self.fake(model="smtp")
                row.tools.append(dataclasses.replace(
                    b.smtp_source(fake_port, conns, count, 1024, rcpt, keep),
                    name="serve --model smtp"))
            except Failed as ex:
                row.tools.append(Tool("serve --model smtp", lambda: Sample(0, 0, 0), "",
                                      status=f"failed: {ex}"))
            sink = b.smtp_source(port or 0, conns, count, 1024, rcpt, keep)
            sink.name = "smtp-sink"
            if why:
                sink.status = f"n/a: {why}"
            row.tools.append(sink)
            self.rows.append(row)

        # POP3 client vs poplib, curl and a raw pipelined client, against Dovecot.
        port, why = self.real("DOVECOT_POP3_PORT")
        msgs = int(e.get("POP3_MESSAGES", "200"))
        url = f"pop3://{user}:{password}@127.0.0.1:{port}"
        count = self.n(1000, least=msgs)
        passes = max(1, count // msgs)
        self.add(Row("pop3-dovecot-retr", "POP3 client", "RETR 10 KB messages ← Dovecot, lock-step",
                     "msgs/s",
                     [b.intree(url, "retr", "-n", count),
                      b.python_peer("poplib", "poplib_peer.py", url, "retr", "-n", count),
                      b.curl([f"{url}/{i % msgs + 1}" for i in range(count)])]), why)
        self.add(Row("pop3-dovecot-retr-all", "POP3 client",
                     f"RETR all {msgs} messages ← Dovecot, pipelined", "msgs/s",
                     [b.intree(url, "retr-all", "-n", passes),
                      b.python_peer("raw pipelined", "raw_pipelined.py", url, "retr-all", "-n",
                                    count)],
                     per_op={"in-tree": msgs}), why)

        # NNTP client vs nntplib and a raw pipelined client, against INN.
        port, why = self.real("INN_PORT")
        arts = int(e.get("NNTP_ARTICLES", "200"))
        group = e.get("NNTP_GROUP", "local.bench")
        url = f"nntp://127.0.0.1:{port}/{group}"
        slow = self.n(100, least=20)  # nntplib meets delayed ACKs: ~40 ms per article
        fast = self.n(4000, least=arts)
        self.add(Row("nntp-inn-article", "NNTP client", "ARTICLE ← INN, lock-step", "articles/s",
                     [b.intree(url, "article", "-n", slow),
                      b.python_peer("nntplib", "nntplib_peer.py", url, "article", "-n", slow)]),
                 why)
        self.add(Row("nntp-inn-article-all", "NNTP client",
                     f"ARTICLE all {arts} articles ← INN, pipelined", "articles/s",
                     [b.intree(url, "article-all", "-n", max(1, fast // arts)),
                      b.python_peer("raw pipelined", "raw_pipelined.py", url, "article-all", "-n",
                                    fast)],
                     per_op={"in-tree": arts}), why)

        # Python's libraries against the fake model servers (target: in-tree ≥ 10×), with the
        # in-tree client lock-step like them and pipelined (one op = the whole mailbox/group).
        for model, op, all_op, script, peer, unit, count in (
                ("pop3", "retr", "retr-all", "poplib_peer.py", "poplib", "msgs/s", 10000),
                ("nntp", "article", "article-all", "nntplib_peer.py", "nntplib", "articles/s",
                 10000)):
            section = "Clients against the model fake servers"
            try:
                fp = self.fake(model=model)
                url = (f"pop3://test:test@127.0.0.1:{fp}" if model == "pop3"
                       else f"nntp://127.0.0.1:{fp}/local.test")
                items = self.model_items(model, fp)
                self.rows.append(Row(
                    f"{model}-fake-{op}", section, f"{op.upper()} ← serve --model {model}, lock-step",
                    unit, [b.intree(url, op, "-n", self.n(count)),
                           b.python_peer(peer, script, url, op, "-n", self.n(count // 4))]))
                self.rows.append(Row(
                    f"{model}-fake-{all_op}", section,
                    f"{op.upper()} ← serve --model {model}, in-tree pipelined ({all_op}, "
                    f"{items} per op)", unit,
                    [b.intree(url, all_op, "-n", max(1, self.n(count) // items)),
                     b.python_peer(peer, script, url, op, "-n", self.n(count // 4))],
                    per_op={"in-tree": items}))
            except Failed as ex:
                self.rows.append(Row(f"{model}-fake-{op}", section, f"{op.upper()} ← model", unit,
                                     [Tool("in-tree", lambda: Sample(0, 0, 0), "",
                                           status=f"failed: {ex}")]))

        # FTP client vs curl and ftplib against the FTP daemon.
        port, why = self.real("FTP_PORT")
        base = f"ftp://{user}:{password}@127.0.0.1:{port}"
        big = e.get("FTP_BIG", "big.bin")
        small = e.get("FTP_SMALL_DIR", "small")
        n_big = self.n(3, least=1) if not self.quick else 1
        self.add(Row("ftp-retr-100m", "FTP client", f"RETR {big} (100 MiB), passive", "MB/s",
                     [b.intree(f"{base}/{big}", "retr", "-n", n_big),
                      b.curl([f"{base}/{big}"] * n_big, extra=FTP_CURL),
                      b.python_peer("ftplib", "ftplib_peer.py", f"{base}/{big}", "retr",
                                    "-n", n_big)],
                     bytes_metric=True), why)
        self.add(Row("ftp-retr-100m-tls", "FTP client",
                     f"RETR {big} (100 MiB), passive, AUTH TLS + PROT P", "MB/s",
                     [b.intree(f"{base}/{big}", "retr", "-n", n_big, "--tls", "--insecure"),
                      b.curl([f"{base}/{big}"] * n_big, extra=(*FTP_CURL, "--ssl-reqd", "--insecure")),
                      b.python_peer("ftplib", "ftplib_peer.py", f"{base}/{big}", "retr",
                                    "-n", n_big, "--tls")],
                     bytes_metric=True), why)
        self.add(Row("ftp-retr-100m-active", "FTP client", f"RETR {big} (100 MiB), active",
                     "MB/s",
                     [b.intree(f"{base}/{big}", "retr", "-n", n_big, "--active"),
                      b.curl([f"{base}/{big}"] * n_big, extra=(*FTP_CURL, "--ftp-port", "127.0.0.1"))],
                     bytes_metric=True), why)
        upload = self.b.workdir / "upload-100m.bin"
        if not upload.exists():
            with upload.open("wb") as f:
                f.truncate(100 * 1024 * 1024)
        self.add(Row("ftp-stor-100m", "FTP client", "STOR 100 MiB, passive", "MB/s",
                     [b.intree(f"{base}/bench-upload-intree.bin", "stor", "-n", n_big, "--size",
                               100 * 1024 * 1024),
                      b.curl([f"{base}/bench-upload-curl.bin"] * n_big, upload=upload,
                             extra=FTP_CURL),
                      b.python_peer("ftplib", "ftplib_peer.py", f"{base}/bench-upload-ftplib.bin",
                                    "stor", "-n", n_big, "--file", upload)],
                     bytes_metric=True), why)
        files = [f"{base}/{small}/{name}" for name in self.small_files(port, user, password,
                                                                         small)] if not why else []
        n_small = self.n(300, least=100)
        nfiles = max(1, len(files))
        self.add(Row("ftp-small", "FTP client",
                     f"RETR all {len(files)} files of 10 KB in {small}/, one session", "files/s",
                     [b.intree(f"{base}/{small}", "retr-all", "-n", max(1, n_small // nfiles)),
                      b.curl((files * (n_small // nfiles + 1))[:n_small] or [base], extra=FTP_CURL),
                      b.python_peer("ftplib", "ftplib_peer.py", f"{base}/{small}", "retr-all",
                                    "-n", n_small)],
                     per_op={"in-tree": nfiles}),
                 why or ("" if files else f"no files in {small}/"))

        # HTTP client vs curl, http.client and wrk against nginx.
        port, why = self.real("NGINX_PORT")
        small_url = f"http://127.0.0.1:{port}{e.get('HTTP_SMALL', '/1k.bin')}"
        big_url = f"http://127.0.0.1:{port}{e.get('HTTP_BIG', '/100m.bin')}"
        count = self.n(5000, least=500)
        wsecs = self.secs(3)
        self.add(Row("http-nginx-1k-c1", "HTTP client", "GET 1 KiB ← nginx, keep-alive, 1 conn",
                     "req/s",
                     [b.intree(small_url, "get", "-n", count), b.curl([small_url] * count),
                      b.python_peer("http.client", "httpclient_peer.py", small_url, "get", "-n",
                                    count),
                      b.wrk(small_url, 1, 1, wsecs)]), why)
        self.add(Row("http-nginx-1k-c8", "HTTP client", "GET 1 KiB ← nginx, keep-alive, 8 conns",
                     "req/s",
                     [b.intree(small_url, "get", "-c", 8, "-n", count * 2),
                      b.wrk(small_url, 2, 8, wsecs)]), why)
        self.add(Row("http-nginx-100m", "HTTP client", "GET 100 MiB ← nginx", "MB/s",
                     [b.intree(big_url, "get", "-n", n_big), b.curl([big_url] * n_big),
                      b.python_peer("http.client", "httpclient_peer.py", big_url, "get", "-n",
                                    n_big)],
                     bytes_metric=True), why)

        # HTTP fake server vs nginx under wrk.
        for threads, conns in ((1, 1), (2, 8)):
            row = Row(f"fake-http-c{conns}", "HTTP fake server",
                      f"wrk -t{threads} -c{conns} → server, GET 1 KiB", "req/s", [])
            try:
                fp = self.fake(scenario=ROOT / "bench" / "fake-http-1k.toml")
                fake_tool = b.wrk(f"http://127.0.0.1:{fp}/1k.bin", threads, conns, wsecs)
                fake_tool.name = "serve (model)"
                row.tools.append(fake_tool)
            except Failed as ex:
                row.tools.append(Tool("serve (model)", lambda: Sample(0, 0, 0), "",
                                      status=f"failed: {ex}"))
            nginx = b.wrk(small_url, threads, conns, wsecs)
            nginx.name = "nginx"
            if why:
                nginx.status = f"n/a: {why}"
            row.tools.append(nginx)
            self.rows.append(row)

        # The physical ceiling for bulk transfers.
        self.rows.append(Row("iperf3", "Loopback", "raw TCP, one stream (iperf3)", "MB/s",
                             [b.iperf3(self.secs(3))], bytes_metric=True))

        # The harness itself.
        self.rows.append(Row("corpus", "Harness", "full scenario corpus", "scenarios/s",
                             [b.corpus(1), b.corpus(2)], compare=False))

        # Memory per idle connection.
        self.rows.append(Row("idle-rss", "Fake server memory",
                             f"RSS per idle connection, 1 → {self.n(10000, least=1000):,} connections",
                             "KiB/conn",
                             [b.idle_rss(self.n(10000, least=1000))], lower_is_better=True))

    @staticmethod
    def model_items(model: str, port: int) -> int:
        """Messages in the POP3 model's mailbox or articles in the NNTP model's group."""
        import warnings
        if model == "pop3":
            import poplib
            p = poplib.POP3("127.0.0.1", port, timeout=30)
            p.user("test")
            p.pass_("test")
            n = p.stat()[0]
            p.quit()
            return max(1, n)
        warnings.simplefilter("ignore", DeprecationWarning)
        import nntplib
        s = nntplib.NNTP("127.0.0.1", port, readermode=True, timeout=30)
        n = s.group("local.test")[1]
        s.quit()
        return max(1, n)

    def small_files(self, port, user, password, directory) -> list[str]:
        import ftplib
        try:
            f = ftplib.FTP(timeout=30)
            f.connect("127.0.0.1", port)
            f.login(user, password)
            names = sorted(n.rsplit("/", 1)[-1] for n in f.nlst(directory))
            f.quit()
            return [n for n in names if n not in (".", "..")]
        except (OSError, ftplib.Error):
            return []


# ---------------------------------------------------------------------------------------------
# Measuring: alternately, N runs


def measure_all(rows: list[Row], runs: int, only: str | None):
    for r in range(runs):
        for row in rows:
            if only and not re.search(only, row.key):
                continue
            live = [t for t in row.tools if not t.status]
            # Rotate who goes first so no side always meets a cold (or warm) server.
            order = live[r % len(live):] + live[:r % len(live)] if live else []
            for tool in order:
                t0 = time.monotonic()
                try:
                    s = tool.measure()
                    v = row.value(tool, s)
                    tool.values.append(v)
                    tool.errors += s.errors
                    msg = f"{v:,.1f} {row.unit}" + (f" ({s.note})" if s.note else "")
                except NotAvailable as ex:
                    tool.status = f"n/a: {ex}"
                    msg = tool.status
                except Failed as ex:  # maybe transient: the next run tries again
                    tool.failures.append(str(ex))
                    msg = f"failed: {ex}"
                except (OSError, ValueError, KeyError, json.JSONDecodeError) as ex:
                    tool.failures.append(f"{type(ex).__name__}: {ex}")
                    msg = f"failed: {tool.failures[-1]}"
                print(f"[{r + 1}/{runs}] {row.section}: {row.name} — {tool.name}: {msg} "
                      f"[{time.monotonic() - t0:.1f} s]", file=sys.stderr, flush=True)


def median(v: list[float]) -> float:
    return statistics.median(v)


def num(v: float) -> str:
    if v >= 100:
        return f"{v:,.0f}"
    if v >= 10:
        return f"{v:,.1f}"
    return f"{v:,.2f}"


def figure(t: Tool) -> str:
    if not t.values:
        if t.failures:
            return f"failed: {t.failures[-1]}"
        return t.status or "not measured"
    m = median(t.values)
    text = f"{num(m)} ({num(min(t.values))}–{num(max(t.values))})"
    if t.errors:
        text += f", {t.errors} errors"
    if t.failures:
        text += f"; {len(t.failures)} run(s) failed: {t.failures[-1]}"
    return text


def ratio(a: Tool, b: Tool) -> float | None:
    if a.values and b.values and median(b.values) > 0:
        return median(a.values) / median(b.values)
    return None


# ---------------------------------------------------------------------------------------------
# Targets from the issue


@dataclasses.dataclass
class Target:
    text: str
    checks: list[tuple[str, str, str, float]]  # (row key, subject tool, other tool or "", need)


TARGETS = [
    Target("SMTP client ≥ smtp-source at equal concurrency and message size",
           [(f"smtp-{s}-{k}-c{c}", "in-tree", "smtp-source", 1.0)
            for s in ("smtp-sink", "Postfix") for k in ("1k", "100k") for c in (1, 8)]),
    Target("fake SMTP server ≥ smtp-sink under the same smtp-source load",
           [(f"fake-smtp-s{c}", "serve --model smtp", "smtp-sink", 1.0) for c in (1, 8)]),
    Target("POP3 and NNTP clients ≥ a raw pipelined socket client against the same real server",
           [("pop3-dovecot-retr-all", "in-tree", "raw pipelined", 1.0),
            ("nntp-inn-article-all", "in-tree", "raw pipelined", 1.0)]),
    Target("POP3 and NNTP clients ≥ 10× Python's libraries against the fake model servers",
           [("pop3-fake-retr", "in-tree", "poplib", 10.0),
            ("pop3-fake-retr-all", "in-tree", "poplib", 10.0),
            ("nntp-fake-article", "in-tree", "nntplib", 10.0),
            ("nntp-fake-article-all", "in-tree", "nntplib", 10.0)]),
    Target("FTP and HTTP bulk transfers ≥ 90% of iperf3 in the same run",
           [("ftp-retr-100m", "in-tree", "iperf3", 0.9), ("ftp-stor-100m", "in-tree", "iperf3", 0.9),
            ("http-nginx-100m", "in-tree", "iperf3", 0.9)]),
    Target("FTP and HTTP bulk transfers ≥ curl",
           [("ftp-retr-100m", "in-tree", "curl", 1.0), ("ftp-stor-100m", "in-tree", "curl", 1.0),
            ("http-nginx-100m", "in-tree", "curl", 1.0)]),
    Target("HTTP client ≥ curl on keep-alive GETs",
           [("http-nginx-1k-c1", "in-tree", "curl", 1.0)]),
    Target("HTTP client ≥ 50% of wrk at equal connections",
           [("http-nginx-1k-c1", "in-tree", "wrk -c1", 0.5),
            ("http-nginx-1k-c8", "in-tree", "wrk -c8", 0.5)]),
    Target("HTTP fake server ≥ nginx (one worker) under wrk",
           [(f"fake-http-c{c}", "serve (model)", "nginx", 1.0) for c in (1, 8)]),
    Target("10,000 concurrent idle connections on a fake server at ≤ 16 KiB each",
           [("idle-rss", "serve --model smtp", "", 16.0)]),
    Target("the full scenario corpus at ≥ 200 scenarios/s with -j 2",
           [("corpus", "run -j 2", "", 200.0)]),
]


def tool_of(rows: dict[str, Row], key: str, name: str) -> Tool | None:
    if name == "iperf3":
        key = "iperf3"
    row = rows.get(key)
    if not row:
        return None
    return next((t for t in row.tools if t.name == name), None)


def judge(rows: dict[str, Row], key: str, subject: str, other: str, need: float) -> str:
    row = rows.get(key)
    a = tool_of(rows, key, subject)
    label = f"{row.section}: {row.name}" if row else key
    if a is None or not a.values:
        return f"{label}: not measured ({figure(a) if a else 'no such row'})"
    if not other:
        v = median(a.values)
        ok = v <= need if row.lower_is_better else v >= need
        if ok:
            return f"{label}: **met** ({num(v)} {row.unit})"
        gap = (v / need - 1) * 100 if row.lower_is_better else (1 - v / need) * 100
        return f"{label}: **missed** by {gap:.0f}% ({num(v)} {row.unit}, target {num(need)})"
    b = tool_of(rows, key, other)
    if b is None or not b.values:
        return f"{label}: not measured ({other}: {figure(b) if b else 'absent'})"
    r = median(a.values) / median(b.values)
    if r >= need:
        return f"{label}: **met** ({r:.2f}× {other})"
    return (f"{label}: **missed** by {(1 - r / need) * 100:.0f}% "
            f"({r:.2f}× {other}, target {need:g}×)")


# ---------------------------------------------------------------------------------------------
# RESULTS.md


def sh(argv: list[str]) -> str:
    try:
        return subprocess.run(argv, capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "?"


def machine() -> list[str]:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    debian = Path("/etc/debian_version")
    mem = "?"
    try:
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        mem = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, AttributeError):
        pass
    return [
        f"- CPUs: {os.cpu_count()} (`nproc` {sh(['nproc'])}), {cpu}",
        f"- Memory: {mem}",
        f"- Kernel: {platform.release()}",
        f"- Debian: {debian.read_text().strip() if debian.exists() else '?'}",
        f"- Compiler: {sh(['c++', '--version']).splitlines()[0] if sh(['c++', '--version']) else '?'}",
        f"- Tree: `{sh(['git', '-C', str(ROOT), 'rev-parse', '--short', 'HEAD'])}` "
        f"({sh(['git', '-C', str(ROOT), 'log', '-1', '--format=%s'])})",
    ]


def peer_versions() -> str:
    parts = [f"Python {platform.python_version()}"]
    for pkg in ("postfix", "dovecot-pop3d", "inn2", "pure-ftpd", "nginx-light", "nginx", "curl",
                "wrk", "iperf3"):
        v = sh(["dpkg-query", "-W", "-f", "${Version}", pkg])
        if v and v != "?" and "no packages" not in v:
            parts.append(f"{pkg} {v}")
    return ", ".join(parts)


def render(rows: list[Row], args, started: str, elapsed: float) -> str:
    by_key = {r.key: r for r in rows}
    out = [
        "# Benchmark comparisons",
        "",
        "Generated by `bench/compare.sh` — do not edit by hand; see bench/README.md, "
        "\"Comparisons\".",
        "",
        f"- Date: {started} (took {elapsed / 60:.1f} min)",
        f"- Command: `{args.command}`",
        f"- Runs: {args.runs} per figure, every side measured alternately in the same run on "
        "loopback (the order rotates per run); each cell is the median (min–max)"
        + (" — **quick mode: small counts, indicative only**" if args.quick else ""),
        *machine(),
        f"- Peers: {peer_versions()}",
        "",
        "Ratio = the in-tree (or project) side's median ÷ that peer's median; above 1 the project "
        "is faster (for KiB/conn, lower is better).",
        "",
    ]
    section = None
    for row in rows:
        if row.section != section:
            section = row.section
            out += ["", f"## {section}", "", "| workload | unit | project | median (min–max) | "
                    "peer | median (min–max) | ratio |", "|---|---|---|---|---|---|---|"]
        subject, peers = row.tools[0], row.tools[1:]
        if not row.compare:
            for t in row.tools:
                out.append(f"| {row.name} | {row.unit} | {t.name} | {figure(t)} | — | — | — |")
            continue
        if not peers:
            out.append(f"| {row.name} | {row.unit} | {subject.name} | {figure(subject)} | — | — |"
                       " — |")
        for p in peers:
            r = ratio(subject, p)
            out.append(f"| {row.name} | {row.unit} | {subject.name} | {figure(subject)} | "
                       f"{p.name} | {figure(p)} | {f'{r:.2f}' if r is not None else '—'} |")
    iperf = tool_of(by_key, "iperf3", "iperf3")
    if iperf and iperf.values:
        ceiling = median(iperf.values)
        bulk = [(r, t) for r in rows if r.bytes_metric and r.key != "iperf3" for t in r.tools
                if t.values]
        if bulk:
            out += ["", "### Bulk transfers against the loopback ceiling", "",
                    f"iperf3 median {num(ceiling)} MB/s.", "", "| workload | side | % of iperf3 |",
                    "|---|---|---|"]
            for r, t in bulk:
                out.append(f"| {r.section}: {r.name} | {t.name} | "
                           f"{median(t.values) / ceiling * 100:.0f}% |")
    out += ["", "## Targets", "", "From issue 6; figures from the tables above.", ""]
    for tgt in TARGETS:
        out.append(f"- {tgt.text}")
        for key, subject, other, need in tgt.checks:
            out.append(f"  - {judge(by_key, key, subject, other, need)}")
    notes = ROOT / "bench" / "results-notes.md"  # hand-written analysis, kept across runs
    if notes.exists():
        out += ["", notes.read_text().strip()]
    out += ["", "## Commands", "",
            "Each side of each row, as run (`timeout -k 5 120` in front of every one).", ""]
    for row in rows:
        out.append(f"- {row.section}: {row.name}")
        for t in row.tools:
            if t.command:
                out.append(f"  - {t.name}: `{t.command}`")
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------------------------


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=3, help="runs per figure (default 3)")
    p.add_argument("--quick", action="store_true", help="1 run, small counts (development)")
    p.add_argument("--only", help="regex on row keys (development; RESULTS.md then partial)")
    p.add_argument("--binary", default=str(ROOT / "build" / "protoharness"))
    p.add_argument("--out", default=str(ROOT / "bench" / "RESULTS.md"))
    p.add_argument("--command", default="bench/compare.sh", help="the command line to record")
    a = p.parse_args()
    # SIGTERM (timeout, a CI runner) unwinds like Ctrl-C: the fake servers started here stop.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if a.quick and a.runs == 3:
        a.runs = 1
    if a.runs < 1 or a.runs > 20:
        p.error("--runs must be 1..20")
    binary = Path(a.binary)
    if not binary.exists():
        print(f"compare: {binary} not built (bench/compare.sh builds it)", file=sys.stderr)
        return 2
    started = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    t0 = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="ph-compare-") as tmp:
        plan = Plan(a, Bench(binary, Path(tmp)), load_env())
        try:
            plan.build()
            measure_all(plan.rows, a.runs, a.only)
        finally:
            plan.stop()
        rows = [r for r in plan.rows if not a.only or re.search(a.only, r.key)]
        text = render(rows, a, started, time.monotonic() - t0)
    Path(a.out).write_text(text)
    print(f"compare: wrote {a.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
