#!/usr/bin/env bash
# Installs the Debian packages protoharness builds and tests with. Idempotent and
# non-interactive: packages already present are skipped, so a warm machine pays nothing.
#   scripts/install-deps.sh              the build and test packages
#   scripts/install-deps.sh --test       those plus what only scripts/test.sh uses: headless
#                                        Chromium for the HTML report's browser test
#   scripts/install-deps.sh --coverage   those plus gcovr, clang and llvm-cov (scripts/coverage.sh)
#   scripts/install-deps.sh --fuzz       those plus Clang and its libFuzzer/sanitizer runtimes
#                                        (scripts/fuzz.sh)
set -euo pipefail

# dpkg-dev: dpkg-shlibdeps, which fills the Depends of `cpack -G DEB` (tests/package);
# help2man: the man page, from the CLI's own help (cmake/man.cmake); groff-base: cli/man-page
# reads it back; file: cpack's Depends (dpkg-shlibdeps) needs it to find the binaries;
# python3-requests: tests/adapters/requests_adapter.py.
packages=(
  build-essential cmake ninja-build ccache pkg-config dpkg-dev
  libboost1.81-dev libssl-dev openssl
  libtoml11-dev libcli11-dev libfmt-dev nlohmann-json3-dev libre2-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  python3 python3-requests curl lftp clang-format help2man groff-base file
)
[ "${1:-}" = "--coverage" ] && packages+=(gcovr clang-16 llvm-16 libclang-rt-16-dev)
# The fuzz build only (PH_FUZZ): the compiler, libclang_rt.fuzzer*.a, asan and ubsan, and `ip`
# (fuzz.sh runs the loopback targets in a network namespace of their own).
if [ "${1:-}" = "--fuzz" ]; then
  packages+=(clang libclang-rt-14-dev iproute2)
fi
# The browser test of the HTML report (tests/reports/browser), run by scripts/test.sh only.
if [ "${1:-}" = "--test" ]; then
  packages+=(chromium fonts-dejavu-core)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "install-deps: all packages present"
fi
