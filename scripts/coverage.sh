#!/usr/bin/env bash
# Line coverage of the fake servers, the clients and the judge under the whole CTest suite
# (unit tests, the scenario corpus, peers, soak, fault matrix).
#   scripts/coverage.sh                 build build-cov/, run every test, print the summary
#   scripts/coverage.sh -R 'scenario/'  only the tests ctest -R selects
# Prints line coverage per folder of fakeservers/, clients/ and harness/rules/, then the lines
# of the model servers (fakeservers/*/*_model.cpp) that no test executed. Writes
# build-cov/coverage/coverage.json (gcovr's per-line data). Exits with ctest's status.
#
# Built with clang, read with llvm-cov's gcov: GCC 12's --coverage leaves every line inside a
# coroutine uninstrumented, and the fake servers' handlers and the clients' I/O are coroutines.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=${JOBS:-2}
scripts/install-deps.sh --coverage
cmake -S . -B build-cov -G Ninja -DPH_COVERAGE=ON -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_CXX_COMPILER=clang++-16 -DPH_BUILD_BENCHMARKS=OFF >/dev/null
ninja -C build-cov -j "$jobs"
# Counters from an earlier run would add up with this one.
find build-cov -name '*.gcda' -delete
status=0
ctest --test-dir build-cov -j "$jobs" --output-on-failure "$@" >build-cov/ctest.log 2>&1 || status=$?
tail -n 3 build-cov/ctest.log
mkdir -p build-cov/coverage
gcovr -r . --object-directory build-cov -j "$jobs" --gcov-executable "llvm-cov-16 gcov" \
  --gcov-ignore-parse-errors \
  --filter 'fakeservers/' --filter 'clients/' --filter 'harness/rules/' \
  --json build-cov/coverage/coverage.json
python3 scripts/coverage_summary.py build-cov/coverage/coverage.json
exit "$status"
