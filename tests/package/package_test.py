#!/usr/bin/env python3
"""protoharness as users get it: `cmake --install`, find_package from another project, the
protoharness_add_scenarios function, and the Debian package.

Usage: package_test.py CASE BUILD_DIR WORK_DIR CMAKE CTEST CPACK [CONSUMER_CMAKE_ARG...]
CASE:
  install-consumer  install BUILD_DIR into WORK_DIR/prefix, configure and build
                    examples/consumer against it (the fixture of the next two)
  consumer-smtp     the consumer's SMTP client against the installed `serve --model smtp`:
                    exit 0 and a PASS verdict
  consumer-labels   the consumer's scenario tests: named by id, labelled by tag (ctest -N -L),
                    and they pass
  deb               cpack -G DEB: Depends, contents, the corpus run from the unpacked tree
                    (only what $PH_DEB_FILTER selects, when set), and the consumer built
                    against it
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

SOURCE = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
TIMEOUT = 300  # seconds for any one command: a hang fails the case instead of blocking CTest


def run(cmd, **kw):
    """stdout of cmd; exits with its output when it fails."""
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT, **kw)
    if p.returncode != 0:
        sys.exit(f"FAILED ({p.returncode}): {' '.join(cmd)}\n{p.stdout}\n{p.stderr}")
    return p.stdout


def expect(cond, what, out=""):
    if not cond:
        sys.exit(f"FAILED: {what}\n{out}")


def listed_tests(ctest, build, *selection):
    """The test names `ctest -N` lists in build for this selection."""
    out = run([ctest, "--test-dir", build, "-N", *selection])
    return sorted(re.findall(r"^\s*Test\s+#\d+: (\S+)$", out, re.M))


def ids_with_tag(exe, folder, tag):
    """What `protoharness list --json` says carries tag (the function's input)."""
    entries = json.loads(run([exe, "list", folder, "--json"]))
    return sorted(e["id"] for e in entries if tag in e["tags"])


def case_install_consumer(build, work, cmake, ctest, cpack, consumer_args):
    prefix, consumer = os.path.join(work, "prefix"), os.path.join(work, "consumer")
    shutil.rmtree(work, ignore_errors=True)
    run([cmake, "--install", build, "--prefix", prefix])
    for path in ["bin/protoharness", "include/protoharness/clients/smtp/client.hpp",
                 "lib/libph_clients.a", "lib/cmake/protoharness/protoharness-config.cmake",
                 "lib/cmake/protoharness/protoharness-scenarios.cmake",
                 "share/protoharness/scenarios/smtp/auth-plain.toml",
                 "share/protoharness/ca/ca.pem"]:
        expect(os.path.exists(os.path.join(prefix, path)), f"{path} is not installed")
    run([cmake, "-S", os.path.join(SOURCE, "examples", "consumer"), "-B", consumer,
         f"-DCMAKE_PREFIX_PATH={prefix}", *consumer_args])
    run([cmake, "--build", consumer])
    print(f"installed into {prefix}, consumer built in {consumer}")


def case_consumer_smtp(build, work, cmake, ctest, cpack, consumer_args):
    exe = os.path.join(work, "prefix", "bin", "protoharness")
    serve = subprocess.Popen([exe, "serve", "--model", "smtp", "--port", "0", "--count", "1",
                              "--timeout-ms", "10000"], stdout=subprocess.PIPE, text=True)
    try:
        first = serve.stdout.readline().strip()
        expect(first.startswith("listening on 127.0.0.1:"), f"serve's first line: {first!r}")
        port = first.rsplit(":", 1)[1]
        client = subprocess.run([os.path.join(work, "consumer", "send_hello"), "127.0.0.1", port],
                                capture_output=True, text=True, timeout=60)
        rest, _ = serve.communicate(timeout=60)
    finally:
        if serve.poll() is None:
            serve.kill()
            serve.wait()
    print(client.stdout + client.stderr + rest)
    expect(client.returncode == 0, f"send_hello exited {client.returncode}")
    expect(serve.returncode == 0, f"serve exited {serve.returncode}")
    expect(re.search(r"\bPASS\b", rest), "serve printed no PASS verdict", rest)


def case_consumer_labels(build, work, cmake, ctest, cpack, consumer_args):
    consumer = os.path.join(work, "consumer")
    scenarios = os.path.join(work, "prefix", "share", "protoharness", "scenarios")
    exe = os.path.join(work, "prefix", "bin", "protoharness")
    smtp = ids_with_tag(exe, os.path.join(scenarios, "smtp"), "security")
    http = ids_with_tag(exe, os.path.join(scenarios, "http"), "security")
    expect("smtp/starttls-wrong-name" in smtp and http, f"security scenarios: {smtp} {http}")
    got = listed_tests(ctest, consumer, "-L", "security")
    expect(got == sorted(smtp + http), f"ctest -N -L security: {got}, want {smtp + http}")
    got = listed_tests(ctest, consumer, "-R", "smtp/", "-L", "security")
    expect(got == smtp, f"ctest -N -R smtp/ -L security: {got}, want {smtp}")
    # A tag beside security on one scenario is a label too.
    got = listed_tests(ctest, consumer, "-L", "^starttls$")
    expect("smtp/starttls-wrong-name" in got and not any(t.startswith("http/") for t in got),
           f"ctest -N -L ^starttls$: {got}")
    run([ctest, "--test-dir", consumer, "-R", "smtp/", "--output-on-failure"])
    print(f"labelled: {smtp + http}")


def case_deb(build, work, cmake, ctest, cpack, consumer_args):
    if not shutil.which("dpkg-deb"):
        print("SKIPPED: dpkg-deb is not installed (scripts/install-deps.sh installs dpkg-dev)")
        sys.exit(77)
    shutil.rmtree(work, ignore_errors=True)
    run([cpack, "-G", "DEB", "--config", os.path.join(build, "CPackConfig.cmake"), "-B", work])
    debs = [f for f in os.listdir(work) if re.fullmatch(r"protoharness_.*\.deb", f)]
    expect(len(debs) == 1, f"one protoharness_*.deb in {work}: {debs}")
    deb = os.path.join(work, debs[0])
    info = run(["dpkg-deb", "-I", deb])
    depends = re.search(r"^ Depends: (.*)$", info, re.M)
    expect(depends, "no Depends line", info)
    names = {d.split()[0] for d in depends.group(1).split(", ")}
    for lib in ["libc6", "libstdc++6", "libssl3", "libfmt9", "libre2-9"]:
        expect(lib in names, f"Depends lacks {lib}", info)
    contents = run(["dpkg-deb", "-c", deb])
    for path in ["./usr/bin/protoharness", "./usr/include/protoharness/clients/smtp/client.hpp",
                 "./usr/lib/cmake/protoharness/protoharness-config.cmake",
                 "./usr/share/protoharness/scenarios/smtp/auth-plain.toml",
                 "./usr/share/protoharness/ca/ca.pem"]:
        expect(re.search(rf" {re.escape(path)}$", contents, re.M), f"{path} not in the package",
               contents)
    # The installed corpus from where it was unpacked: it needs nothing beside itself.
    root = os.path.join(work, "root")
    run(["dpkg-deb", "-x", deb, root])
    corpus = os.path.join(root, "usr", "share", "protoharness", "scenarios")
    selection = ["--filter", os.environ["PH_DEB_FILTER"]] if os.environ.get("PH_DEB_FILTER") else []
    # One at a time, as the scenario/<id> tests run: CTest runs other tests beside this one, and
    # the large-body HTTP scenarios have 2 s client deadlines.
    out = run([os.path.join(root, "usr", "bin", "protoharness"), "run", corpus, "-j", "1",
               "--quiet", *selection])
    # The package's CMake files are relocatable: the consumer builds against the unpacked tree.
    consumer = os.path.join(work, "consumer")
    run([cmake, "-S", os.path.join(SOURCE, "examples", "consumer"), "-B", consumer,
         f"-DCMAKE_PREFIX_PATH={os.path.join(root, 'usr')}", *consumer_args])
    run([cmake, "--build", consumer])
    expect(listed_tests(ctest, consumer, "-R", "smtp/starttls-wrong-name") ==
           ["smtp/starttls-wrong-name"], "the consumer's tests from the unpacked package")
    print(depends.group(0).strip())
    print(out)


def main():
    if len(sys.argv) < 7:
        sys.exit(__doc__)
    case, build, work, cmake, ctest, cpack = sys.argv[1:7]
    fn = globals().get("case_" + case.replace("-", "_"))
    if fn is None:
        sys.exit(f"unknown case {case}")
    fn(build, work, cmake, ctest, cpack, sys.argv[7:])


if __name__ == "__main__":
    main()
