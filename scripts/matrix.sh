#!/usr/bin/env bash
# The conformance matrix (scripts/matrix.py): the corpus run by the in-tree clients and every
# adapter in tests/adapters/, written to conformance/MATRIX.md and conformance/matrix.json.
#   scripts/matrix.sh [--build DIR] [--out DIR] [--jobs N] [--client NAME ...]
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x build/protoharness ] || { cmake -S . -B build -G Ninja >/dev/null && ninja -C build protoharness; }
exec python3 scripts/matrix.py "$@"
