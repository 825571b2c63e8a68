#!/usr/bin/env bash
# Create (or reuse) the Debian trixie build root under $NOVA_CACHE/rootfs.
#
# The host stays untouched: everything the kernel build, the VM and the IGT
# tests need is installed into a debootstrapped trixie tree that later steps
# enter with scripts/inroot.sh. Needs root (debootstrap, chroot, mount).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"

pkgfile="$here/packages.txt"
stamp="$ROOTFS/.nova-stamp"
want=$(sha256sum "$pkgfile" | cut -d' ' -f1)

# Mount points the VM guest needs on its read-only root (scripts/guest-init.sh).
prepare_mountpoints() { mkdir -p "$ROOTFS/usr/lib/modules" "$ROOTFS/cache" "$ROOTFS/src"; }

if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
	prepare_mountpoints
	log "build root up to date: $ROOTFS"
	exit 0
fi

need_root
MIRROR=$(debian_mirror) || die "no Debian mirror for the build root"
log "Debian mirror: $MIRROR"
if ! command -v debootstrap >/dev/null; then
	log "installing debootstrap on the host (the only host package nova needs)"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
fi

if [ ! -x "$ROOTFS/usr/bin/apt-get" ] || [ ! -f "$ROOTFS/.nova-debootstrap-done" ]; then
	log "debootstrap trixie into $ROOTFS"
	rm -rf "$ROOTFS"
	mkdir -p "$ROOTFS"
	debootstrap --variant=minbase --components=main,non-free-firmware \
		trixie "$ROOTFS" "$MIRROR" >"$NOVA_CACHE/debootstrap.log" 2>&1 ||
		die "debootstrap failed, see $NOVA_CACHE/debootstrap.log"
	touch "$ROOTFS/.nova-debootstrap-done"
fi

cat >"$ROOTFS/etc/apt/sources.list" <<SRC
deb $MIRROR trixie main non-free-firmware
deb $MIRROR trixie-updates main non-free-firmware
deb $MIRROR trixie-backports main non-free-firmware
SRC
# Non-interactive firmware licence and no recommends keep the root small.
cat >"$ROOTFS/etc/apt/apt.conf.d/90nova" <<'CONF'
APT::Install-Recommends "false";
APT::Install-Suggests "false";
Acquire::Retries "3";
CONF
cp /etc/resolv.conf "$ROOTFS/etc/resolv.conf" 2>/dev/null || true

pkgs=$(grep -v '^\s*#' "$pkgfile" | awk 'NF {print $1}' | tr '\n' ' ')
log "installing build root packages (trixie-backports)"
"$here/inroot.sh" sh -c "
	set -e
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq -t trixie-backports $pkgs
	apt-get clean
" >"$NOVA_CACHE/apt.log" 2>&1 || die "package install failed, see $NOVA_CACHE/apt.log"

# Record what was installed, for the README and bug reports.
"$here/inroot.sh" dpkg-query -W -f '${Package} ${Version}\n' >"$NOVA_CACHE/versions.txt"
prepare_mountpoints
echo "$want" >"$stamp"
log "build root ready ($(wc -l <"$NOVA_CACHE/versions.txt") packages)"
