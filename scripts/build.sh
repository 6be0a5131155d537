#!/usr/bin/env bash
# Installs dependencies and builds protoharness.
#   scripts/build.sh            -> build/        (RelWithDebInfo)
#   scripts/build.sh --sanitize -> build-asan/   (AddressSanitizer + UndefinedBehaviorSanitizer)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
dir=build
flags=(-DPH_BUILD_BENCHMARKS=ON)
if [ "${1:-}" = "--sanitize" ]; then
  dir=build-asan
  flags=(-DPH_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug)
fi
[ "${CI:-}" = "true" ] && flags+=(-DPH_WERROR=ON)
cmake -S . -B "$dir" -G Ninja "${flags[@]}" >/dev/null
start=$(date +%s)
ninja -C "$dir"
echo "build: $dir built in $(( $(date +%s) - start )) s"
