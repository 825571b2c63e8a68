# nova: every entry point. See README.md.
#
#   make run     set up, build, boot the VM with a simulated GPU, show nova
#   make test    set up, build, run every test; prints "N passed, N failed"
#   make bench   the benchmark figures P1..P9, each a ratio to a reference
#
# Variables: CHIP (one of the 24 simulated chips, tu102 ... gb207; default
# ga102), CHIPS (several, e.g. "tu102 ga100 gb202": one simulated GPU each in
# one VM), DRIVER (nova, nova-core), NOVA_CACHE (default ~/.cache/nova),
# JOBS, CMD (make vm).

CHIP ?= ga102
DRIVER ?= nova
export CHIP CHIPS DRIVER NOVA_CACHE JOBS

INROOT := scripts/inroot.sh
CARGO ?= cargo

.PHONY: all run test test-memcheck bench vm shell buildroot kernel module nvsim tools igt fuzz fuzz-vm clean distclean help

all: kernel tools

help:
	@sed -n '1,/^$$/p' Makefile

buildroot:
	@scripts/buildroot.sh

kernel: buildroot
	@$(INROOT) /src/scripts/kernel.sh build

# Rebuild nova.ko alone and fail on any compiler or clippy warning in it.
module: buildroot
	@$(INROOT) /src/scripts/kernel.sh module

nvsim tools:
	@$(CARGO) build --release --workspace --bins -q

igt: buildroot
	@$(INROOT) make -s -C /src/igt-tests OUT=/cache/igt

run: kernel tools
	@$(INROOT) /src/scripts/vm.sh run

# An interactive root shell in the VM; with CMD='...', that shell command
# runs in the guest (bash, from /src: the repository) instead, its output
# is shown, the VM powers off and the exit status is the command's. Write
# a `$$` for each `$` in CMD (make expands it), or put the commands in a
# script of the repository: make vm CMD='bash my-test.sh'.
vm shell: kernel tools
	@VM_CMD="$$CMD" $(INROOT) /src/scripts/vm.sh $(if $(CMD),cmd,shell)

test:
	@scripts/test.sh

# The in-VM tests that exercise nova's own paths (the full IGT run on the
# default chip, each test binary once, and the GSP fault runs) on a second build of the kernel with
# KASAN and kmemleak (configs/memcheck.config, $NOVA_CACHE/work/kbuild-memcheck),
# kmemleak scanned after the tests and after unload. Too slow under TCG for
# `make test` (README, Figures).
test-memcheck:
	@KERNEL_FLAVOR=memcheck scripts/test.sh

# The figures P1..P9 (scripts/bench.sh), each a ratio to a reference measured
# in the same VM run.
bench: kernel tools igt
	@scripts/bench.sh

fuzz:
	@tools/fwparse/fuzz.sh $${FUZZ_RUNS:-200000}

# The ioctl fuzzer (igt-tests/nova_fuzz.c) alone in the VM, for longer:
# NOVA_FUZZ_SECONDS (default 300, nova-ioctls' share; the binary takes about
# three times that), NOVA_FUZZ_SEED to repeat a run. It runs under the IGT
# runner, so a kernel warning fails it as in `make test`; the status is
# non-zero if a subtest failed. Output: $NOVA_CACHE/work/vm/fuzz-<chip>.
fuzz-vm: kernel tools igt
	@secs=$${NOVA_FUZZ_SECONDS:-300}; \
	VM_TIMEOUT=$$((secs * 4 + 900)) \
	VM_CMD="modprobe nova && udevadm settle && \
		NOVA_FUZZ_SECONDS=$$secs $${NOVA_FUZZ_SEED:+NOVA_FUZZ_SEED=$$NOVA_FUZZ_SEED} \
		IGT_TIMEOUT=$$((secs * 2 + 300)) IGT_FILTER='^nova_fuzz@' \
		/src/igt-tests/run.sh \$$NOVA_OUT/igt | tee \$$NOVA_OUT/fuzz.txt && \
		grep -q '^IGT: [0-9]* passed, 0 failed' \$$NOVA_OUT/fuzz.txt" \
	$(INROOT) /src/scripts/vm.sh cmd fuzz-$(CHIP)

# The kernel with KASAN (KERNEL_FLAVOR=memcheck) booted BOOTS times (default
# 50) with QEMU's -cpu CPU (default vm.sh's model) and no root filesystem,
# each boot's log checked for kernel reports as in `make test`
# (scripts/boot-loop.sh).
boot-loop: buildroot
	@KERNEL_FLAVOR=memcheck $(INROOT) /src/scripts/kernel.sh build
	@KERNEL_FLAVOR=memcheck $(INROOT) /src/scripts/boot-loop.sh $${BOOTS:-50} $(CPU)

# Build outputs only; the build root and the unpacked kernel are kept.
clean:
	rm -rf target igt-tests/build
	rm -rf "$${NOVA_CACHE:-$$HOME/.cache/nova}/work/kbuild" "$${NOVA_CACHE:-$$HOME/.cache/nova}/work/igt"

# Everything nova put in its cache, build root included (needs root).
distclean: clean
	rm -rf "$${NOVA_CACHE:-$$HOME/.cache/nova}"
