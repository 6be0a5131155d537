#!/usr/bin/env bash
# The Debian package on a fresh Debian 12: builds the .deb (cpack in build/), makes a minimal
# bookworm root with mmdebstrap, installs the package there with `apt install ./protoharness_*.deb`
# (which pulls its declared dependencies from the archive) and runs the installed corpus with
# the installed binary. Needs root and the Debian archive; not part of scripts/test.sh
# (package/deb checks the package's contents and Depends offline).
#   scripts/check-deb.sh [ROOT_DIR]     (default: a new folder under /tmp, removed afterwards)
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive
command -v mmdebstrap >/dev/null || apt-get install -y mmdebstrap >/dev/null
scripts/build.sh
(cd build && cpack -G DEB >/dev/null)
deb=$(ls -t build/protoharness_*.deb | head -1)
root=${1:-$(mktemp -d /tmp/protoharness-deb-root.XXXXXX)}
[ -z "${1:-}" ] && trap 'rm -rf "$root"' EXIT
start=$(date +%s)
mmdebstrap --variant=apt --quiet bookworm "$root" >/dev/null
# The installer writes /etc/hosts on every Debian machine; a bare root has none, and the HTTP
# redirect scenarios name "localhost".
printf '127.0.0.1\tlocalhost\n::1\t\tlocalhost ip6-localhost ip6-loopback\n' >"$root/etc/hosts"
cp "$deb" "$root/tmp/"
chroot "$root" sh -c "apt-get update -qq && apt-get install -y -qq /tmp/$(basename "$deb") >/dev/null"
echo "check-deb: $(basename "$deb") installed on a fresh bookworm root in $(( $(date +%s) - start )) s"
chroot "$root" protoharness --version
chroot "$root" protoharness run /usr/share/protoharness/scenarios -j 2 -q
