#!/usr/bin/env bash
# Regenerates bench/RESULTS.md: builds protoharness (Release), starts the real-server kit
# (bench/servers.sh), measures the in-tree side and its peers alternately, stops the kit.
#
#   bench/compare.sh [--runs N] [--quick] [--keep-servers] [--no-build] [--only REGEX] [--out FILE]
#
# --quick: 1 run and small counts (about 1 minute), for development. The full run (3 runs)
# takes 6-10 minutes on a 2-core machine (plus the kit's first install). Needs root for the
# kit's apt-get and daemons.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
cd "$root"

recorded="bench/compare.sh${*:+ $*}"
keep=0
build=1
pass=()
while (($#)); do
  case "$1" in
    --keep-servers) keep=1 ;;
    --no-build) build=0 ;;
    --runs | --only | --out) pass+=("$1" "${2:?$1 needs a value}"); shift ;;
    --quick) pass+=("$1") ;;
    -h | --help) sed -n "2,9p" "$here/compare.sh" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "compare.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done

if ((build)); then
  if [[ ! -f build/build.ninja ]]; then
    [[ -x scripts/install-deps.sh ]] && scripts/install-deps.sh
    cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release
  fi
  ninja -C build -j2 protoharness
fi

servers="$here/servers.sh"
stop_servers() {
  if ((!keep)) && [[ -x "$servers" ]]; then "$servers" stop || true; fi
}
if [[ -x "$servers" ]]; then
  trap stop_servers EXIT
  "$servers" start
  "$servers" status || true
else
  echo "compare.sh: $servers not found; rows against real servers will say n/a" >&2
fi

python3 "$here/compare.py" --command "$recorded" ${pass[@]+"${pass[@]}"}
