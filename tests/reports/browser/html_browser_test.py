#!/usr/bin/env python3
"""Opens the HTML report in headless Chromium and checks what a person would see.

Usage: html_browser_test.py PROTOHARNESS OUT_DIR

Runs the fixture scenarios (tests/reports/browser/scenarios: one PASS, one WARN, one FAIL)
through fixture_client.py with --report-dir OUT_DIR/report, then loads OUT_DIR/report/index.html
in Chromium (--dump-dom after the page's script ran) and asserts on the DOM: the failing
scenario first in the list, its first divergence highlighted down to the differing
character, a rule finding linked to its RFC section, the filter narrowing the list (set by
the query string), and a deep link selecting a scenario. Writes a screenshot of the failing
scenario to OUT_DIR/failing-scenario.png. Chromium missing is a failure, not a skip.
"""
import html.parser
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


class Node:
    def __init__(self, tag, attrs, parent):
        self.tag, self.attrs, self.parent = tag, dict(attrs), parent
        self.children = []

    def classes(self):
        return (self.attrs.get("class") or "").split()

    def text(self):
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def walk(self):
        for c in self.children:
            if isinstance(c, Node):
                yield c
                yield from c.walk()

    def find_all(self, pred):
        return [n for n in self.walk() if pred(n)]

    def find(self, pred):
        found = self.find_all(pred)
        return found[0] if found else None


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}


class Tree(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", {}, None)
        self.cur = self.root

    def handle_starttag(self, tag, attrs):
        node = Node(tag, attrs, self.cur)
        self.cur.children.append(node)
        if tag not in VOID:
            self.cur = node

    def handle_endtag(self, tag):
        n = self.cur
        while n is not None and n.tag != tag:
            n = n.parent
        if n is not None and n.parent is not None:
            self.cur = n.parent

    def handle_data(self, data):
        self.cur.children.append(data)


def by_id(i):
    return lambda n: n.attrs.get("id") == i


def has_class(c):
    return lambda n: c in n.classes()


failures = []


def check(cond, what):
    print(("ok    " if cond else "FAIL  ") + what)
    if not cond:
        failures.append(what)


def chromium_binary():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def chromium(binary, url, extra):
    profile = tempfile.mkdtemp(prefix="ph-chromium-")
    try:
        cmd = [binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
               "--no-first-run", "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--user-data-dir=" + profile, "--virtual-time-budget=5000",
               "--window-size=1400,1000"] + extra + [url]
        started = time.monotonic()
        run = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
        return run, time.monotonic() - started
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def dom(binary, url):
    run, _ = chromium(binary, url, ["--dump-dom"])
    if run.returncode != 0 or not run.stdout:
        print(run.stderr.decode(errors="replace")[-2000:])
        sys.exit("html_browser_test: chromium --dump-dom failed for " + url)
    t = Tree()
    t.feed(run.stdout.decode("utf-8", errors="replace"))
    return t.root


def list_ids(root):
    ol = root.find(by_id("list"))
    return [li.attrs.get("data-id") for li in ol.find_all(lambda n: n.tag == "li")] if ol else []


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    protoharness, out = sys.argv[1], os.path.abspath(sys.argv[2])
    binary = chromium_binary()
    if binary is None:
        sys.exit("html_browser_test: chromium is not installed; this test needs it to check the "
                 "HTML report in a real browser. Install it with: scripts/install-deps.sh --test "
                 "(Debian package 'chromium').")
    report = os.path.join(out, "report")
    shutil.rmtree(report, ignore_errors=True)
    os.makedirs(out, exist_ok=True)
    client = "%s %s {host} {port} {steps}" % (sys.executable, os.path.join(HERE, "fixture_client.py"))
    run = subprocess.run([protoharness, "run", os.path.join(HERE, "scenarios"), "--client-cmd",
                          client, "--report-dir", report],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120)
    print(run.stdout.decode(errors="replace"))
    check(run.returncode == 1, "the run exits 1 (a FAIL among the scenarios)")
    page = os.path.join(report, "index.html")
    if not os.path.exists(page):
        sys.exit("html_browser_test: no index.html written")
    url = "file://" + page

    # The list, failing first; the summary when no scenario is named.
    root = dom(binary, url)
    ids = list_ids(root)
    check(ids[:1] == ["smtp/browser-fail"], "the failing scenario is listed first (got %s)" % ids)
    check(sorted(ids) == ["smtp/browser-fail", "smtp/browser-pass", "smtp/browser-warn"],
          "all three scenarios are listed")
    first = root.find(by_id("list")).find(lambda n: n.tag == "li")
    check(first is not None and first.find(has_class("FAIL")) is not None,
          "the first list entry carries a FAIL badge")
    view = root.find(by_id("view"))
    check(view is not None and "Run summary" in view.text(), "the run summary shows without a fragment")

    # The failing scenario by deep link: first divergence marked at the differing character.
    root = dom(binary, url + "#smtp/browser-fail")
    view = root.find(by_id("view"))
    check(view is not None and "smtp/browser-fail" in view.find(lambda n: n.tag == "h1").text(),
          "the deep link opens the failing scenario")
    box = root.find(by_id("divergence"))
    check(box is not None and "MAIL FROM:<a@client.example.org>" in box.text(),
          "the first divergence is stated above the steps")
    rows = root.find_all(lambda n: n.tag == "tr" and "first-divergence" in n.classes())
    check(len(rows) >= 1 and "step 5" in rows[0].text(), "script step 5 is marked as the first divergence")
    marks = rows[0].find_all(lambda n: n.tag == "mark" and "diff" in n.classes()) if rows else []
    check(any(m.text() == " " for m in marks),
          "the differing character (the space after 'MAIL FROM:') is highlighted: %r"
          % [m.text() for m in marks])
    sel = root.find(lambda n: n.tag == "li" and "sel" in n.classes())
    check(sel is not None and sel.attrs.get("data-id") == "smtp/browser-fail",
          "the list marks the open scenario")
    finding = root.find(by_id("rule-0")) or root.find(has_class("finding"))
    links = [a.attrs.get("href") for f in root.find_all(has_class("finding")) for a in f.find_all(lambda n: n.tag == "a")]
    check("https://www.rfc-editor.org/rfc/rfc5321#section-4.1.2" in links,
          "SMTP-PATH-SYNTAX links to RFC 5321 section 4.1.2 (links: %s)" % links)
    inline = root.find_all(has_class("finding-row"))
    check(any("SMTP-PATH-SYNTAX" in n.text() for n in inline),
          "the finding is shown inline in the transcript at the event it cites")
    div_ev = root.find(lambda n: "div-ev" in n.classes())
    check(div_ev is not None and "MAIL FROM: <a@client.example.org>" in div_ev.text().replace("CRLF", ""),
          "the transcript marks the event of the first divergence")
    tls = [n.text() for n in root.find_all(has_class("marker"))]
    check(any("TLS established" in t for t in tls), "the TLS upgrade is shown in the sequence")
    check(finding is not None, "rule findings are listed")

    # Filters from the query string.
    root = dom(binary, url + "?verdict=WARN")
    check(list_ids(root) == ["smtp/browser-warn"], "?verdict=WARN narrows the list to the WARN scenario")
    root = dom(binary, url + "?rule=SMTP-PATH-SYNTAX")
    check(list_ids(root) == ["smtp/browser-fail"], "?rule=SMTP-PATH-SYNTAX narrows the list")
    root = dom(binary, url + "?q=clean%20message#smtp/browser-pass")
    check(list_ids(root) == ["smtp/browser-pass"], "?q= searches the summaries")
    view = root.find(by_id("view"))
    check(view is not None and "smtp/browser-pass" in view.text() and root.find(by_id("divergence")) is None,
          "a passing scenario opens without a divergence")

    # A screenshot of the failing scenario, for people (and reviewers) to look at.
    shot = os.path.join(out, "failing-scenario.png")
    run, seconds = chromium(binary, url + "#smtp/browser-fail", ["--screenshot=" + shot])
    check(run.returncode == 0 and os.path.getsize(shot) > 10000,
          "screenshot written to %s (%.1f s)" % (shot, seconds))

    if failures:
        print("%d check(s) failed" % len(failures))
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
