#!/usr/bin/env bash
# Installs dependencies and builds protoharness.
#   scripts/build.sh            -> build/        (RelWithDebInfo): everything, tests and benchmarks
#   scripts/build.sh --cli      -> build/        only the protoharness CLI and its libraries,
#                                                without debug information (-O2: a third less
#                                                compile time; the main job needs no debugger)
#   scripts/build.sh --sanitize -> build-asan/   (AddressSanitizer + UndefinedBehaviorSanitizer)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
dir=build
flags=(-DPH_BUILD_BENCHMARKS=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo)
targets=()
case "${1:-}" in
  --sanitize) dir=build-asan; flags=(-DPH_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug) ;;
  --cli) targets=(protoharness); flags=(-DCMAKE_BUILD_TYPE=Release "-DCMAKE_CXX_FLAGS_RELEASE=-O2 -DNDEBUG") ;;
  "") ;;
  *) echo "usage: scripts/build.sh [--cli | --sanitize]" >&2; exit 2 ;;
esac
[ "${CI:-}" = "true" ] && flags+=(-DPH_WERROR=ON)
cmake -S . -B "$dir" -G Ninja "${flags[@]}" >/dev/null
start=$(date +%s)
ninja -C "$dir" "${targets[@]}"
echo "build: $dir${targets:+ (${targets[*]})} built in $(( $(date +%s) - start )) s"
