#!/usr/bin/env bash
# Make the firmware files upstream nova-core (Linux 7.3) requests from the
# ones Debian's firmware-nvidia-graphics ships.
#
#   firmware/nova-core-tlv.sh OUT
#
# nova-core loads TLV-packaged files (nvidia/<chip>/gsp/gsp.tlv, gsp.bin,
# gsp_bootloader.tlv, booter_*.tlv, gen_bootloader.tlv, fmc.tlv), which
# Debian does not ship. This runs `nvfw tlv` on every chip directory of
# FW_SRC that has a gsp-FW_VERSION.bin and writes OUT/nvidia/<chip>/gsp/;
# boot with firmware_class.path=OUT. Chips that share one GSP-RM image share
# one gsp.bin (hard links).
#
# Nothing is done when OUT/.stamp matches the inputs: the nvfw binary and
# this script (by content) and every input file (name, size, mtime). OUT is
# replaced as a whole, under a lock, so a concurrent run or reader never
# sees it half made.
#
# Environment: FW_SRC (default /usr/lib/firmware/nvidia: run it in the build
# root, or point it at $ROOTFS/usr/lib/firmware/nvidia on the host),
# FW_VERSION (default 570.144), NVFW (default <repo>/target/release/nvfw;
# cargo build --release -p nvfw).
set -euo pipefail
out=${1:?usage: nova-core-tlv.sh OUT}
here=$(cd "$(dirname "$0")" && pwd)
src=${FW_SRC:-/usr/lib/firmware/nvidia}
ver=${FW_VERSION:-570.144}
nvfw=${NVFW:-$here/../target/release/nvfw}
log() { printf '[nova] %s\n' "$*" >&2; }
die() { printf '[nova] error: %s\n' "$*" >&2; exit 1; }

[ -x "$nvfw" ] || die "no nvfw at $nvfw (cargo build --release -p nvfw)"
[ -d "$src" ] || die "no firmware directory $src (firmware-nvidia-graphics)"
out=${out%/}
mkdir -p "$(dirname "$out")"

exec 9>"$out.lock"
flock 9

key=$({
	sha256sum "$nvfw" "${BASH_SOURCE[0]}" | cut -d' ' -f1
	echo "$ver"
	(cd "$src" && find -L . -path "./*/gsp/*-$ver.bin" -printf '%p %s %T@\n' | LC_ALL=C sort)
} | sha256sum | cut -d' ' -f1)
if [ -f "$out/.stamp" ] && [ "$(cat "$out/.stamp")" = "$key" ]; then
	exit 0
fi

new=$out.new.$$
trap 'rm -rf "$new"' EXIT
rm -rf "$new"
declare -A gsp_bin # real path of a gsp-$ver.bin -> the gsp.bin made from it
chips=()
for f in "$src"/*/gsp/gsp-"$ver".bin; do
	[ -e "$f" ] || continue
	dir=${f%/gsp-"$ver".bin}
	chip=${dir%/gsp}
	chip=${chip##*/}
	dst=$new/nvidia/$chip/gsp
	"$nvfw" tlv --chip "$chip" --version "$ver" "$dir" "$dst" >/dev/null ||
		die "nvfw tlv failed for $chip"
	real=$(realpath "$f")
	if [ -n "${gsp_bin[$real]:-}" ]; then
		ln -f "${gsp_bin[$real]}" "$dst/gsp.bin"
	else
		gsp_bin[$real]=$dst/gsp.bin
	fi
	chips+=("$chip")
done
[ "${#chips[@]}" -gt 0 ] || die "no gsp-$ver.bin under $src"
echo "$key" >"$new/.stamp"

rm -rf "$out.old"
[ ! -e "$out" ] || mv "$out" "$out.old"
mv "$new" "$out"
rm -rf "$out.old"
log "nova-core firmware ($ver, TLV) for ${#chips[@]} chips in $out: ${chips[*]}"
