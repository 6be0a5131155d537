#!/usr/bin/env bash
# All tests: installs, builds, and runs every CTest (unit tests, every scenario, the
# self-check, the smtplib adapter, the HTML report in headless Chromium) in the normal build
# and again under ASan + UBSan; then builds the libFuzzer targets (Clang, build-fuzz/) and
# runs each briefly on its seed corpus.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)
scripts/install-deps.sh --test
scripts/build.sh
ctest --test-dir build --output-on-failure --no-label-summary -j "$jobs"
scripts/build.sh --sanitize
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan --output-on-failure --no-label-summary -j "$jobs"
PH_FUZZ_BUILD_JOBS="$jobs" scripts/fuzz.sh --smoke
