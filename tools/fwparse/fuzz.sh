#!/bin/bash
# Runs every cargo-fuzz target of the firmware parsers for a fixed number of
# inputs, starting from a seed corpus generated at run time from the
# installed firmware files (tools/fwparse/examples/fuzz_seeds.rs).
#
#   tools/fwparse/fuzz.sh [ITERATIONS] [TARGET...]
#
# ITERATIONS defaults to 10000 (libFuzzer -runs=N per target). Exits non-zero
# when a target finds a crash; the reproducer is left under the printed
# artifacts directory (the work directory is removed after a clean run unless
# KEEP=1). NOVA_FW_DIR overrides the firmware directory.
#
# cargo-fuzz needs nightly compiler flags. A nightly toolchain is used when
# rustup has one; otherwise the stable compiler is asked to accept them with
# RUSTC_BOOTSTRAP=1 (also forced by FUZZ_TOOLCHAIN=stable). cargo-fuzz itself is installed from crates.io if missing.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
runs=${1:-10000}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
	targets=(elf gsp fmc bin_hdr riscv hs bl vbios fwsec)
fi
fw_dir=${NOVA_FW_DIR:-${NOVA_CACHE:-$HOME/.cache/nova}/rootfs/usr/lib/firmware/nvidia}
export CARGO_BUILD_JOBS=${CARGO_BUILD_JOBS:-1}

if ! cargo fuzz --version >/dev/null 2>&1; then
	echo "fuzz.sh: installing cargo-fuzz from crates.io" >&2
	cargo install cargo-fuzz --locked
fi

if [ "${FUZZ_TOOLCHAIN:-}" != stable ] && rustup run nightly rustc --version >/dev/null 2>&1; then
	fuzz=(cargo +nightly fuzz)
	echo "fuzz.sh: using $(rustup run nightly rustc --version)"
else
	export RUSTC_BOOTSTRAP=1
	fuzz=(cargo fuzz)
	echo "fuzz.sh: no nightly toolchain, using $(rustc --version) with RUSTC_BOOTSTRAP=1"
fi

work=$(mktemp -d /tmp/fwparse-fuzz.XXXXXX)
echo "fuzz.sh: seeds, corpora and artifacts in $work"
(cd "$root" && cargo run -q -p fwparse --example fuzz_seeds -- "$work/seeds" "$fw_dir")

cd "$here/fuzz"
for t in "${targets[@]}"; do
	"${fuzz[@]}" build "$t"
done

status=0
summary=()
for t in "${targets[@]}"; do
	mkdir -p "$work/corpus/$t" "$work/artifacts/$t"
	cp -r "$work/seeds/$t/." "$work/corpus/$t/" 2>/dev/null || true
	start=$(date +%s.%N)
	if "${fuzz[@]}" run "$t" "$work/corpus/$t" -- -runs="$runs" -max_len=65536 \
		-artifact_prefix="$work/artifacts/$t/" -print_final_stats=1 \
		>"$work/$t.log" 2>&1; then
		result=ok
	else
		result="FAILED (see $work/$t.log, $work/artifacts/$t/)"
		status=1
	fi
	end=$(date +%s.%N)
	secs=$(awk "BEGIN { printf \"%.1f\", $end - $start }")
	execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$work/$t.log" | grep -o '[0-9]*$' || echo "?")
	summary+=("$(printf '%-8s %8s runs %6ss  %s' "$t" "$execs" "$secs" "$result")")
done

echo "fuzz.sh: $runs runs per target"
printf '%s\n' "${summary[@]}"
if [ $status -eq 0 ] && [ -z "${KEEP:-}" ]; then
	rm -rf "$work"
fi
exit $status
