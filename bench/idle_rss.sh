#!/bin/bash
# Memory per idle connection of the model fake servers: starts `protoharness serve --model P`
# as its own process, holds 1 and then N idle connections against it with `bench --op idle`,
# reads the server's VmRSS from /proc at each, and prints KiB per connection
# = (RSS_N - RSS_1) / (N - 1). Target: <= 16 KiB.
# Usage: bench/idle_rss.sh [BUILD_DIR] [N] [PROTOCOL...]   (defaults: build 10000 smtp pop3 nntp ftp http)
set -euo pipefail
exe="${1:-build}/protoharness"
n="${2:-10000}"
shift $(( $# < 2 ? $# : 2 ))
protocols=("${@:-smtp pop3 nntp ftp http}")
[ -x "$exe" ] || { echo "idle_rss.sh: no $exe (build first)" >&2; exit 2; }
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
work=$(mktemp -d)
serve_pid=""; bench_pid=""
cleanup() {
  [ -n "$bench_pid" ] && kill -INT "$bench_pid" 2>/dev/null || true
  [ -n "$serve_pid" ] && kill -INT "$serve_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
rss() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
# Holds $2 connections against port $1 until "holding" is printed, echoes the server's RSS.
hold() {
  "$exe" bench "$proto://127.0.0.1:$1" --op idle -c "$2" -d 600 > "$work/bench.out" 2>&1 &
  bench_pid=$!
  for _ in $(seq 600); do
    grep -q '^holding' "$work/bench.out" 2>/dev/null && break
    kill -0 "$bench_pid" 2>/dev/null || { cat "$work/bench.out" >&2; exit 1; }
    sleep 0.1
  done
  sleep 0.5
  rss "$serve_pid"
  kill -INT "$bench_pid"; wait "$bench_pid" || true; bench_pid=""
  grep -E 'errors' "$work/bench.out" | grep -v none >&2 || true
}
printf '%-6s %12s %14s %14s\n' protocol "RSS@1 KiB" "RSS@$n KiB" "KiB/conn"
for proto in ${protocols[@]}; do
  "$exe" serve --model "$proto" --port 0 --summary --timeout-ms 600000 > "$work/serve.out" 2>&1 &
  serve_pid=$!
  for _ in $(seq 100); do grep -q '^listening' "$work/serve.out" 2>/dev/null && break; sleep 0.1; done
  port=$(sed -n 's/^listening on .*:\([0-9]*\)$/\1/p' "$work/serve.out" | head -1)
  [ -n "$port" ] || { cat "$work/serve.out" >&2; exit 1; }
  r1=$(hold "$port" 1)
  rn=$(hold "$port" "$n")
  kill -INT "$serve_pid"; wait "$serve_pid" || true; serve_pid=""
  printf '%-6s %12s %14s %14.1f\n' "$proto" "$r1" "$rn" "$(echo "($rn - $r1) / ($n - 1)" | bc -l)"
done
