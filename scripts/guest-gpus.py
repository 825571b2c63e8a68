#!/usr/bin/env python3
"""The simulated GPUs of this VM and what each must report, from the
gpus.jsonl that vm.sh wrote into the run's output directory (one
`nvsim --describe` line per device, with its PCI address): the tests take
their expectations from nvsim's chip table, never from a copy of it.

    guest-gpus.py list         one line per GPU: index, PCI address, chip,
                               boot flow
    guest-gpus.py expect K     shell `export` lines of the NOVA_EXPECT_*
                               variables (igt-tests/run.sh) for GPU K
    guest-gpus.py env K        the same as VAR=VALUE lines, unquoted (for
                               env(1))

The output directory is $NOVA_OUT (default /run/nova-out).
"""

import json
import os
import shlex
import sys

# The boot flows (`nvsim --describe`, "boot") nova boots GSP-RM through:
# Turing's, GA100's, GA10x/Ada's and the FSP's of Hopper and Blackwell. A
# GPU of another flow stops the run: the tests could not say what to
# expect of it.
NOVA_FLOWS = {"turing", "ga100", "ga10x", "fsp"}


def gpus():
    path = os.path.join(os.environ.get("NOVA_OUT", "/run/nova-out"), "gpus.jsonl")
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def check_flow(gpu):
    if gpu["boot"] not in NOVA_FLOWS:
        sys.exit(f"guest-gpus.py: {gpu['chip']}: boot flow {gpu['boot']!r} is not one nova follows")


def expect_env(gpu):
    check_flow(gpu)
    return {
        "NOVA_EXPECT_DEVICE_ID": gpu["device_id"],
        "NOVA_EXPECT_CHIPSET": gpu["chipset"],
        "NOVA_EXPECT_VRAM_BAR_SIZE": hex(gpu["bar1_size"]),
        "NOVA_EXPECT_GSP": "1",
        "NOVA_EXPECT_GPU_NAME": gpu["gpu_name"],
    }


def main(argv):
    if len(argv) == 2 and argv[1] == "list":
        for k, g in enumerate(gpus()):
            check_flow(g)
            print(k, g["pci"], g["chip"], g["boot"])
    elif len(argv) == 3 and argv[1] in ("expect", "env"):
        all_gpus = gpus()
        k = int(argv[2])
        if not 0 <= k < len(all_gpus):
            sys.exit(f"guest-gpus.py: no GPU {k} ({len(all_gpus)} in this VM)")
        for name, value in expect_env(all_gpus[k]).items():
            if argv[1] == "expect":
                print(f"export {name}={shlex.quote(value)}")
            else:
                print(f"{name}={value}")
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
