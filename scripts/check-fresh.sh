#!/usr/bin/env bash
# A README command on a fresh Debian 12, as a newcomer would run it: makes a bare bookworm root
# with mmdebstrap, clones this checkout into it and runs the command there (default
# scripts/suite.sh, the main job; scripts/test.sh for all tests), timed from the first apt
# install to the last verdict. Needs root and the Debian archive; ccache starts empty there.
#   scripts/check-fresh.sh [COMMAND]
set -euo pipefail
cd "$(dirname "$0")/.."
cmd=${1:-scripts/suite.sh}
export DEBIAN_FRONTEND=noninteractive
command -v mmdebstrap >/dev/null || apt-get install -y mmdebstrap >/dev/null
root=$(mktemp -d /tmp/protoharness-fresh-root.XXXXXX)
cleanup() {
  for m in proc dev sys; do umount -R "$root/$m" 2>/dev/null || true; done
  # Never past a mount that is still there (the host's /dev).
  rm -rf --one-file-system "$root"
}
trap cleanup EXIT
mmdebstrap --variant=apt --quiet --include=git,ca-certificates bookworm "$root" >/dev/null
# What every installed Debian machine has and a bare root lacks.
printf '127.0.0.1\tlocalhost\n::1\t\tlocalhost ip6-localhost ip6-loopback\n' >"$root/etc/hosts"
mount -t proc proc "$root/proc"
mount --rbind /dev "$root/dev"
mount -t sysfs sys "$root/sys"
git clone -q "$(pwd)" "$root/src/protoharness"
start=$(date +%s)
chroot "$root" sh -c "cd /src/protoharness && $cmd"
echo "check-fresh: '$cmd' on a fresh bookworm root took $(( $(date +%s) - start )) s (apt included)"
