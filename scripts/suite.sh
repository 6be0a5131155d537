#!/usr/bin/env bash
# The main job: installs, builds, and runs the whole scenario suite against the in-tree
# clients. Reports go to out/report/ (index.html, junit.xml, ctrf.json, summary.md, report.json,
# transcripts/).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh --cli
exec build/protoharness run scenarios/ -j 2 --report-dir out/report "$@"
