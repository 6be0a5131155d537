"""`protoharness serve` in a child process, for peers, raw-bytes checks and the soak.

Served(exe, ["--model", "pop3"]) starts `serve ... --port 0 --timeout-ms ...`, reads the
"listening on 127.0.0.1:PORT" line, then collects every later stdout line on a thread:
`verdicts` holds one (VERDICT, id) pair per judged connection (the lines that start with
PASS/WARN/FAIL/ERROR), `lines` everything. Every wait is bounded.
"""
import re
import socket
import subprocess
import threading
import time

VERDICT = re.compile(r"^(PASS|WARN|FAIL|ERROR)\s+(\S+)\s+\d+ ms$")


class Served:
    def __init__(self, exe, args, timeout_ms=10000, start_timeout=20.0):
        self.proc = subprocess.Popen(
            [exe, "serve", *args, "--port", "0", "--timeout-ms", str(timeout_ms)],
            stdout=subprocess.PIPE, text=True, errors="replace")
        self.lines = []
        self.verdicts = []
        self._cond = threading.Condition()
        first = self._first_line(start_timeout)
        if not (first.startswith("listening on 127.0.0.1:") or
                first.startswith("listening on [::1]:")):
            self.proc.kill()
            self.proc.wait(timeout=10)
            raise RuntimeError(f"serve: unexpected first line {first!r}")
        self.port = int(first.rsplit(":", 1)[1])
        self.host = "::1" if "[::1]" in first else "127.0.0.1"
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _first_line(self, timeout):
        box = []
        t = threading.Thread(target=lambda: box.append(self.proc.stdout.readline()), daemon=True)
        t.start()
        t.join(timeout)
        if not box:
            self.proc.kill()
            self.proc.wait(timeout=10)
            raise RuntimeError(f"serve printed nothing within {timeout} s")
        return box[0].strip()

    def _read(self):
        for line in self.proc.stdout:
            line = line.rstrip("\n")
            with self._cond:
                self.lines.append(line)
                m = VERDICT.match(line)
                if m:
                    self.verdicts.append((m.group(1), m.group(2)))
                self._cond.notify_all()
        with self._cond:
            self._cond.notify_all()

    def wait_verdicts(self, n, timeout):
        """True once n verdict lines were printed, False when `timeout` s passed first."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while len(self.verdicts) < n:
                left = deadline - time.monotonic()
                if left <= 0 or (self.proc.poll() is not None and not self._reader.is_alive()):
                    return len(self.verdicts) >= n
                self._cond.wait(min(left, 0.5))
            return True

    def rss_kib(self):
        """VmRSS of the serve process in KiB (/proc/PID/status); None once it has exited."""
        try:
            with open(f"/proc/{self.proc.pid}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1])
        except OSError:
            pass
        return None

    def connect(self, timeout=5.0):
        return socket.create_connection((self.host, self.port), timeout=timeout)

    def finish(self, timeout=20.0):
        """Waits for serve to exit by itself (its --count reached); kills it after `timeout`.
        Returns its exit status (negative: a signal)."""
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self._reader.join(timeout=10)
        return self.proc.returncode

    def stop(self, timeout=20.0):
        """SIGTERM (serve ends open connections and judges them), then finish()."""
        if self.proc.poll() is None:
            self.proc.terminate()
        return self.finish(timeout)

    def output(self):
        with self._cond:
            return "\n".join(self.lines)
