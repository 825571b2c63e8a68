#!/usr/bin/env bash
# Unpack Linux 7.3, overlay nova on it, configure and build it (runs in the
# build root; see scripts/inroot.sh). Incremental: the tree is unpacked and
# patched once per patch set, the config regenerated only when a fragment
# changes, and the build directory ($WORK/kbuild) is kept.
#
#   kernel.sh prepare   unpack, patch, overlay, configure
#   kernel.sh build     prepare + build bzImage and modules (CLIPPY=1)
#   kernel.sh module    rebuild nova.ko alone and fail on any warning in it
#
# KERNEL_FLAVOR: "test" (default: configs/debug.config, in $WORK/kbuild;
# `make run`, `make test`, `make bench`) or "memcheck" (debug.config and
# configs/memcheck.config, KASAN and kmemleak, in $WORK/kbuild-memcheck;
# `make test-memcheck`). Both build the same patched tree.
set -euo pipefail
src=/src
cache=/cache
ksrc=$cache/linux-source-7.3
flavor=${KERNEL_FLAVOR:-test}
case "$flavor" in
test) kbuild=$cache/kbuild frag_list="nova.config debug.config" ;;
memcheck) kbuild=$cache/kbuild-memcheck frag_list="nova.config debug.config memcheck.config" ;;
*) printf '[nova] error: KERNEL_FLAVOR is test or memcheck, not %s\n' "$flavor" >&2; exit 1 ;;
esac
tarball=/usr/src/linux-source-7.3.tar.xz
log() { printf '[nova] %s\n' "$*" >&2; }
die() { printf '[nova] error: %s\n' "$*" >&2; exit 1; }
[ -d "$src/drivers/gpu/drm/nova" ] || die "run inside the build root (scripts/inroot.sh)"
jobs=${JOBS:-$(nproc)}
# One kernel build at a time: a second caller waits (VM runs take the lock
# shared while they install the modules, see vm.sh).
exec 9>"$cache/.kbuild.lock"
flock 9
kmake() { make -C "$ksrc" O="$kbuild" LLVM=1 CLIPPY=1 -j"$jobs" "$@"; }

unpack() {
	local want
	want=$(cat "$tarball.sha256" 2>/dev/null || sha256sum "$tarball" | cut -d' ' -f1)
	want="$want $(cat "$src"/kernel-patches/*.patch | sha256sum | cut -d' ' -f1)"
	if [ "$(cat "$ksrc/.nova-stamp" 2>/dev/null)" = "$want" ]; then
		return
	fi
	log "unpacking $(basename "$tarball") and applying kernel-patches/"
	rm -rf "$ksrc"
	# tar keeps the archive's mtimes, so an unchanged file does not rebuild.
	tar -C "$cache" -xf "$tarball"
	for p in "$src"/kernel-patches/*.patch; do
		patch -d "$ksrc" -p1 --quiet --forward <"$p" || die "patch $(basename "$p") does not apply"
	done
	echo "$want" >"$ksrc/.nova-stamp"
}

# Put the project's files into the tree as symlinks (paths inside the build
# root), so an edit in the repository is what the next build compiles.
overlay() {
	rm -rf "$ksrc/drivers/gpu/drm/nova"
	ln -sfn "$src/drivers/gpu/drm/nova" "$ksrc/drivers/gpu/drm/nova"
	ln -sfn "$src/include/uapi/drm/nova_drm.h" "$ksrc/include/uapi/drm/nova_drm.h"
	(cd "$src" && find rust -type f -name '*.rs') | while read -r f; do
		ln -sfn "$src/$f" "$ksrc/$f"
	done
}

configure() {
	local frags want
	frags="$ksrc/kernel/configs/kvm_guest.config"
	for f in $frag_list; do frags+=" $src/configs/$f"; done
	# shellcheck disable=SC2086
	want=$(cat $frags "$src/drivers/gpu/drm/nova/Kconfig" "$ksrc/.nova-stamp" | sha256sum | cut -d' ' -f1)
	if [ -f "$kbuild/.config" ] && [ "$(cat "$kbuild/.nova-config-stamp" 2>/dev/null)" = "$want" ]; then
		return
	fi
	log "configuring ($flavor): tinyconfig + kvm_guest.config + configs/{${frag_list// /,}}"
	mkdir -p "$kbuild"
	make -C "$ksrc" O="$kbuild" LLVM=1 tinyconfig >/dev/null
	# shellcheck disable=SC2086
	KCONFIG_CONFIG="$kbuild/.config" "$ksrc/scripts/kconfig/merge_config.sh" -m -O "$kbuild" \
		"$kbuild/.config" $frags >/dev/null
	make -C "$ksrc" O="$kbuild" LLVM=1 olddefconfig >/dev/null
	make -C "$ksrc" O="$kbuild" LLVM=1 rustavailable >/dev/null || die "Rust toolchain not usable"
	# Fail loudly when a fragment option did not survive (missing dependency).
	local missing=0 line
	# shellcheck disable=SC2086
	while read -r line; do
		case "$line" in CONFIG_*=y | CONFIG_*=m) ;; *) continue ;; esac
		grep -qx "$line" "$kbuild/.config" || { log "config: $line did not take"; missing=1; }
	done < <(for f in $frag_list; do cat "$src/configs/$f"; done)
	[ "$missing" = 0 ] || die "kernel config incomplete"
	echo "$want" >"$kbuild/.nova-config-stamp"
}

build() {
	log "building the kernel (LLVM=1 CLIPPY=1 -j$jobs) in $kbuild"
	kmake bzImage modules >"$cache/kbuild.log" 2>&1 || {
		grep -E 'error(\[E[0-9]+\])?:|Error [0-9]' -A12 "$cache/kbuild.log" | head -120 >&2
		die "kernel build failed, full log: $cache/kbuild.log"
	}
	log "kernel built: $kbuild/arch/x86/boot/bzImage"
}

# Recompile nova alone and treat any compiler or clippy warning as an error.
module_check() {
	rm -f "$kbuild/drivers/gpu/drm/nova/"*.o "$kbuild/drivers/gpu/drm/nova/"*.ko
	kmake modules >"$cache/nova-build.log" 2>&1 || {
		cat "$cache/nova-build.log" >&2
		die "nova build failed"
	}
	if grep -q '^warning' "$cache/nova-build.log"; then
		grep -A8 '^warning' "$cache/nova-build.log" >&2
		die "nova builds with warnings (CLIPPY=1)"
	fi
	log "nova.ko builds warning-free with CLIPPY=1"
}

case "${1:-build}" in
prepare) unpack; overlay; configure ;;
build) unpack; overlay; configure; build ;;
module) unpack; overlay; configure; module_check ;;
*) die "usage: kernel.sh prepare|build|module" ;;
esac
