# Shared settings of nova's scripts. Sourced, not run.
# shellcheck shell=bash
NOVA_CACHE=${NOVA_CACHE:-$HOME/.cache/nova}
ROOTFS=$NOVA_CACHE/rootfs
WORK=$NOVA_CACHE/work
MIRROR=${NOVA_MIRROR:-http://deb.debian.org/debian}
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# Paths as seen inside the build root.
IN_REPO=/src
IN_WORK=/cache
KVER=7.3
KSRC=$WORK/linux-source-$KVER
KBUILD=$WORK/kbuild
IN_KSRC=$IN_WORK/linux-source-$KVER
IN_KBUILD=$IN_WORK/kbuild
mkdir -p "$NOVA_CACHE" "$WORK"

log() { printf '[nova] %s\n' "$*" >&2; }
die() { printf '[nova] error: %s\n' "$*" >&2; exit 1; }
need_root() { [ "$(id -u)" = 0 ] || die "this step needs root (debootstrap, chroot, mounts)"; }
