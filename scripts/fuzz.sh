#!/usr/bin/env bash
# libFuzzer targets of tests/fuzz (ASan + UBSan, Clang), built in build-fuzz/.
#   scripts/fuzz.sh TARGET SECONDS   one target on its corpus for SECONDS (or until
#                                    $PH_FUZZ_RUNS executions, when set; more libFuzzer flags
#                                    in $PH_FUZZ_FLAGS, e.g. -entropic=0); new inputs go to
#                                    $PH_FUZZ_WORK/TARGET (default /tmp/protoharness-fuzz), never
#                                    into the tree; prints the executions done
#   scripts/fuzz.sh --smoke          builds every target and runs each briefly on its corpus
#   scripts/fuzz.sh --list           the targets and their -max_len
# Runs use one core (nice, one process). Crashes, hangs (-timeout=5) and OOMs
# (-rss_limit_mb=2048) leave their input in the work folder and fail the script.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
dir=build-fuzz
work=${PH_FUZZ_WORK:-/tmp/protoharness-fuzz}
targets_file=tests/fuzz/targets.txt

usage() {
  sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
}

max_len() { awk -v t="$1" '$1 == t { print $2 }' "$targets_file"; }
all_targets() { awk '!/^#/ && NF { print $1 }' "$targets_file"; }

build() {  # targets...
  scripts/install-deps.sh --fuzz
  if [ ! -f "$dir/build.ninja" ]; then
    CC=clang CXX=clang++ cmake -S . -B "$dir" -G Ninja -DPH_FUZZ=ON -DPH_BUILD_TESTS=OFF \
      -DPH_BUILD_EXAMPLES=OFF -DCMAKE_BUILD_TYPE=None \
      -DCMAKE_CXX_FLAGS="-O1 -gline-tables-only" >/dev/null
  fi
  local start
  start=$(date +%s)
  ninja -C "$dir" -j "${PH_FUZZ_BUILD_JOBS:-2}" "${@/#/fuzz_}"
  echo "fuzz: $dir built in $(($(date +%s) - start)) s"
}

# The fake-server targets open loopback connections (and an FTP model connects wherever a
# fuzzed PORT points): in a network namespace of their own when one can be made.
isolated() {
  if [ -z "${PH_FUZZ_NO_NETNS:-}" ] && unshare -n true 2>/dev/null && command -v ip >/dev/null; then
    unshare -n sh -c 'ip link set lo up && exec "$@"' sh "$@"
  else
    "$@"
  fi
}

run() {  # target, folder for new inputs, extra libFuzzer flags...
  local target=$1 found=$2
  shift 2
  mkdir -p "$found" "$work/artifacts/$target"
  isolated nice -n 10 "$dir/tests/fuzz/$target" -max_len="$(max_len "$target")" -timeout=5 \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$work/artifacts/$target/" "$@" \
    "$found" "$root/tests/fuzz/corpus/$target"
}

executions() {  # log file
  awk '/stat::number_of_executed_units/ { n = $2 } /stat::average_exec_per_sec/ { r = $2 }
       END { printf "%s executions, %s exec/s\n", n, r }' "$1"
}

case "${1:-}" in
  --list)
    awk '!/^#/ && NF { printf "%-20s -max_len=%s\n", $1, $2 }' "$targets_file"
    ;;
  --smoke)
    mapfile -t targets < <(all_targets)
    build "${targets[@]}"
    start=$(date +%s)
    failed=0
    smoke=$(mktemp -d)
    trap 'rm -rf "$smoke"' EXIT
    mkdir -p "$work"
    for t in "${targets[@]}"; do
      log="$work/$t.smoke.log"
      # The corpus first, then a few hundred mutations of it.
      if run "$t" "$smoke/$t" -runs="${PH_FUZZ_SMOKE_RUNS:-500}" >"$log" 2>&1; then
        echo "fuzz smoke: $t: $(executions "$log")"
      else
        echo "fuzz smoke: $t FAILED (log: $log)"
        tail -n 30 "$log"
        failed=1
      fi
    done
    echo "fuzz smoke: ${#targets[@]} targets run in $(($(date +%s) - start)) s"
    exit $failed
    ;;
  "" | -h | --help)
    usage
    ;;
  *)
    [ $# -eq 2 ] || usage
    target=$1
    seconds=$2
    [ -n "$(max_len "$target")" ] || { echo "fuzz: unknown target '$target' (scripts/fuzz.sh --list)"; exit 2; }
    build "$target"
    log="$work/$target.log"
    mkdir -p "$work"
    echo "fuzz: $target for $seconds s; log $log, new inputs in $work/$target"
    status=0
    extra=()
    [ -n "${PH_FUZZ_RUNS:-}" ] && extra=(-runs="$PH_FUZZ_RUNS")
    read -ra flags <<<"${PH_FUZZ_FLAGS:-}"
    run "$target" "$work/$target" -max_total_time="$seconds" "${extra[@]}" "${flags[@]}" \
      >"$log" 2>&1 || status=$?
    tail -n 5 "$log"
    echo "fuzz: $target: $(executions "$log"), corpus $(ls "$work/$target" | wc -l) new + $(ls tests/fuzz/corpus/$target | wc -l) seeds"
    exit $status
    ;;
esac
